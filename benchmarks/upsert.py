"""Upsert A/B: the cost the mirror's page indexes (ADR 0012) add to the sync's writes.

    .venv/bin/python benchmarks/upsert.py --database-url postgres://.../fleetops_pages_40000
        [--runs 10]

On an already seeded PostgreSQL database (`benchmarks/run.py`'s), writes the same pages
through the sync's upsert path (`issues_upsert`, `comments_upsert`): 3 pages of 100 new
issues with 4 labels each, 3 pages of 100 new comments, then the same issues changed
(closed, a label dropped). Each run is one transaction, rolled back, alternately with the
indexes of migration `mirror.0005_bounded_page_indexes` dropped inside it ("before") and
kept ("after"), so both see the same data and the same machine load. Prints the median
milliseconds per page of 100. Numbers only: nothing is asserted, nothing is kept.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

INDEXES = (
    "issue_open_idx",
    "issue_community_open_idx",
    "issue_present_idx",
    "comment_issue_latest_idx",
    "mirror_issue_labels_label_issue",
)


def _run(repository, labels: list[dict], *, drop: bool, base: int) -> tuple[float, ...]:
    from django.db import connection, transaction

    from fleetops.github.upsert import comments_upsert, issues_upsert
    from tests.github.payloads import comment, issue

    def timed(pages: list[list[dict]], upsert) -> float:
        started = time.perf_counter()
        for page in pages:
            upsert(repository, page)
        return (time.perf_counter() - started) * 1000 / len(pages)

    def labelled(i: int, first: int = 0) -> list[dict]:
        return labels[(i % 10) * 4 + first : (i % 10) * 4 + 4]

    numbers = [[base + p * 100 + i for i in range(100)] for p in range(3)]
    with transaction.atomic():
        if drop:
            with connection.cursor() as cursor:
                for name in INDEXES:
                    cursor.execute(f"DROP INDEX {name}")
        new = [[issue(n, labels=labelled(n), association="NONE") for n in page] for page in numbers]
        comments = [
            [comment(n, github_id=10 * n, association="MEMBER") for n in page] for page in numbers
        ]
        changed = [
            [issue(n, labels=labelled(n, 1), state="closed", closed=5, updated=5) for n in page]
            for page in numbers
        ]
        result = (
            timed(new, issues_upsert),
            timed(comments, comments_upsert),
            timed(changed, issues_upsert),
        )
        transaction.set_rollback(True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    os.environ.update(
        DATABASE_URL=args.database_url,
        DJANGO_SETTINGS_MODULE="fleetops.settings",
        REDIS_URL="",
        DJANGO_SECRET_KEY="benchmark-" + "k" * 50,
    )
    import django

    django.setup()
    from django.conf import settings

    from fleetops.github.models import Label, Repository
    from tests.github.payloads import label

    repository = Repository.objects.get(full_name=settings.GITHUB_REPOSITORY)
    labels = [
        label(row.name, github_id=row.github_id)
        for row in Label.objects.filter(repository=repository).order_by("pk")[:40]
    ]
    times: dict[bool, list[tuple[float, ...]]] = {True: [], False: []}
    for run in range(args.runs):
        for drop in (run % 2 == 0, run % 2 == 1):  # alternate which goes first
            times[drop].append(_run(repository, labels, drop=drop, base=900_000 + run * 2000))
    print(f"{'median ms per page of 100':<28}{'new issues':>12}{'new comments':>14}{'changed':>10}")
    for drop, name in ((True, "indexes dropped (before)"), (False, "with the indexes (after)")):
        new, comments, changed = (statistics.median(col) for col in zip(*times[drop], strict=True))
        print(f"{name:<28}{new:>12.1f}{comments:>14.1f}{changed:>10.1f}")
    print(f"{args.runs} runs each; load average {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
