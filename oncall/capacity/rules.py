"""Capacity rules: a sprint's capacity after on-call and time off, and the bug share.

Handbook, "Schedule developer on-call workload": "Engineering Managers are asked to be
aware of the on-call rotation and reduce estimate capacity for each sprint accordingly."

Handbook, "Assume developer on-call alias": "the on-call engineer is not expected to work on
sprint issues during their on-call assignment."

Handbook, product groups (capacity): "while the average open bug is older than 32 days, 50%
of each sprint's capacity goes to bugs and engineering-initiated stories." Whether the
average open bug is older than 32 days is the weekly KPIs' flag (`kpis`); this module says
what follows from it.

So: engineers are a group's active members other than its EM and QA lead; working days are
weekdays minus holidays; on-call days are the business hours an engineer is on call / 8;
time off counts the working days away (a day away twice counts once). The group's points
are its nominal sprint capacity scaled by the engineer-days left.

Pure: no ORM, no I/O, no settings.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from decimal import ROUND_HALF_UP, Decimal

from oncall.community.rules import BUSINESS_DAY_SECONDS, is_business_day

BUG_SHARE = Decimal("0.5")  # "50% of each sprint's capacity goes to bugs and eng. stories"


def round_half_up(value: Decimal | float) -> int:
    """Halves round up (2.5 -> 3), as people round, not to even."""
    return int(Decimal(str(value)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def display_number(value: float) -> int | float:
    """Whole numbers as ints, the rest to one decimal (on-call days can be partial)."""
    value = round(value, 1)
    return int(value) if value == int(value) else value


def oncall_days(business_seconds: float) -> float:
    """On-call days: the business hours on call / 8 (one business day is 9-5)."""
    return business_seconds / BUSINESS_DAY_SECONDS


def available_days(*, engineer_days: int, oncall_days: float, time_off_days: int) -> float:
    """Engineer-days left after on-call and time off (never below zero)."""
    return max(engineer_days - oncall_days - time_off_days, 0)


def capacity_percent(*, available_days: float, engineer_days: int) -> float:
    """The share of engineer-days left, in percent (0 for a group without engineers)."""
    if not engineer_days:
        return 0
    return display_number(100 * available_days / engineer_days)


def capacity_points(*, nominal: int, available_days: float, engineer_days: int) -> int:
    """The nominal sprint capacity scaled by the engineer-days left."""
    if not engineer_days:
        return 0
    return round_half_up(
        Decimal(nominal) * Decimal(str(round(available_days, 4))) / Decimal(engineer_days)
    )


def bug_points(*, points: int, over_bug_goal: bool | None) -> int | None:
    """While the average open bug is older than 32 days, 50% of the points go to bugs and
    engineering-initiated stories; otherwise none are set aside. None: no KPIs yet."""
    if over_bug_goal is None:
        return None
    return round_half_up(Decimal(points) * BUG_SHARE) if over_bug_goal else 0


def working_days_away(
    ranges: Sequence[tuple[dt.date, dt.date]],
    *,
    first: dt.date,
    last: dt.date,
    holidays: Collection[dt.date],
) -> tuple[list[int | None], int]:
    """One person's days away in a sprint (`first` to `last`, both included).

    For each (starts_on, ends_on) range in order: the working days of the sprint it adds
    that no earlier range covered (None: it does not touch the sprint); and the total of
    distinct working days away.
    """
    taken: set[dt.date] = set()
    added: list[int | None] = []
    for starts_on, ends_on in ranges:
        first_day, last_day = max(starts_on, first), min(ends_on, last)
        if last_day < first_day:
            added.append(None)
            continue
        days = {
            first_day + dt.timedelta(days=n)
            for n in range((last_day - first_day).days + 1)
            if is_business_day(first_day + dt.timedelta(days=n), holidays=holidays)
        }
        added.append(len(days - taken))
        taken |= days
    return added, len(taken)


# -- the dates time off may be entered for -------------------------------------------------

TIME_OFF_DAYS_BACK = 365  # a forgotten week can be caught up on; a typo of a decade cannot
TIME_OFF_DAYS_AHEAD = 366  # the calendar import reads as far ahead
MAX_TIME_OFF_DAYS = 183  # a long leave fits; a typo of a year does not
TIME_OFF_RULE = (
    f"The first day lies within a year back and a year ahead; at most {MAX_TIME_OFF_DAYS} "
    "days at a time (enter a longer leave in parts)."
)


def _day(day: dt.date) -> str:
    return f"{day:%b} {day.day}, {day.year}"


def time_off_range_errors(
    starts_on: dt.date, ends_on: dt.date, *, today: dt.date
) -> dict[str, str]:
    """What is wrong with entering time off from `starts_on` to `ends_on` (inclusive), by
    field ("starts_on", "ends_on"); empty when it may be entered. Time off counts against
    capacity and on-call, so it is kept to dates someone can mean (TIME_OFF_RULE)."""
    errors: dict[str, str] = {}
    earliest = today - dt.timedelta(days=TIME_OFF_DAYS_BACK)
    latest = today + dt.timedelta(days=TIME_OFF_DAYS_AHEAD)
    if starts_on < earliest:
        errors["starts_on"] = (
            f"Time off starts at most a year back: pick {_day(earliest)} or later."
        )
    elif starts_on > latest:
        errors["starts_on"] = (
            f"Time off is entered at most a year ahead: pick {_day(latest)} or earlier."
        )
    if ends_on < starts_on:
        errors["ends_on"] = "The last day is before the first day."
    elif (ends_on - starts_on).days >= MAX_TIME_OFF_DAYS:
        last = starts_on + dt.timedelta(days=MAX_TIME_OFF_DAYS - 1)
        errors["ends_on"] = (
            f"Time off is entered {MAX_TIME_OFF_DAYS} days at most at a time: pick "
            f"{_day(last)} or earlier and enter the rest separately."
        )
    return errors
