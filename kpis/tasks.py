"""Celery tasks of the KPIs: thin, idempotent wrappers around services."""

from __future__ import annotations

from celery import shared_task

from kpis.services import kpi_week_record_due


@shared_task(acks_late=True)
def kpi_week_record_due_task() -> str:
    """Record the week that just ended, from Monday 06:00 in FLEETOPS_TIME_ZONE, once.

    Beat runs it hourly: the first run after Monday 06:00 local records the week (after a
    sync that started after the week's end); later runs find it recorded. Safe to run twice.
    """
    week, outcome = kpi_week_record_due()
    return f"KPIs {week}: {outcome}"
