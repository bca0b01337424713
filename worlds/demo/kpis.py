"""Demo KPIs: the last 30 complete weeks of the demo mirror, so the charts have history.

Recorded through the service like the weekly task does; weeks already recorded stay as they
are, so seeding twice duplicates nothing.
"""

from __future__ import annotations

from kpis.services import kpi_weeks_backfill
from worlds.demo.context import DemoContext

DEMO_WEEKS = 30


def seed(ctx: DemoContext) -> None:
    """Record the demo mirror's KPIs for the last 30 complete weeks."""
    results = kpi_weeks_backfill(weeks=DEMO_WEEKS, now=ctx.now)
    recorded = sum(result.outcome == "recorded" for result in results)
    latest = results[-1].snapshot
    average = latest.metrics.get("open_bugs_avg_days")
    goal = "over" if latest.over_bug_goal else "within"
    ctx.summary.append(
        f"KPIs: {len(results)} weeks to {latest.week} ({recorded} newly recorded); "
        f"average open bug {average if average is not None else '-'} days, {goal} the "
        f"32-day goal"
    )
