from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oncall.community.rules import (
    business_days_between,
    business_deadline,
    business_duration_text,
    business_seconds_between,
)

LA = zoneinfo.ZoneInfo("America/Los_Angeles")
HOUR = 3600
NO_HOLIDAYS: frozenset[dt.date] = frozenset()


def la(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=LA)


def test_business_seconds_friday_afternoon_to_monday_morning_is_one_hour():
    # The example: asked Friday 16:30, one business hour old at Monday 9:30.
    assert (
        business_seconds_between(
            la(2026, 11, 20, 16, 30), la(2026, 11, 23, 9, 30), holidays=NO_HOLIDAYS
        )
        == HOUR
    )


def test_business_seconds_before_nine_and_after_five_do_not_count():
    assert (
        business_seconds_between(
            la(2026, 11, 23, 6, 0), la(2026, 11, 23, 10, 0), holidays=NO_HOLIDAYS
        )
        == HOUR
    )
    assert (
        business_seconds_between(
            la(2026, 11, 23, 16, 0), la(2026, 11, 23, 21, 0), holidays=NO_HOLIDAYS
        )
        == HOUR
    )
    assert (
        business_seconds_between(
            la(2026, 11, 23, 18, 0), la(2026, 11, 24, 8, 59), holidays=NO_HOLIDAYS
        )
        == 0
    )
    assert (
        business_seconds_between(
            la(2026, 11, 23, 0, 0), la(2026, 11, 24, 0, 0), holidays=NO_HOLIDAYS
        )
        == 8 * HOUR
    )


def test_business_seconds_weekend_is_zero():
    assert (
        business_seconds_between(
            la(2026, 11, 21, 0, 0), la(2026, 11, 23, 0, 0), holidays=NO_HOLIDAYS
        )
        == 0
    )


def test_business_seconds_skip_holidays():
    thanksgiving = {dt.date(2026, 11, 26)}
    # Wednesday 16:00 to Friday 10:00: an hour on Wednesday, none on Thursday, an hour Friday.
    start, end = la(2026, 11, 25, 16, 0), la(2026, 11, 27, 10, 0)
    assert business_seconds_between(start, end, holidays=thanksgiving) == 2 * HOUR
    assert business_seconds_between(start, end, holidays=NO_HOLIDAYS) == 10 * HOUR


def test_business_seconds_across_spring_forward_count_wall_clock_hours():
    # DST starts Sunday March 8, 2026; the 9-17 window stays 8 hours either side.
    assert (
        business_seconds_between(la(2026, 3, 6, 16, 0), la(2026, 3, 9, 10, 0), holidays=NO_HOLIDAYS)
        == 2 * HOUR
    )
    assert (
        business_seconds_between(la(2026, 3, 2, 9, 0), la(2026, 3, 9, 9, 0), holidays=NO_HOLIDAYS)
        == 40 * HOUR
    )


def test_business_seconds_across_fall_back():
    # DST ends Sunday November 1, 2026.
    assert (
        business_seconds_between(
            la(2026, 10, 30, 16, 30), la(2026, 11, 2, 9, 30), holidays=NO_HOLIDAYS
        )
        == HOUR
    )


def test_business_seconds_accept_any_zone_for_the_moments():
    start = dt.datetime(2026, 11, 21, 0, 30, tzinfo=dt.UTC)  # Friday 16:30 in Los Angeles
    end = dt.datetime(2026, 11, 23, 17, 30, tzinfo=dt.UTC)  # Monday 9:30
    assert business_seconds_between(start, end, holidays=NO_HOLIDAYS, zone=LA) == HOUR


def test_business_seconds_end_before_start_is_zero():
    assert (
        business_seconds_between(la(2026, 11, 24, 12), la(2026, 11, 23, 12), holidays=NO_HOLIDAYS)
        == 0
    )


def test_business_days_between_counts_weekdays_minus_holidays():
    # A three-week sprint: 15 weekdays; Thanksgiving takes one.
    first, last = dt.date(2026, 11, 23), dt.date(2026, 12, 13)
    assert business_days_between(first, last, holidays=NO_HOLIDAYS) == 15
    assert (
        business_days_between(first, last, holidays={dt.date(2026, 11, 26), dt.date(2026, 11, 28)})
        == 14
    )
    assert business_days_between(last, first, holidays=NO_HOLIDAYS) == 0


def test_business_days_between_across_year_end():
    holidays = {dt.date(2026, 12, 25), dt.date(2027, 1, 1)}
    assert (
        business_days_between(dt.date(2026, 12, 21), dt.date(2027, 1, 10), holidays=holidays) == 13
    )


def test_business_deadline_of_the_sla():
    friday = la(2026, 11, 20, 16, 30)
    assert business_deadline(friday, HOUR, holidays=NO_HOLIDAYS) == la(2026, 11, 23, 9, 30)
    before_nine = la(2026, 11, 23, 7, 0)
    assert business_deadline(before_nine, HOUR, holidays=NO_HOLIDAYS) == la(2026, 11, 23, 10, 0)
    wednesday = la(2026, 11, 25, 16, 30)
    due = business_deadline(wednesday, HOUR, holidays={dt.date(2026, 11, 26)})
    assert due == la(2026, 11, 27, 9, 30)


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (59, "0 min"),
        (25 * 60, "25 min"),
        (3 * HOUR, "3 h"),
        (3 * HOUR + 10 * 60, "3 h 10 min"),
        (8 * HOUR, "1 business day"),
        (17 * HOUR, "2 business days 1 h"),
    ],
)
def test_business_duration_text(seconds, text):
    assert business_duration_text(seconds) == text


def _slow_business_seconds(start: dt.datetime, end: dt.datetime, holidays: set[dt.date]) -> int:
    """Day by day, the obvious way."""
    total = 0
    day = start.astimezone(LA).date()
    while day <= end.astimezone(LA).date():
        if day.weekday() < 5 and day not in holidays:
            opens = dt.datetime.combine(day, dt.time(9), tzinfo=LA)
            closes = dt.datetime.combine(day, dt.time(17), tzinfo=LA)
            total += max((min(end, closes) - max(start, opens)).total_seconds(), 0)
        day += dt.timedelta(days=1)
    return int(total)


# Hypothesis takes naive bounds and attaches the zone itself.
moments = st.datetimes(
    min_value=dt.datetime(2025, 12, 1),  # noqa: DTZ001
    max_value=dt.datetime(2027, 2, 1),  # noqa: DTZ001
    timezones=st.just(LA),
)


@settings(max_examples=150, deadline=None)
@given(
    start=moments,
    length=st.timedeltas(min_value=dt.timedelta(0), max_value=dt.timedelta(days=60)),
    holiday=st.integers(0, 60),
)
def test_business_seconds_between_agrees_with_counting_day_by_day(start, length, holiday):
    end = (start + length).astimezone(LA)
    holidays = {start.date() + dt.timedelta(days=holiday)}
    assert business_seconds_between(start, end, holidays=holidays, zone=LA) == pytest.approx(
        _slow_business_seconds(start, end, holidays), abs=1
    )
