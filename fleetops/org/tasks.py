"""Periodic upkeep of the organisation's calendar."""

from __future__ import annotations

import datetime as dt

from celery import shared_task

from fleetops.org.models import Sprint, process_today
from fleetops.org.services import sprint_calendar_extend

CALENDAR_HORIZON = dt.timedelta(weeks=12)


@shared_task
def sprint_calendar_extend_task() -> str:
    """Keep twelve weeks of sprints ahead of today. Safe to run twice."""
    if not Sprint.objects.exists():
        return "no sprints yet: add the first sprint in the admin"
    created = sprint_calendar_extend(through=process_today() + CALENDAR_HORIZON)
    return f"added {len(created)} sprint(s)"
