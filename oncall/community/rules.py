"""Community SLA rules: business time, the first-response and follow-up SLAs, stale issues.

Handbook, "Schedule developer on-call workload": "On-call engineers are available during
the business hours of 9am - 5pm Pacific. The on-call support SLA requires a 1-hour
response time during business hours to any @oncall mention." SLA clocks therefore count
business time only: a question asked Friday at 16:30 is one business hour old at 9:30 on
Monday.

Handbook, "Review a community pull request": do not go more than one business day without
following up with the contributor.

Handbook, "Close a stale community issue": "If a community member opens an issue that we
can't reproduce leave a comment asking the author for more context. After one week with no
reply, close the issue with a comment letting them know they are welcome to re-open it
with any updates."

Pure: no ORM, no I/O, no settings. Callers pass the holidays (dates in the process zone)
and the zone (Pacific when they do not). The 9-17 window is taken in local wall-clock time,
so a daylight-saving change (at 2 AM) never shortens or lengthens a business day.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Collection, Mapping

from fleetops.org.rules import PACIFIC  # "9am - 5pm Pacific", one constant for all such rules

BUSINESS_START = dt.time(9, 0)
BUSINESS_END = dt.time(17, 0)
BUSINESS_DAY_SECONDS = 8 * 3600  # one business day is eight business hours
BUSINESS_HOUR_SECONDS = 3600

FIRST_RESPONSE_SLA = BUSINESS_HOUR_SECONDS  # 1-hour response during business hours
FOLLOW_UP_SLA = BUSINESS_DAY_SECONDS  # never more than one business day without follow-up
STALE_AFTER = dt.timedelta(days=7)  # "after one week with no reply, close the issue"
STALE_KEY = "oncall:stale"


def _zone(zone: zoneinfo.ZoneInfo | None) -> zoneinfo.ZoneInfo:
    return PACIFIC if zone is None else zone


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


def sla_overdue(business_seconds: float, sla_seconds: int) -> bool:
    """Past the SLA: more business time has passed than the SLA allows."""
    return business_seconds > sla_seconds


def stale_cutoff(now: dt.datetime) -> dt.datetime:
    """A member's question asked at or before this moment, unanswered, makes an issue stale."""
    return now - STALE_AFTER


def stale_dedupe_prefix(number: int, asked_at: dt.datetime) -> str:
    """One close per quiet spell: the key names the issue and the member's question."""
    return f"{STALE_KEY}:{number}:{asked_at.astimezone(dt.UTC):%Y%m%dT%H%M%SZ}"


def clock_stopped_reason(local: dt.datetime, *, holidays: Mapping[dt.date, str]) -> str:
    """Why SLA clocks are not running at `local` (a moment in the process zone); "" if they are."""
    if local.date() in holidays:
        return f"today is a holiday ({holidays[local.date()]})"
    if local.weekday() >= 5:
        return "it is the weekend"
    if not BUSINESS_START <= local.time() < BUSINESS_END:
        return "it is outside business hours (9:00-17:00 Pacific)"
    return ""
