"""Reads of the organisation and its calendar."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, QuerySet

from fleetops.org.models import Holiday, ProductGroup, Sprint


def sprint_current(*, today: dt.date) -> Sprint | None:
    """The sprint that contains `today`, if the calendar has one."""
    return Sprint.objects.containing(today).first()


def sprint_next(*, today: dt.date) -> Sprint | None:
    return Sprint.objects.upcoming(today).first()


def product_group_list() -> QuerySet[ProductGroup]:
    """Product groups with their EM, QA lead and member count, in one query."""
    return ProductGroup.objects.select_related("engineering_manager", "qa_lead").annotate(
        member_count=Count("members", distinct=True)
    )


def holiday_upcoming(*, today: dt.date, days: int = 60) -> QuerySet[Holiday]:
    return Holiday.objects.between(today, today + dt.timedelta(days=days))
