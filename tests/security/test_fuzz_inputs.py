"""Property-based: any calendar upload gives absences or a clear error, never a crash."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from hypothesis import given, settings
from hypothesis import strategies as st

from oncall.schedule.ics import IcsImportError, ics_absences

LA = zoneinfo.ZoneInfo("America/Los_Angeles")
LINES = st.sampled_from(
    [
        "BEGIN:VCALENDAR",
        "END:VCALENDAR",
        "BEGIN:VEVENT",
        "END:VEVENT",
        "VERSION:2.0",
        "DTSTART;VALUE=DATE:20260302",
        "DTEND;VALUE=DATE:20260304",
        "DTSTART:20260302T090000Z",
        "DTEND:20260302T180000Z",
        "RRULE:FREQ=WEEKLY;COUNT=3",
        "SUMMARY:Vacation",
        "DTSTART;TZID=Europe/Berlin:20260302T080000",
        "TRANSP:TRANSPARENT",
        "STATUS:CANCELLED",
        "DTSTART:garbage",
        "RRULE:FREQ=NOPE",
        "UID:x@y",
        "BEGIN:VTIMEZONE",
        "END:VTIMEZONE",
    ]
)


def _check(data: bytes) -> None:
    message = ""
    try:
        absences = ics_absences(
            data, zone=LA, first=dt.date(2026, 1, 1), last=dt.date(2026, 12, 31)
        )
    except IcsImportError as exc:
        message, absences = str(exc), None
    if absences is None:
        assert message  # a message a person can act on, not an exception page
    else:
        assert isinstance(absences, list)


@settings(max_examples=300, deadline=None)
@given(st.lists(LINES, max_size=14))
def test_ics_import_structured_garbage_gives_result_or_clear_error(lines):
    _check("\r\n".join(lines).encode())


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400))
def test_ics_import_any_bytes_gives_result_or_clear_error(data):
    _check(data)
