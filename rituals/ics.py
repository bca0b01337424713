"""The rituals' due dates as an iCalendar feed: one all-day VEVENT per due date."""

from __future__ import annotations

import datetime as dt
import hashlib

import icalendar

from fleetops.core.ics import feed_calendar
from rituals.rules import Ritual

PRODID = "-//fleetops//rituals//EN"


def ritual_event_uid(ritual: Ritual, day: dt.date) -> str:
    """Stable across fetches and edits of other entries: the file, the task and the date."""
    digest = hashlib.sha256(f"{ritual.file}\0{ritual.task}".encode()).hexdigest()[:20]
    return f"ritual-{digest}-{day:%Y%m%d}@fleetops"


def ritual_calendar(
    *, name: str, dates: list[tuple[Ritual, dt.date]], now: dt.datetime, url: str
) -> bytes:
    """A calendar of (ritual, due date) pairs, each an all-day event."""
    calendar = feed_calendar(prodid=PRODID, name=name, refresh=dt.timedelta(hours=6))
    for ritual, day in dates:
        event = icalendar.Event()
        event.add("uid", ritual_event_uid(ritual, day))
        event.add("dtstamp", now.astimezone(dt.UTC))
        event.add("dtstart", day)
        event.add("dtend", day + dt.timedelta(days=1))
        event.add("summary", f"Ritual: {ritual.task}")
        lines = [f"{ritual.frequency} ritual, DRI @{ritual.dri or '?'} ({ritual.file})."]
        lines += [part for part in (ritual.description, ritual.more_info_url) if part]
        event.add("description", "\n\n".join(lines))
        event.add("transp", "TRANSPARENT")
        event.add("url", ritual.more_info_url or url)
        calendar.add_component(event)
    return calendar.to_ical()
