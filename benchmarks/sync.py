"""Sync benchmark: a full sync of a product-scale repository, then an incremental one.

    .venv/bin/python benchmarks/sync.py [--issues 40000] [--comments 120000] [--json]
        [--database-url postgres://postgres@127.0.0.1:5432/fleetops_bench]
        [--redis-url redis://127.0.0.1:6379/9]

A fake GitHub on loopback (tests/fakegithub) is filled with the repository; each sync runs
in its own child process (so the fake's memory is not counted) against a fresh database
(SQLite in a temporary folder unless --database-url names another; a PostgreSQL database
named there is dropped and created). It prints requests made, wall time, rows per second
and the child's peak resident memory (tracemalloc would slow the sync threefold),
for the full sync and for an incremental sync after 50 issues changed. With --redis-url the
sync runs as on a worker: each committed page queues the pages' summaries refresh (ADR
0022) on that Redis (nothing consumes it here); without, Celery is eager and queues
nothing. Nothing here is a test: it prints numbers, it asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
REPO = "fleetdm/fleet"


def child(full: bool) -> None:
    """Run one sync in this process and print its numbers as JSON."""
    import django

    django.setup()
    from django.core.management import call_command

    from fleetops.github.client import GitHubClient
    from fleetops.github.sync import repository_sync

    call_command("migrate", verbosity=0)
    client = GitHubClient()
    started = time.perf_counter()
    run = repository_sync(full=full, trigger="benchmark", client=client)
    elapsed = time.perf_counter() - started
    print(
        json.dumps(
            {
                "outcome": run.outcome,
                "error": run.error,
                "requests": client.requests,
                "created": run.created,
                "updated": run.updated,
                "rows": run.rows,
                "seconds": round(elapsed, 2),
                "rows_per_second": round(run.rows / elapsed) if elapsed else None,
                "rss_peak_mb": _peak_rss_mb(),
            }
        )
    )


def _peak_rss_mb() -> float:
    """This process's peak resident memory (VmHWM: getrusage would count the parent's)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


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


def _run_child(env: dict[str, str], full: bool) -> dict:
    argv = [sys.executable, __file__, "--child", "--full" if full else "--incremental"]
    done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False, cwd=ROOT)
    if done.returncode != 0:
        raise SystemExit(f"sync child failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--issues", type=int, default=40_000)
    parser.add_argument("--comments", type=int, default=120_000)
    parser.add_argument("--labels", type=int, default=300)
    parser.add_argument("--milestones", type=int, default=150)
    parser.add_argument("--tags", type=int, default=1_500)
    parser.add_argument("--changes", type=int, default=50)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", ""))
    parser.add_argument(
        "--redis-url",
        default="",
        help="sync as a worker would (each commit queues the summaries refresh on this Redis)",
    )
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--full", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--incremental", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(full=args.full)
        return

    from tests.fakegithub.server import FakeGitHub

    with tempfile.TemporaryDirectory() as workdir, FakeGitHub() as fake:
        started = time.perf_counter()
        fake.load_fixtures()  # the watched repositories' releases
        fake.generate(
            REPO,
            issues=args.issues,
            labels=args.labels,
            milestones=args.milestones,
            tags=args.tags,
            comments=args.comments,
            seed=1,
        )
        generated = time.perf_counter() - started
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "fleetops.settings",
            "DATABASE_URL": _prepare_database(args.database_url, workdir),
            "GITHUB_API_URL": fake.url,
            "GITHUB_TOKEN": "benchmark",
            "GITHUB_REPOSITORY": REPO,
            "REDIS_URL": args.redis_url,
        }
        env.pop("PYENV_VERSION", None)
        model = fake.repo(REPO)
        per_page = 100
        minimum = {
            "issues": -(-len(model.issues) // per_page),
            "comments": -(-len(model.comments) // per_page),
            "labels": -(-len(model.labels) // per_page),
            "milestones": -(-len(model.milestones) // per_page),
            "tags": -(-len(model.tags) // per_page),
            "watched releases": 2,
        }
        fake.reset_counts()
        full = _run_child(env, full=True)
        full["server_requests"] = fake.request_count
        numbers = sorted(model.issues)[:: max(len(model.issues) // args.changes, 1)][: args.changes]
        for number in numbers:
            fake.update_issue(REPO, number, title=f"Changed for the benchmark #{number}")
        fake.reset_counts()
        incremental = _run_child(env, full=False)
        incremental["server_requests"] = fake.request_count
    result = {
        "repository": {
            "issues_and_prs": args.issues,
            "comments": args.comments,
            "labels": args.labels,
            "milestones": args.milestones,
            "tags": args.tags,
            "generate_seconds": round(generated, 1),
        },
        "database": "postgresql" if args.database_url else "sqlite",
        "pagination_minimum": sum(minimum.values()),
        "pagination_minimum_detail": minimum,
        "full": full,
        "incremental": {"changed_issues": len(numbers), **incremental},
    }
    if args.json:
        print(json.dumps(result, indent=2))
        return
    print(
        f"repository: {args.issues:,} issues+PRs, {args.comments:,} comments, "
        f"{args.labels} labels, "
        f"{args.milestones} milestones, {args.tags:,} tags (generated in {generated:.1f} s); "
        f"database: {result['database']}"
    )
    print(f"pagination minimum: {result['pagination_minimum']} requests {minimum}")
    print(
        f"{'sync':<13}{'requests':>9}{'over min':>9}{'seconds':>9}{'rows':>9}{'rows/s':>9}"
        f"{'peak RSS MB':>12}"
    )
    for name, row in (("full", full), (f"incr ({len(numbers)})", incremental)):
        over = row["requests"] - result["pagination_minimum"] if name == "full" else ""
        print(
            f"{name:<13}{row['requests']:>9}{over!s:>9}{row['seconds']:>9}{row['rows']:>9}"
            f"{row['rows_per_second'] or 0:>9}{row['rss_peak_mb']:>12}"
            + (f"  {row['outcome']}: {row['error']}" if row["outcome"] != "ok" else "")
        )


if __name__ == "__main__":
    main()
