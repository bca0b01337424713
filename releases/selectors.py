"""Reads for the release pages."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from fleetops.org.models import Sprint


def release_calendar(*, today: dt.date, count: int = 6) -> QuerySet[Sprint]:
    """The current and coming sprints, each with its release-candidate cut.

    Handbook, "Create a release candidate": a release candidate for the next minor
    release is created on the last Friday of each sprint at 8:00 AM Pacific.
    """
    return Sprint.objects.filter(ends_on__gte=today).order_by("starts_on")[:count]
