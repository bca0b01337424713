"""Reads for the release pages."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from fleetops.org.models import Sprint
from releases.models import Release


def release_calendar(*, today: dt.date, count: int = 6) -> QuerySet[Sprint]:
    """The current and coming sprints, each with its release-candidate cut.

    Handbook, "Create a release candidate": a release candidate for the next minor
    release is created on the last Friday of each sprint at 8:00 AM Pacific.
    """
    return Sprint.objects.filter(ends_on__gte=today).order_by("starts_on")[:count]


def release_current() -> Release | None:
    """The release the organisation is working on: in its RC period, else the next planned."""
    in_flight = Release.objects.in_flight().select_related("candidate", "dri")
    return (
        in_flight.exclude(state=Release.State.PLANNED).order_by("target_date", "pk").first()
        or in_flight.order_by("target_date", "pk").first()
    )
