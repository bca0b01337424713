"""Writes to the organisation's calendar."""

from __future__ import annotations

import datetime as dt

import holidays as holiday_calendars
from django.db import transaction

from fleetops.org.models import SPRINT_LENGTH, Holiday, Person, Sprint, validate_time_zone


@transaction.atomic
def sprint_calendar_extend(*, through: dt.date, first_start: dt.date | None = None) -> list[Sprint]:
    """Add three-week sprints after the last one until a sprint contains `through`.

    With an empty calendar the first sprint starts on `first_start` (a Monday is usual).
    Safe to run twice: it only appends after the last existing sprint.
    """
    last = Sprint.objects.select_for_update().order_by("-starts_on").first()
    if last is None:
        if first_start is None:
            raise ValueError("The calendar is empty: give the first sprint's start date.")
        number, start = 1, first_start
    else:
        number, start = last.number + 1, last.ends_on + dt.timedelta(days=1)
    created = []
    while start <= through:
        created.append(
            Sprint.objects.create(
                number=number, starts_on=start, ends_on=start + SPRINT_LENGTH - dt.timedelta(days=1)
            )
        )
        number, start = number + 1, start + SPRINT_LENGTH
    return created


@transaction.atomic
def holiday_import(*, years: list[int], country: str = "US") -> int:
    """Load a country's public holidays for `years`; existing dates are kept. Returns added."""
    calendar = holiday_calendars.country_holidays(country, years=years)
    existing = set(Holiday.objects.filter(date__in=list(calendar)).values_list("date", flat=True))
    new = [
        Holiday(date=day, name=name)
        for day, name in sorted(calendar.items())
        if day not in existing
    ]
    Holiday.objects.bulk_create(new)
    return len(new)


@transaction.atomic
def person_time_zone_set(*, person_id: int, time_zone: str) -> Person:
    """A person chooses the zone every moment is shown to them in (validated IANA name)."""
    validate_time_zone(time_zone)
    person = Person.objects.select_for_update().get(pk=person_id)
    if person.time_zone != time_zone:
        person.time_zone = time_zone
        person.save(update_fields=["time_zone"])
    return person
