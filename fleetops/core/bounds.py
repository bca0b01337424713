"""Sane ranges for every date, moment and number that comes in from outside.

A date typed into a form, a query string, a command line or a GitHub payload must fall
between `EARLIEST` and `LATEST`; an integer must fit the column it goes into. Input outside
is refused with a clear message (a form error, a 400, one line and exit 2 from a command),
and rows that are already stored outside the range (written before these checks, or by
hand) are skipped where they are read, so one odd row cannot take a page down: date
arithmetic near `date.max` overflows, and a range of years walked week by week never ends.

Pure: no ORM, no I/O. The form fields at the bottom only wrap Django's validators.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError

EARLIEST = dt.date(2000, 1, 1)
LATEST = dt.date(2100, 12, 31)
EARLIEST_MOMENT = dt.datetime.combine(EARLIEST, dt.time(0), tzinfo=dt.UTC)
LATEST_MOMENT = dt.datetime.combine(LATEST, dt.time(23, 59, 59), tzinfo=dt.UTC)

INT32_MAX = 2**31 - 1  # an IntegerField on PostgreSQL
RANGE_TEXT = f"{EARLIEST:%Y} and {LATEST:%Y}"


def date_in_range(day: dt.date) -> bool:
    """Whether `day` (a date or a datetime's date) lies in the supported years."""
    if isinstance(day, dt.datetime):
        day = day.date()
    return EARLIEST <= day <= LATEST


def moment_in_range(at: dt.datetime) -> bool:
    """Whether an aware moment lies in the supported years (a naive one is read as UTC)."""
    if at.tzinfo is None:
        at = at.replace(tzinfo=dt.UTC)
    return EARLIEST_MOMENT <= at <= LATEST_MOMENT


def clamp_date(day: dt.date) -> dt.date:
    """`day`, moved into the supported years: arithmetic on it cannot overflow."""
    return min(max(day, EARLIEST), LATEST)


def clamp_moment(at: dt.datetime) -> dt.datetime:
    """An aware moment moved into the supported years."""
    return min(max(at, EARLIEST_MOMENT), LATEST_MOMENT)


def parse_int(raw: str | None, *, low: int = 0, high: int = INT32_MAX) -> int | None:
    """A plain decimal integer in [low, high], or None for anything else.

    `str.isdigit` accepts "¹" and "٣", which `int` then refuses or reads: only ASCII
    digits count here, with an optional leading minus when `low` allows it.
    """
    if raw is None:
        return None
    text = raw.strip()
    digits = text[1:] if text.startswith("-") and low < 0 else text
    if not digits or len(digits) > 19 or not (digits.isascii() and digits.isdigit()):
        return None
    value = int(text)
    return value if low <= value <= high else None


def check_date(day: dt.date) -> None:
    if not date_in_range(day):
        raise ValidationError(f"Pick a date between {RANGE_TEXT}.", code="out_of_range")


class BoundedDateField(forms.DateField):
    """A date in the supported years."""

    def validate(self, value: dt.date | None) -> None:
        super().validate(value)
        if value is not None:
            check_date(value)


class BoundedDateTimeField(forms.DateTimeField):
    """A moment in the supported years."""

    def validate(self, value: dt.datetime | None) -> None:
        super().validate(value)
        if value is not None and not moment_in_range(value):
            raise ValidationError(f"Pick a time between {RANGE_TEXT}.", code="out_of_range")


class BoundedIntegerField(forms.IntegerField):
    """An integer that fits a database integer column (and is not negative by default)."""

    def __init__(self, *args, min_value: int = 0, max_value: int = INT32_MAX, **kwargs) -> None:
        super().__init__(*args, min_value=min_value, max_value=max_value, **kwargs)
