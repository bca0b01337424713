"""ISO weeks in the process time zone: the unit every KPI is counted over.

A week runs from Monday 00:00 to the next Monday 00:00 (exclusive) in FLEETOPS_TIME_ZONE,
so a week with a daylight-saving change is 167 or 169 hours long. Its edges are converted
to UTC for the queries; `ends_at` is the definitions' `T`.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from dataclasses import dataclass

from fleetops.core.bounds import EARLIEST, LATEST, RANGE_TEXT
from fleetops.org.models import process_time_zone

WEEK_RE = re.compile(r"^(\d{4})-W(\d{2})$")


class InvalidWeek(ValueError):
    """A week name that is not `YYYY-Www` or names no ISO week."""


@dataclass(frozen=True, order=True)
class IsoWeek:
    year: int
    number: int

    @classmethod
    def parse(cls, name: str) -> IsoWeek:
        match = WEEK_RE.match(name.strip())
        if not match:
            raise InvalidWeek(f"{name!r} is not an ISO week: write it like 2026-W46.")
        week = cls(int(match[1]), int(match[2]))
        if not EARLIEST.year <= week.year < LATEST.year:
            raise InvalidWeek(f"{name} is out of range: pick a week between {RANGE_TEXT}.")
        try:
            week.monday  # noqa: B018 - validates W53 and W00
        except ValueError as exc:
            message = f"{name} does not exist: {week.year} has no week {week.number}."
            raise InvalidWeek(message) from exc
        return week

    @classmethod
    def containing(cls, moment: dt.datetime, zone: dt.tzinfo | None = None) -> IsoWeek:
        """The week `moment` falls in, in the process time zone."""
        local = moment.astimezone(zone or process_time_zone())
        year, number, _ = local.isocalendar()
        return cls(year, number)

    @classmethod
    def last_complete(cls, now: dt.datetime, zone: dt.tzinfo | None = None) -> IsoWeek:
        """The newest week that has ended by `now`."""
        return cls.containing(now, zone).previous()

    @property
    def name(self) -> str:
        return f"{self.year}-W{self.number:02d}"

    def __str__(self) -> str:
        return self.name

    @property
    def monday(self) -> dt.date:
        return dt.date.fromisocalendar(self.year, self.number, 1)

    def previous(self, weeks: int = 1) -> IsoWeek:
        year, number, _ = (self.monday - dt.timedelta(weeks=weeks)).isocalendar()
        return IsoWeek(year, number)

    def next(self) -> IsoWeek:
        year, number, _ = (self.monday + dt.timedelta(weeks=1)).isocalendar()
        return IsoWeek(year, number)

    def starts_at(self, zone: dt.tzinfo | None = None) -> dt.datetime:
        """Monday 00:00 in the zone, as a UTC datetime."""
        return _midnight_utc(self.monday, zone or process_time_zone())

    def ends_at(self, zone: dt.tzinfo | None = None) -> dt.datetime:
        """The next Monday 00:00 in the zone, as a UTC datetime: the definitions' T."""
        return _midnight_utc(self.monday + dt.timedelta(weeks=1), zone or process_time_zone())

    def days_before_end(self, days: int, zone: dt.tzinfo | None = None) -> dt.datetime:
        """Midnight `days` calendar days before T in the zone (21 days: three whole weeks)."""
        end = self.monday + dt.timedelta(weeks=1)
        return _midnight_utc(end - dt.timedelta(days=days), zone or process_time_zone())


def _midnight_utc(day: dt.date, zone: dt.tzinfo) -> dt.datetime:
    local = dt.datetime.combine(day, dt.time(0), tzinfo=zone)
    return local.astimezone(dt.UTC)


def zone_name(zone: dt.tzinfo | None = None) -> str:
    zone = zone or process_time_zone()
    return zone.key if isinstance(zone, zoneinfo.ZoneInfo) else str(zone)
