from __future__ import annotations

import json
import time

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fleetops.github.models import Issue
from fleetops.org.models import ProductGroup
from worlds.scale.seed import scale_seed


class Command(BaseCommand):
    help = "Fill an EMPTY database with a Fleet-scale organisation and mirror (for benchmarks)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--issues", type=int, default=40_000, help="Issues and PRs (40,000).")
        parser.add_argument(
            "--seed", type=int, default=1, help="Random seed: same seed, same data."
        )
        parser.add_argument("--json", action="store_true", help="Print the summary as JSON.")

    def handle(self, *args, issues: int, seed: int, json: bool = False, **options) -> None:
        if ProductGroup.objects.exists() or Issue.objects.exists():
            raise CommandError("seed_scale fills an empty database only; this one has data.")
        if issues < 100:
            raise CommandError("--issues must be at least 100.")
        started = time.perf_counter()
        ctx = scale_seed(issues=issues, seed=seed)
        took = round(time.perf_counter() - started, 1)
        if json:
            self.stdout.write(
                _dumps({"seconds": took, "timings": ctx.timings, "summary": ctx.summary})
            )
            return
        for line in ctx.summary:
            self.stdout.write(f"  {line}")
        self.stdout.write(
            f"Seeded in {took} s ({', '.join(f'{k} {v} s' for k, v in ctx.timings.items())})."
        )


def _dumps(data: object) -> str:
    return json.dumps(data)
