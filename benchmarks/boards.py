"""Board sync benchmark: one Projects (v2) board of n items, synced three times.

    DATABASE_URL=postgres://... .venv/bin/python benchmarks/boards.py [--items 3000] [--json]

A fake GitHub on loopback (tests/fakegithub) answers GraphQL on GitHub's published schema;
the board has `--items` items (issues of the product repository, a tenth of another
repository's, a few drafts) in five Status columns. It runs, against the database of
DATABASE_URL (migrated; the benchmark's board rows are deleted afterwards): a first sync
(every item created), a second with nothing changed, and a third after 100 items moved
and 50 were removed. It prints GraphQL requests (the fake's count), wall time and rows
changed. Nothing here is a test: it prints numbers, it asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fleetops.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402

from fleetops.github.boards.models import Board  # noqa: E402
from fleetops.github.boards.services import boards_sync  # noqa: E402
from fleetops.github.client import GitHubClient  # noqa: E402
from fleetops.org.selectors import OrganizationBoard  # noqa: E402
from tests.fakegithub.server import FakeGitHub  # noqa: E402

ORG, NUMBER = "fleetdm-bench", 9058
COLUMNS = ["Ready", "🏗️ In progress", "👀 Awaiting QA", "✅ Ready for release", "Closed"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=3000)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    results = []
    with FakeGitHub() as fake:
        settings.GITHUB_API_URL, settings.GITHUB_TOKEN = fake.url, "benchmark"
        fake.add_board(ORG, NUMBER, title="Benchmark board", columns=COLUMNS)
        items = []
        for n in range(1, args.items + 1):
            if n % 100 == 0:
                items.append(fake.add_board_item(ORG, NUMBER, status="Ready", title=f"Draft {n}"))
                continue
            repository = "fleetdm/confidential" if n % 10 == 0 else settings.GITHUB_REPOSITORY
            items.append(
                fake.add_board_item(
                    ORG, NUMBER, status=COLUMNS[n % 5], repository=repository, issue=n
                )
            )
        ref = OrganizationBoard(ORG, NUMBER, "bench")
        for label, change in (
            ("first sync", None),
            ("nothing changed", None),
            ("100 moved, 50 removed", items),
        ):
            if change:
                for item in change[:100]:
                    fake.move_board_item(item.id, "Closed")
                for item in change[100:150]:
                    fake.remove_board_item(item.id)
            fake.reset_counts()
            client = GitHubClient()
            started = time.perf_counter()
            run = boards_sync(trigger="benchmark", client=client, boards=[ref])
            elapsed = time.perf_counter() - started
            client.close()
            results.append(
                {
                    "sync": label,
                    "outcome": run.outcome,
                    "requests": len(fake.requests_to("/graphql", method="POST")),
                    "seconds": round(elapsed, 2),
                    "rows": run.rows,
                }
            )
    Board.objects.filter(organization=ORG, number=NUMBER).delete()
    if args.json:
        print(json.dumps({"items": args.items, "results": results}))
        return
    print(f"board of {args.items:,} items")
    print(f"{'sync':<24}{'outcome':>8}{'requests':>10}{'seconds':>9}{'rows':>7}")
    for r in results:
        print(f"{r['sync']:<24}{r['outcome']:>8}{r['requests']:>10}{r['seconds']:>9}{r['rows']:>7}")


if __name__ == "__main__":
    main()
