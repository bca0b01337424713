"""What every fleetops calendar feed starts with (releases, on-call, rituals)."""

from __future__ import annotations

import datetime as dt

import icalendar


def feed_calendar(*, prodid: str, name: str, refresh: dt.timedelta) -> icalendar.Calendar:
    """A published calendar named `name` that subscribers fetch again every `refresh`."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", prodid)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("refresh-interval", refresh, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", icalendar.vDuration(refresh).to_ical().decode())
    return calendar
