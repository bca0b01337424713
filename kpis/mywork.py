"""What the overview shows staff (the CTO) about the weekly KPIs: the last recorded week's
headline numbers, each with its change from the week before (one query)."""

from __future__ import annotations

from dataclasses import dataclass, field

from fleetops.core.mywork import LATER, WorkSection
from kpis.models import KpiSnapshot
from kpis.rules import BUG_GOAL_DAYS, METRIC_BY_KEY
from kpis.selectors import Stat

# The numbers a CTO reads first: bugs (how many, how old), and throughput.
HEADLINE = ("open_bugs", "open_bugs_avg_days", "bugs_closed", "prs_merged")


@dataclass
class KpiWork:
    latest: KpiSnapshot | None = None
    stats: list[Stat] = field(default_factory=list)
    bug_goal_days: int = BUG_GOAL_DAYS


def kpi_work() -> KpiWork:
    """The last two recorded weeks' headline KPIs (one query)."""
    weeks = list(KpiSnapshot.objects.in_bounds().latest_first()[:2])
    if not weeks:
        return KpiWork()
    latest, previous = weeks[0], (weeks[1] if len(weeks) > 1 else None)
    stats = [
        Stat(
            METRIC_BY_KEY[key],
            latest.metrics.get(key),
            previous.metrics.get(key) if previous else None,
        )
        for key in HEADLINE
    ]
    return KpiWork(latest=latest, stats=stats)


def kpi_sections(*, staff: bool) -> list[WorkSection]:
    """Staff (the CTO reads the weekly KPIs) get last week's headline numbers."""
    if not staff:
        return []
    return [WorkSection("kpis", "kpis/mywork/week.html", LATER, {"work": kpi_work()})]
