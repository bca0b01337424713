"""Fleet-scale KPIs: three years of weekly snapshots, computed from the scale mirror."""

from __future__ import annotations

from kpis.services import kpi_weeks_backfill
from worlds.scale.context import ScaleContext

WEEKS = 156


def seed(ctx: ScaleContext) -> None:
    recorded = kpi_weeks_backfill(weeks=WEEKS, now=ctx.now)
    ctx.summary.append(f"kpis: {len(recorded)} weekly snapshots")
