"""`manage.py record_kpis [--week 2026-W46] [--backfill N] [--force] [--json]`."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from kpis.selectors import kpi_snapshot_entry
from kpis.services import KpiRecorded, WeekNotOver, kpi_week_record, kpi_weeks_backfill
from kpis.weeks import InvalidWeek, IsoWeek


class Command(BaseCommand):
    help = (
        "Compute weekly KPI snapshots from the GitHub mirror and store them (the last complete "
        "week by default). Recorded weeks stay as they are unless --force."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        target = parser.add_mutually_exclusive_group()
        target.add_argument("--week", help="One ISO week, e.g. 2026-W46.")
        target.add_argument(
            "--backfill", type=int, metavar="N", help="The N complete weeks before now."
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Recompute weeks already recorded (their previous values are kept as history).",
        )
        parser.add_argument(
            "--json", action="store_true", help="Print the weeks as JSON on stdout, nothing else."
        )

    def handle(
        self,
        *args,
        week: str | None = None,
        backfill: int | None = None,
        force: bool = False,
        json: bool = False,
        **options,
    ) -> None:
        now = timezone.now()
        try:
            if backfill is not None:
                results = kpi_weeks_backfill(weeks=backfill, force=force, now=now)
            else:
                target = IsoWeek.parse(week) if week else IsoWeek.last_complete(now)
                results = [kpi_week_record(week=target, force=force, now=now)]
        except (InvalidWeek, WeekNotOver) as exc:
            raise CommandError(str(exc), returncode=2) from exc
        if json:
            self.stdout.write(_dumps([kpi_snapshot_entry(r.snapshot) for r in results]))
            return
        for result in results:
            self.stdout.write(_summary(result))
        counts = {
            outcome: sum(r.outcome == outcome for r in results)
            for outcome in ("recorded", "recomputed", "unchanged")
        }
        self.stdout.write(
            self.style.SUCCESS(
                f"{counts['recorded']} recorded, {counts['recomputed']} recomputed, "
                f"{counts['unchanged']} already recorded (unchanged; --force recomputes)."
            )
        )


def _summary(result: KpiRecorded) -> str:
    metrics = result.snapshot.metrics
    average = metrics.get("open_bugs_avg_days")
    goal = "  OVER THE 32-DAY BUG GOAL" if result.snapshot.over_bug_goal else ""
    return (
        f"  {result.snapshot.week}  {result.outcome:<10}  "
        f"open bugs {metrics.get('open_bugs')} (avg {average if average is not None else '-'} d), "
        f"opened {metrics.get('bugs_opened')}, closed {metrics.get('bugs_closed')}, "
        f"PRs merged {metrics.get('prs_merged')}{goal}"
    )


def _dumps(data: object) -> str:
    return json.dumps(data, indent=2)
