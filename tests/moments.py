"""Checks shared by the time-zone tests: every `<time>` of a page, in the viewer's zone.

A `<time>` with a datetime carries the offset of the viewer's zone at that instant, and any
clock time (HH:MM) in its text is that instant's local time; a date is `YYYY-MM-DD`.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from html.parser import HTMLParser

CLOCK = re.compile(r"\b(\d{1,2}):(\d{2})\b")


class _TimeCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, str]] = []
        self._open: list[list[str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "time":
            self._open.append([dict(attrs).get("datetime") or "", ""])

    def handle_data(self, data: str) -> None:
        for entry in self._open:
            entry[1] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "time" and self._open:
            attribute, text = self._open.pop()
            self.found.append((attribute, " ".join(text.split())))


def time_elements(html: str) -> list[tuple[str, str]]:
    """(datetime attribute, text) of every `<time>` in `html`."""
    collector = _TimeCollector()
    collector.feed(html)
    return collector.found


def moment_problems(attribute: str, text: str, zone_name: str) -> list[str]:
    """What is wrong with one `<time>` for a viewer in `zone_name` (empty: nothing)."""
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", attribute):
        dt.date.fromisoformat(attribute)
        return []
    try:
        moment = dt.datetime.fromisoformat(attribute)
    except ValueError:
        return [f"{attribute!r} is not ISO 8601"]
    if moment.tzinfo is None:
        return [f"{attribute!r} has no offset"]
    local = moment.astimezone(zoneinfo.ZoneInfo(zone_name))
    problems = []
    if moment.utcoffset() != local.utcoffset():
        problems.append(f"{attribute!r} is not in {zone_name} (offset {local.utcoffset()})")
    for hours, minutes in CLOCK.findall(text):
        if (int(hours), int(minutes)) != (local.hour, local.minute):
            problems.append(f"{text!r} shows {hours}:{minutes}, not {local:%H:%M} ({attribute})")
    return problems
