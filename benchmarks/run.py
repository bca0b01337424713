"""Page benchmark: server time and SQL queries of every page and JSON endpoint.

    .venv/bin/python benchmarks/run.py [--database-url URL] [--issues 40000] [--requests 30]
        [--reuse] [--json] [--profile NAME] [--compare 4000,40000 [--rounds 3]]

Builds a Fleet-scale database with `manage.py seed_scale` (PostgreSQL by default, dropped
and created; `--reuse` keeps an already seeded one and applies new migrations), then
requests every endpoint of `tests/endpoints.py` N times in-process with a signed-in staff
user (Django's test client: server time, no network) and prints median and p95
milliseconds and the queries each makes. `--json` prints only the JSON document on stdout
(seeding progress goes to stderr). `--profile NAME` prints a cProfile of one endpoint.

`--compare 4000,40000` measures each size in its own database (the URL's name plus
`_4000`, ...), one size right after the other, `--rounds` times alternating, and prints
each endpoint's median per size (the median of the rounds' medians), its growth and its
query counts, with the machine's load average beside each round. Numbers only: nothing is
asserted.

Each endpoint is first requested once right after the mirror stamp moved (what the first
viewer after a sync or webhook pays: pages recompute what they store per stamp, ADR 0022),
printed as "after a change" / "changed"; the query count is a steady-state request's.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _prepare(url: str, issues: int, reuse: bool) -> None:
    import psycopg

    name = urlparse(url).path.lstrip("/")
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not (exists and reuse):
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "fleetops.settings"}
    # Seeding is a bulk load, not a request: no 30 s statement timeout (400,000 issues).
    env["DJANGO_DB_STATEMENT_TIMEOUT_MS"] = "0"
    env.pop("PYENV_VERSION", None)
    # Progress goes to stderr: with --json, stdout carries the JSON document only.
    run = {"cwd": ROOT, "env": env, "check": True, "stdout": sys.stderr}
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], **run)
    if exists and reuse:
        return
    started = time.perf_counter()
    subprocess.run([sys.executable, "manage.py", "seed_scale", "--issues", str(issues)], **run)
    took = time.perf_counter() - started
    with psycopg.connect(url, autocommit=True) as conn:
        # What autovacuum does to a live mirror soon after: statistics and the visibility
        # map (index-only scans), so the first run does not measure a fresh bulk load.
        conn.execute("VACUUM ANALYZE")
        size = conn.execute("SELECT pg_database_size(current_database())").fetchone()[0]
    print(f"seed_scale --issues {issues}: {took:.1f} s, {size / 2**20:,.0f} MiB", file=sys.stderr)


def _backend_cpu_ns(connection) -> int:
    """CPU time the request's PostgreSQL backend has used so far (0 if it cannot be read).

    Wall time on a shared 2-core machine is mostly queueing; the CPU the request costs (this
    thread plus its database backend, from the kernel's per-task schedstat in nanoseconds)
    does not depend on what else runs, so it is printed beside the wall time.
    """
    raw = connection.connection
    pid = getattr(getattr(raw, "info", None), "backend_pid", None)
    if not pid:
        return 0
    try:
        return int(Path(f"/proc/{pid}/schedstat").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 0


def _size_url(url: str, issues: int) -> str:
    return f"{url}_{issues}"


def _compare(args: argparse.Namespace) -> None:
    """Each size in its own child process and database, alternating, `--rounds` times."""
    sizes = [int(n) for n in args.compare.split(",")]
    for n in sizes:
        _prepare(_size_url(args.database_url, n), n, args.reuse)
    runs: dict[int, list[dict]] = {n: [] for n in sizes}
    for _ in range(args.rounds):
        for n in sizes:
            load_before = os.getloadavg()[0]
            child = subprocess.run(
                [
                    *(sys.executable, __file__, "--reuse", "--json"),
                    *("--issues", str(n), "--requests", str(args.requests)),
                    *("--database-url", _size_url(args.database_url, n)),
                ],
                check=True,
                capture_output=True,
                text=True,
            )
            document = json.loads(child.stdout)
            document["load"] = [round(load_before, 2), round(os.getloadavg()[0], 2)]
            runs[n].append(document)
    rows = []
    for page in runs[sizes[0]][0]["pages"]:
        name = page["endpoint"]
        row = {"endpoint": name}
        for n in sizes:
            found = [p for run in runs[n] for p in run["pages"] if p["endpoint"] == name]
            row[f"median_ms_{n}"] = round(statistics.median(p["median_ms"] for p in found), 1)
            row[f"cpu_ms_{n}"] = round(statistics.median(p["median_cpu_ms"] for p in found), 1)
            row[f"queries_{n}"] = found[0]["queries"]
            changed = [p["after_change_ms"] for p in found if "after_change_ms" in p]
            row[f"after_change_ms_{n}"] = round(statistics.median(changed), 1) if changed else None
        row["growth"] = round(row[f"median_ms_{sizes[-1]}"] / row[f"median_ms_{sizes[0]}"], 2)
        smallest, largest = row[f"cpu_ms_{sizes[0]}"], row[f"cpu_ms_{sizes[-1]}"]
        row["cpu_growth"] = round(largest / max(smallest, 0.1), 2)
        rows.append(row)
    loads = {n: [run["load"] for run in runs[n]] for n in sizes}
    if args.json:
        print(json.dumps({"sizes": sizes, "rounds": args.rounds, "load": loads, "pages": rows}))
        return
    print(f"sizes {sizes}, {args.rounds} round(s), {args.requests} requests each; load {loads}")
    head = "".join(f"{f'ms @{n:,}':>12}{f'cpu @{n:,}':>13}{'q':>4}" for n in sizes)
    changed = "".join(f"{f'changed @{n:,}':>16}" for n in sizes)
    print(f"{'endpoint':<34}{head}{'growth':>8}{'cpu growth':>12}{changed}")
    for row in rows:
        cells = "".join(
            f"{row[f'median_ms_{n}']:>12}{row[f'cpu_ms_{n}']:>13}{row[f'queries_{n}']:>4}"
            for n in sizes
        )
        after = "".join(f"{row[f'after_change_ms_{n}']!s:>16}" for n in sizes)
        print(f"{row['endpoint']:<34}{cells}{row['growth']:>7}x{row['cpu_growth']:>11}x{after}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/fleetops_pages"
        ),
    )
    parser.add_argument("--issues", type=int, default=40_000)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--profile", default="")
    parser.add_argument("--compare", default="", help="sizes to compare, e.g. 4000,40000")
    parser.add_argument("--rounds", type=int, default=1, help="with --compare: alternations")
    args = parser.parse_args()
    if args.compare:
        _compare(args)
        return
    _prepare(args.database_url, args.issues, args.reuse)

    os.environ.update(
        DATABASE_URL=args.database_url,
        DJANGO_SETTINGS_MODULE="fleetops.settings",
        REDIS_URL="",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="benchmark-" + "k" * 50,
        DJANGO_LOG_LEVEL="ERROR",
        DJANGO_ALLOWED_HOSTS="testserver",
        DJANGO_CONN_MAX_AGE="600",
    )
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from fleetops.github.models import Issue
    from fleetops.github.stamp import stamp_move
    from tests.endpoints import endpoints

    # No setup_test_environment(): it instruments every template render to send a signal
    # with a copy of its context (for assertTemplateUsed), a test-only cost no server pays
    # (measured on a quiet machine: within the noise, 0-2 ms on the biggest pages). Django's
    # test client does not need it here: ALLOWED_HOSTS names "testserver" above.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    client = Client()
    client.force_login(get_user_model().objects.filter(is_staff=True).first())
    rows = []
    for endpoint in endpoints():
        headers = {"HX-Request": "true"} if endpoint.htmx else {}
        # The first view after a mirror change computes what pages store per mirror stamp
        # (ADR 0022); every later view until the next change reads it. Both are measured.
        stamp_move()
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            status = client.get(endpoint.url, headers=headers, secure=True).status_code
            changed_ms = (time.perf_counter() - started) * 1000
        changed_queries = len(queries)
        with CaptureQueriesContext(connection) as queries:
            client.get(endpoint.url, headers=headers, secure=True)
        query_count = len(queries)  # now: the next request's start clears the log
        times, cpu = [], []
        for _ in range(args.requests):
            backend = _backend_cpu_ns(connection)
            cpu_started = time.thread_time_ns()
            started = time.perf_counter()
            client.get(endpoint.url, headers=headers, secure=True)
            times.append((time.perf_counter() - started) * 1000)
            spent = time.thread_time_ns() - cpu_started + _backend_cpu_ns(connection) - backend
            cpu.append(spent / 1e6)
        p95 = statistics.quantiles(times, n=20)[18] if len(times) >= 20 else max(times)
        rows.append(
            {
                "endpoint": endpoint.name,
                "url": endpoint.url,
                "status": status,
                "median_ms": round(statistics.median(times), 1),
                "p95_ms": round(p95, 1),
                "median_cpu_ms": round(statistics.median(cpu), 1),
                "queries": query_count,
                "after_change_ms": round(changed_ms, 1),
                "after_change_queries": changed_queries,
            }
        )
        if args.profile and args.profile == endpoint.name:
            profiler = cProfile.Profile()
            profiler.enable()
            client.get(endpoint.url, headers=headers, secure=True)
            profiler.disable()
            stats = pstats.Stats(profiler, stream=sys.stderr)
            stats.sort_stats(os.environ.get("BENCH_PROFILE_SORT", "cumulative")).print_stats(60)
    if args.json:
        print(
            json.dumps(
                {
                    "issues": args.issues,
                    "database": connection.vendor,
                    "load": os.getloadavg()[0],
                    "pages": rows,
                },
                indent=2,
            )
        )
        return
    size = Issue.objects.count()
    print(f"{size:,} issues and PRs on {connection.vendor}; {args.requests} requests each")
    print(
        f"{'endpoint':<34}{'status':>7}{'median ms':>11}{'p95 ms':>9}{'cpu ms':>9}{'queries':>9}"
        f"{'after a change ms':>19}{'queries':>9}"
    )
    for row in rows:
        print(
            f"{row['endpoint']:<34}{row['status']:>7}{row['median_ms']:>11}{row['p95_ms']:>9}"
            f"{row['median_cpu_ms']:>9}{row['queries']:>9}"
            f"{row['after_change_ms']:>19}{row['after_change_queries']:>9}"
        )


if __name__ == "__main__":
    main()
