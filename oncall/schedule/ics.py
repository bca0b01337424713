"""iCalendar both ways: on-call feeds out, time off in.

Feeds carry each stretch of on-call (overrides and swaps marked, gaps as "nobody on call")
with the rotation's time zone as TZID and its VTIMEZONE, so a calendar app shows handoffs
at the right local time on both sides of a daylight-saving change.

Time off comes from a person's own calendar URL. A malformed file is refused with the line
that is wrong (icalendar alone says what, not where), an unreachable one with the reason;
the caller then keeps the time off it had.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import re
import socket
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import icalendar
import recurring_ical_events
import requests
from django.conf import settings

from fleetops.core.ics import feed_calendar
from fleetops.org.models import Person
from oncall.schedule.rules import RotationPlan, Segment

PRODID = "-//fleetops//on-call//EN"
MAX_CALENDAR_BYTES = 2_000_000
FETCH_TIMEOUT = (3.05, 10)  # connect, read (seconds)
MAX_REDIRECTS = 3
# Timed events shorter than a working day are appointments, not time off.
MIN_TIMED_ABSENCE = dt.timedelta(hours=8)

_CONTENT_LINE = re.compile(
    r"""^(?P<name>[A-Za-z0-9-]+)
    (?P<params>(?:;[A-Za-z0-9-]+=(?:"[^"]*"|[^";:,]*)(?:,(?:"[^"]*"|[^";:,]*))*)*)
    :(?P<value>.*)$""",
    re.VERBOSE,
)
_DATE_VALUE = re.compile(r"^\d{8}(?:T\d{6}Z?)?$")
_DATED = ("DTSTART", "DTEND", "RECURRENCE-ID")


class IcsImportError(Exception):
    """A calendar could not be fetched or read; the message says where or why."""


# -- feeds out --------------------------------------------------------------------------------


def _event_summary(segment: Segment, person: Person | None, rotation: str) -> str:
    if segment.kind == "gap":
        return f"Nobody on call ({rotation})"
    label = {"override": " (override)", "swap": " (swap)"}.get(segment.kind, "")
    return f"On call: {person.name if person else 'someone'}{label}"


def ics_feed(
    *,
    name: str,
    entries: Iterable[tuple[RotationPlan, Segment, Person | None, Person | None]],
    now: dt.datetime,
    url: str,
) -> bytes:
    """A calendar of on-call stretches: (rotation, segment, person on call, person named)."""
    calendar = feed_calendar(prodid=PRODID, name=name, refresh=dt.timedelta(hours=1))
    first_day, last_day = None, None
    for plan, segment, person, named in entries:
        event = icalendar.Event()
        start = segment.starts_at.astimezone(plan.zone)
        end = segment.ends_at.astimezone(plan.zone)
        first_day = min(first_day or start.date(), start.date())
        last_day = max(last_day or end.date(), end.date())
        event.add("uid", f"oncall-{plan.id}-{segment.starts_at:%Y%m%dT%H%M%SZ}@fleetops")
        event.add("dtstamp", now.astimezone(dt.UTC))
        event.add("dtstart", start)
        event.add("dtend", end)
        event.add("summary", _event_summary(segment, person, plan.name))
        lines = [f"Rotation: {plan.name}."]
        if segment.kind in ("override", "swap") and named is not None:
            lines.append(f"Covers the rotation's {named.name}.")
        if segment.kind == "gap":
            reason = segment.gap_reason
            who = f" ({named.name})" if named is not None else ""
            lines.append(f"Nobody is on call: {reason}{who}.")
        event.add("description", " ".join(lines))
        event.add("categories", [segment.kind])
        event.add("transp", "TRANSPARENT")
        event.add("url", url)
        calendar.add_component(event)
    if first_day is not None and last_day is not None:
        calendar.add_missing_timezones(
            first_date=first_day - dt.timedelta(days=366),
            last_date=last_day + dt.timedelta(days=366),
        )
    return calendar.to_ical()


# -- time off in ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Absence:
    uid: str
    starts_on: dt.date
    ends_on: dt.date  # inclusive
    summary: str


def _host_allowed(host: str) -> None:
    """Only hosts on the internet: a calendar URL must not reach into our own network."""
    if getattr(settings, "ONCALL_ICS_ALLOW_PRIVATE_HOSTS", False):
        return
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except (socket.gaierror, UnicodeError) as exc:
        raise IcsImportError(f"Could not resolve {host}: no such host.") from exc
    for address in addresses:
        if not ipaddress.ip_address(address.split("%", 1)[0]).is_global:
            raise IcsImportError(
                f"{host} is a private network address: only calendars on the internet "
                "can be imported."
            )


def ics_fetch(url: str) -> bytes:
    """GET a calendar (at most 2 MB, 3 redirects, 10 s); IcsImportError says why not."""
    for _ in range(MAX_REDIRECTS + 1):
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise IcsImportError("The calendar URL must start with https:// (or http://).")
        host = parts.hostname
        _host_allowed(host)
        try:
            response = requests.get(
                url,
                timeout=FETCH_TIMEOUT,
                stream=True,
                allow_redirects=False,
                headers={"Accept": "text/calendar, */*;q=0.5", "User-Agent": "fleetops"},
            )
        except requests.Timeout as exc:
            raise IcsImportError(f"{host} did not answer within 10 seconds.") from exc
        except requests.ConnectionError as exc:
            raise IcsImportError(f"Could not connect to {host}.") from exc
        except requests.RequestException as exc:
            raise IcsImportError(
                f"Could not fetch the calendar: {exc.__class__.__name__}."
            ) from exc
        with response:
            if response.is_redirect and "Location" in response.headers:
                url = urljoin(url, response.headers["Location"])
                continue
            if response.status_code != 200:
                reason = f" {response.reason}" if response.reason else ""
                raise IcsImportError(
                    f"{host} answered HTTP {response.status_code}{reason}: is the URL right?"
                )
            body = b""
            for chunk in response.iter_content(64 * 1024):
                body += chunk
                if len(body) > MAX_CALENDAR_BYTES:
                    raise IcsImportError("The calendar is larger than 2 MB.")
            return body
    raise IcsImportError(f"Too many redirects (more than {MAX_REDIRECTS}).")


def _shorten(value: str, limit: int = 40) -> str:
    return value if len(value) <= limit else value[: limit - 1] + "…"


def ics_check_lines(text: str) -> None:
    """Refuse a malformed calendar, naming the line: content lines, nesting, dates."""
    logical: list[tuple[int, str]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if line[:1] in (" ", "\t") and logical:
            first, previous = logical[-1]
            logical[-1] = (first, previous + line[1:])
        elif line.strip():
            logical.append((number, line))
    if not logical:
        raise IcsImportError("The calendar is empty.")
    number, first = logical[0]
    if first.strip().upper() != "BEGIN:VCALENDAR":
        raise IcsImportError(
            f"Line {number}: a calendar starts with BEGIN:VCALENDAR, this starts with "
            f"“{_shorten(first.strip())}” (is the URL a web page rather than the .ics file?)."
        )
    stack: list[tuple[str, int]] = []
    for number, line in logical:
        match = _CONTENT_LINE.match(line)
        if match is None:
            raise IcsImportError(
                f"Line {number}: “{_shorten(line.strip())}” is not an iCalendar line (NAME:value)."
            )
        name, value = match["name"].upper(), match["value"].strip()
        if name == "BEGIN":
            stack.append((value.upper(), number))
        elif name == "END":
            if not stack:
                raise IcsImportError(f"Line {number}: END:{value} without a BEGIN.")
            opened, opened_on = stack.pop()
            if opened != value.upper():
                raise IcsImportError(
                    f"Line {number}: END:{value} closes BEGIN:{opened} of line {opened_on}."
                )
        elif name in _DATED and stack and stack[-1][0] == "VEVENT" and not _DATE_VALUE.match(value):
            raise IcsImportError(
                f"Line {number}: {name} “{_shorten(value)}” is not a date (YYYYMMDD) "
                "or a date-time (YYYYMMDDTHHMMSS)."
            )
    if stack:
        opened, opened_on = stack[-1]
        raise IcsImportError(f"Line {opened_on}: BEGIN:{opened} is never closed.")


def _as_local(value: dt.date | dt.datetime, zone: zoneinfo.ZoneInfo) -> dt.date | dt.datetime:
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=zone) if value.tzinfo is None else value.astimezone(zone)
    return value


def ics_absences(
    data: bytes, *, zone: zoneinfo.ZoneInfo, first: dt.date, last: dt.date
) -> list[Absence]:
    """The days away in a calendar between two dates: all-day events, and timed events of
    a working day or more (shorter ones are appointments); free and cancelled ones skipped."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise IcsImportError(f"Line {line}: the calendar is not UTF-8 text.") from exc
    ics_check_lines(text)
    try:
        calendar = icalendar.Calendar.from_ical(text)
        start = dt.datetime.combine(first, dt.time(0), tzinfo=zone)
        end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(0), tzinfo=zone)
        events = recurring_ical_events.of(calendar).between(start, end)
    except Exception as exc:  # icalendar and its expansion raise many kinds: name it
        raise IcsImportError(f"The calendar could not be read: {_shorten(str(exc), 120)}") from exc
    absences = []
    for event in events:
        if str(event.get("STATUS", "")).upper() == "CANCELLED":
            continue
        if str(event.get("TRANSP", "")).upper() == "TRANSPARENT":
            continue
        begins = _as_local(event["DTSTART"].dt, zone)
        if "DTEND" in event:
            ends = _as_local(event["DTEND"].dt, zone)
        elif "DURATION" in event:
            ends = begins + event["DURATION"].dt
        else:
            ends = begins if isinstance(begins, dt.datetime) else begins + dt.timedelta(days=1)
        if isinstance(begins, dt.datetime):
            if not isinstance(ends, dt.datetime) or ends - begins < MIN_TIMED_ABSENCE:
                continue
            starts_on = begins.date()
            ends_on = (ends - dt.timedelta(microseconds=1)).date()
        else:
            starts_on = begins
            ends_on = max(ends - dt.timedelta(days=1), begins)
        instance = event.get("RECURRENCE-ID") or event["DTSTART"]
        uid = f"{event.get('UID', '')}/{instance.dt.isoformat()}"
        absences.append(Absence(uid[:300], starts_on, ends_on, str(event.get("SUMMARY", ""))[:200]))
    return sorted(absences, key=lambda a: (a.starts_on, a.uid))
