"""Business time: 9:00-17:00 Monday to Friday in the process time zone, minus holidays.

Handbook, "Schedule developer on-call workload": on-call engineers are available during
the business hours of 9am - 5pm Pacific, and the support SLA is a 1-hour response during
business hours. SLA clocks therefore count business time only: a question asked Friday at
16:30 is one business hour old at 9:30 on Monday.

Pure functions: callers pass the holidays (dates in the process zone) and, if they want,
the zone; nothing here reads the database. The 9-17 window is taken in local wall-clock
time, so a daylight-saving change (at 2 AM) never shortens or lengthens a business day.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Collection

BUSINESS_START = dt.time(9, 0)
BUSINESS_END = dt.time(17, 0)
BUSINESS_DAY_SECONDS = 8 * 3600  # one business day is eight business hours
BUSINESS_HOUR_SECONDS = 3600


def _zone(zone: zoneinfo.ZoneInfo | None) -> zoneinfo.ZoneInfo:
    if zone is not None:
        return zone
    from fleetops.org.models import process_time_zone

    return process_time_zone()


def is_business_day(day: dt.date, *, holidays: Collection[dt.date]) -> bool:
    """Monday to Friday and not a company holiday."""
    return day.weekday() < 5 and day not in holidays


def business_days_between(first: dt.date, last: dt.date, *, holidays: Collection[dt.date]) -> int:
    """Working days from `first` to `last`, both included: weekdays minus holidays."""
    if last < first:
        return 0
    days = (last - first).days + 1
    weeks, rest = divmod(days, 7)
    count = weeks * 5
    for offset in range(rest):
        if (first + dt.timedelta(days=weeks * 7 + offset)).weekday() < 5:
            count += 1
    count -= sum(1 for day in set(holidays) if first <= day <= last and day.weekday() < 5)
    return count


def business_window(
    day: dt.date, *, zone: zoneinfo.ZoneInfo | None = None
) -> tuple[dt.datetime, dt.datetime]:
    """The day's 9:00 and 17:00 as aware datetimes in the zone."""
    tz = _zone(zone)
    return (
        dt.datetime.combine(day, BUSINESS_START, tzinfo=tz),
        dt.datetime.combine(day, BUSINESS_END, tzinfo=tz),
    )


def _day_overlap(
    day: dt.date,
    start: dt.datetime,
    end: dt.datetime,
    *,
    holidays: Collection[dt.date],
    zone: zoneinfo.ZoneInfo,
) -> float:
    if not is_business_day(day, holidays=holidays):
        return 0.0
    opens, closes = business_window(day, zone=zone)
    return max((min(end, closes) - max(start, opens)).total_seconds(), 0.0)


def business_seconds_between(
    start: dt.datetime,
    end: dt.datetime,
    *,
    holidays: Collection[dt.date],
    zone: zoneinfo.ZoneInfo | None = None,
) -> int:
    """Business seconds from `start` to `end` (aware datetimes); 0 if `end` is not later."""
    if end <= start:
        return 0
    tz = _zone(zone)
    first, last = start.astimezone(tz).date(), end.astimezone(tz).date()
    if first == last:
        return int(_day_overlap(first, start, end, holidays=holidays, zone=tz))
    seconds = _day_overlap(first, start, end, holidays=holidays, zone=tz)
    seconds += _day_overlap(last, start, end, holidays=holidays, zone=tz)
    inner = business_days_between(
        first + dt.timedelta(days=1), last - dt.timedelta(days=1), holidays=holidays
    )
    return int(seconds) + inner * BUSINESS_DAY_SECONDS


def business_deadline(
    start: dt.datetime,
    seconds: int,
    *,
    holidays: Collection[dt.date],
    zone: zoneinfo.ZoneInfo | None = None,
) -> dt.datetime:
    """The moment `seconds` of business time have passed since `start` (an SLA's due time)."""
    tz = _zone(zone)
    left = float(seconds)
    day = start.astimezone(tz).date()
    for _ in range(3660):  # ten years of days: far more than any SLA
        if is_business_day(day, holidays=holidays):
            opens, closes = business_window(day, zone=tz)
            begin = max(start, opens)
            if begin < closes:
                available = (closes - begin).total_seconds()
                if left <= available:
                    return (begin + dt.timedelta(seconds=left)).astimezone(dt.UTC)
                left -= available
        day += dt.timedelta(days=1)
    raise ValueError("no business time in the next ten years")


def business_duration_text(seconds: float) -> str:
    """A business-time age for people: `25 min`, `3 h 10 min`, `2 business days 1 h`."""
    minutes = int(seconds // 60)
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 8:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    days, hours = divmod(hours, 8)
    label = "business day" if days == 1 else "business days"
    return f"{days} {label} {hours} h" if hours else f"{days} {label}"
