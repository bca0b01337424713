"""KPI benchmark: one week computed from a product-scale mirror, and the 52-week KPI page.

    .venv/bin/python benchmarks/kpis.py [--issues 40000] [--runs 15] [--requests 30] [--json]
        [--database-url postgres://postgres@127.0.0.1:5432/fleetops_bench_kpis]

Builds a mirror of `--issues` issues and pull requests (deterministic random: a third are
PRs, a third of the issues are bugs; two years of history; the handbook's labels plus
enough others to make 300) directly with bulk inserts, in a fresh database (SQLite in a
temporary folder unless --database-url names another; a PostgreSQL database named there is
dropped and created). Then it times `kpi_week_compute` for one week (median of `--runs`),
records 52 weeks, and times the KPI page with those 52 weeks (median server time over
`--requests` requests by a signed-in test client, with its query count). Nothing here is a
test: it prints numbers, it asserts nothing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
REPO = "fleetdm/fleet"
HANDBOOK_LABELS = [
    "bug", "story", ":product", ":release", ":reproduce", ":incoming", ":improve documentation",
    "~released bug", "~unreleased bug", "~release blocker", "~engineering-initiated", "~ceo",
    "#handbook", "P0", "P1", "P2", "#g-mdm", "#g-software", "#g-orchestration",
    "#g-security-compliance", "customer-northwind", "customer-contoso", "customer-globex",
    "customer-initech", "customer-umbrella", "dependencies", "go", "javascript",
]  # fmt: skip


def _prepare_database(url: str | None, workdir: str) -> str:
    if not url:
        return f"sqlite:///{workdir}/bench.sqlite3"
    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    admin = url.rsplit("/", 1)[0] + "/postgres"
    import psycopg

    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return url


def build_mirror(issues: int, seed: int, now: dt.datetime) -> dict[str, int]:
    """Bulk-insert the mirror: issues and PRs, labels, and the label through rows."""
    from django.db import transaction

    from fleetops.github.models import Issue, Label, Repository, SyncRun

    rng = random.Random(seed)
    repository = Repository.objects.create(full_name=REPO)
    names = HANDBOOK_LABELS + [f"area-{n}" for n in range(300 - len(HANDBOOK_LABELS))]
    labels = Label.objects.bulk_create(
        Label(repository=repository, github_id=10_000 + n, name=name)
        for n, name in enumerate(names)
    )
    by_name = {label.name: label.pk for label in labels}
    groups = [by_name[n] for n in names if n.startswith("#g-")]
    workflow = [by_name[n] for n in (":incoming", ":reproduce", ":product", ":release")]
    customers = [by_name[n] for n in names if n.startswith("customer-")]
    extras = [by_name[n] for n in names if n.startswith(("area-", "P", "go", "java", "dep"))]
    start = now - dt.timedelta(days=730)
    rows, links = [], []
    for number in range(1, issues + 1):
        created = start + dt.timedelta(seconds=rng.randrange(730 * 86_400))
        pull = rng.random() < 0.33
        closed = created + dt.timedelta(hours=rng.lognormvariate(4.0, 1.6))
        closed = closed if closed < now and rng.random() < 0.93 else None
        merged = closed if pull and closed and rng.random() < 0.8 else None
        rows.append(
            Issue(
                repository=repository,
                github_id=5_000_000 + number,
                number=number,
                is_pull_request=pull,
                title=f"Item {number}",
                state="closed" if closed else "open",
                draft=pull and closed is None and rng.random() < 0.3,
                author_login="dependabot[bot]" if pull and rng.random() < 0.15 else "dev",
                author_is_bot=False,
                created_at=created,
                updated_at=closed or created,
                closed_at=closed,
                merged_at=merged,
                gone_at=now if rng.random() < 0.002 else None,
            )
        )
        chosen = set(rng.sample(extras, rng.randint(0, 2)))
        if not pull and rng.random() < 0.35:
            chosen |= {by_name["bug"], rng.choice(groups), rng.choice(workflow)}
            roll = rng.random()
            chosen |= {by_name["~released bug"]} if roll < 0.6 else set()
            chosen |= {by_name["~unreleased bug"]} if 0.5 < roll < 0.75 else set()
            chosen |= {rng.choice(customers)} if rng.random() < 0.08 else set()
        elif pull and rng.random() < 0.08:
            chosen.add(by_name[rng.choice(["#handbook", "~ceo", ":improve documentation"])])
        links.append(chosen)
    for row in rows:
        row.author_is_bot = row.author_login.endswith("[bot]")
    with transaction.atomic():
        created_rows = Issue.objects.bulk_create(rows, batch_size=2_000)
        through = Issue.labels.through
        through.objects.bulk_create(
            (
                through(issue_id=issue.pk, label_id=label)
                for issue, chosen in zip(created_rows, links, strict=True)
                for label in chosen
            ),
            batch_size=5_000,
        )
        SyncRun.objects.create(
            repository=repository,
            kind="full",
            started_at=now - dt.timedelta(minutes=5),
            finished_at=now - dt.timedelta(minutes=1),
            outcome="ok",
        )
    return {
        "issues": Issue.objects.filter(is_pull_request=False).count(),
        "pull_requests": Issue.objects.filter(is_pull_request=True).count(),
        "label_links": Issue.labels.through.objects.count(),
        "labels": len(labels),
    }


def run(args: argparse.Namespace) -> dict:
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from kpis.services import kpi_week_compute, kpi_weeks_backfill
    from kpis.weeks import IsoWeek

    call_command("migrate", verbosity=0, skip_checks=True)
    now = timezone.now()
    started = time.perf_counter()
    sizes = build_mirror(args.issues, args.seed, now)
    built = time.perf_counter() - started
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    week = IsoWeek.last_complete(now)
    old_week = week.previous(52)
    timings: dict[str, list[float]] = {"latest": [], "a year ago": []}
    kpi_week_compute(week=week)  # warm the caches the first run pays for
    for _ in range(args.runs):
        for label, target in (("latest", week), ("a year ago", old_week)):
            t0 = time.perf_counter()
            with CaptureQueriesContext(connection) as queries:
                kpi_week_compute(week=target)
            timings[label].append((time.perf_counter() - t0) * 1000)
    compute_queries = len(queries.captured_queries)

    t0 = time.perf_counter()
    kpi_weeks_backfill(weeks=52, now=now)
    backfill = time.perf_counter() - t0

    user = get_user_model().objects.create_user("bench", password="not-used")
    client = Client()
    client.force_login(user)
    client.get("/kpis/?weeks=52")  # warm templates
    page_ms, page_bytes = [], 0
    for _ in range(args.requests):
        t0 = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/kpis/?weeks=52")
        page_ms.append((time.perf_counter() - t0) * 1000)
        page_bytes = len(response.content)
        assert response.status_code == 200, response.status_code
    return {
        "database": connection.vendor,
        **sizes,
        "build_seconds": round(built, 1),
        "week": week.name,
        "compute_ms_median": round(statistics.median(timings["latest"]), 1),
        "compute_ms_max": round(max(timings["latest"]), 1),
        "compute_year_ago_ms_median": round(statistics.median(timings["a year ago"]), 1),
        "compute_queries": compute_queries,
        "backfill_52_weeks_seconds": round(backfill, 2),
        "page_ms_median": round(statistics.median(page_ms), 1),
        "page_ms_p90": round(sorted(page_ms)[int(len(page_ms) * 0.9) - 1], 1),
        "page_queries": len(queries.captured_queries),
        "page_kb": round(page_bytes / 1024, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--issues", type=int, default=40_000)
    parser.add_argument("--runs", type=int, default=15, help="kpi_week_compute runs per week")
    parser.add_argument("--requests", type=int, default=30, help="page requests")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", ""))
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as workdir:
        os.environ["DATABASE_URL"] = _prepare_database(args.database_url, workdir)
        os.environ["DJANGO_SETTINGS_MODULE"] = "fleetops.settings_test"  # plain static files
        os.environ.pop("REDIS_URL", None)
        result = run(args)
    if args.json:
        print(json.dumps(result, indent=2))
        return
    print(
        f"KPIs on {result['database']}: {result['issues']:,} issues + "
        f"{result['pull_requests']:,} PRs, {result['label_links']:,} label links, "
        f"{result['labels']} labels (built in {result['build_seconds']} s)"
    )
    rows = [
        ("kpi_week_compute, latest week (median)", f"{result['compute_ms_median']} ms"),
        ("kpi_week_compute, latest week (max)", f"{result['compute_ms_max']} ms"),
        ("kpi_week_compute, a year ago (median)", f"{result['compute_year_ago_ms_median']} ms"),
        ("queries per week", str(result["compute_queries"])),
        ("record 52 weeks (backfill)", f"{result['backfill_52_weeks_seconds']} s"),
        ("page, 52 weeks (median server time)", f"{result['page_ms_median']} ms"),
        ("page, 52 weeks (p90)", f"{result['page_ms_p90']} ms"),
        ("page queries", str(result["page_queries"])),
        ("page size", f"{result['page_kb']} KB"),
    ]
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"  {name:<{width}}  {value:>10}")


if __name__ == "__main__":
    main()
