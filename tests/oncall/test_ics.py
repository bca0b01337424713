from __future__ import annotations

import datetime as dt
import zoneinfo

import icalendar
import pytest

from oncall.schedule.ics import IcsImportError, ics_absences, ics_check_lines, ics_feed
from oncall.schedule.rules import OverridePlan, RotationPlan, segments_between, time_off_intervals
from tests.factories import PersonFactory

LA = zoneinfo.ZoneInfo("America/Los_Angeles")


def la(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=LA)


@pytest.fixture
def feed(db) -> icalendar.Calendar:
    """Two weeks around the spring-forward change: Alice, then Bob with Carol covering a
    day, then Alice away on a Friday with nobody covering."""
    alice, bob, carol = (PersonFactory(name=n) for n in ("Alice Adams", "Bob Brown", "Carol Chen"))
    people = {p.pk: p for p in (alice, bob, carol)}
    plan = RotationPlan(
        7, "Developer on-call", LA, dt.date(2026, 3, 2), dt.time(9), 1, (alice.pk, bob.pk)
    )
    cover = OverridePlan(1, 7, carol.pk, la(2026, 3, 11, 9), la(2026, 3, 12, 9), la(2026, 3, 1))
    away = {alice.pk: time_off_intervals([(dt.date(2026, 3, 20), dt.date(2026, 3, 20))], zone=LA)}
    segments = segments_between(
        plan, la(2026, 3, 2, 9), la(2026, 3, 23, 9), overrides=[cover], time_off=away
    )
    body = ics_feed(
        name="Developer on-call",
        entries=[
            (
                plan,
                s,
                people.get(s.person_id),
                people.get(s.rotation_person_id if s.kind != "gap" else s.scheduled_id),
            )
            for s in segments
        ],
        now=la(2026, 3, 1, 12),
        url="https://fleetops.example.com/oncall/",
    )
    return icalendar.Calendar.from_ical(body)


def _events(calendar: icalendar.Calendar) -> list[tuple[str, dt.datetime, dt.datetime]]:
    return [(str(e["SUMMARY"]), e["DTSTART"].dt, e["DTEND"].dt) for e in calendar.walk("VEVENT")]


def test_ics_feed_parses_back_with_handoffs_at_nine_local_across_dst(feed):
    events = _events(feed)
    assert events[0] == ("On call: Alice Adams", la(2026, 3, 2, 9), la(2026, 3, 9, 9))
    # DST started on March 8: still 9:00 local, 167 hours later.
    start, end = (moment.astimezone(dt.UTC) for moment in events[0][1:])
    assert end - start == dt.timedelta(hours=167)
    assert events[0][1].utcoffset() == dt.timedelta(hours=-8)
    assert events[0][2].utcoffset() == dt.timedelta(hours=-7)


def test_ics_feed_carries_the_time_zone(feed):
    [zone] = feed.walk("VTIMEZONE")
    assert str(zone["TZID"]) == "America/Los_Angeles"
    first = feed.walk("VEVENT")[0]
    assert first["DTSTART"].params["TZID"] == "America/Los_Angeles"
    assert {str(feed["X-WR-CALNAME"]), str(feed["VERSION"])} == {"Developer on-call", "2.0"}


def test_ics_feed_marks_overrides_and_gaps(feed):
    events = _events(feed)
    assert ("On call: Carol Chen (override)", la(2026, 3, 11, 9), la(2026, 3, 12, 9)) in events
    assert ("Nobody on call (Developer on-call)", la(2026, 3, 20, 0), la(2026, 3, 21, 0)) in events
    override = next(e for e in feed.walk("VEVENT") if "override" in str(e["SUMMARY"]))
    assert "Covers the rotation's Bob Brown." in str(override["DESCRIPTION"])
    gap = next(e for e in feed.walk("VEVENT") if "Nobody" in str(e["SUMMARY"]))
    assert "time off (Alice Adams)" in str(gap["DESCRIPTION"])
    uids = [str(e["UID"]) for e in feed.walk("VEVENT")]
    assert len(uids) == len(set(uids))


def _calendar(*events: str) -> bytes:
    body = "\r\n".join(
        ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//EN", *events, "END:VCALENDAR"]
    )
    return body.encode()


def _event(uid: str, *lines: str) -> str:
    return "\r\n".join(
        ["BEGIN:VEVENT", f"UID:{uid}", "DTSTAMP:20260101T000000Z", *lines, "END:VEVENT"]
    )


def absences(data: bytes) -> list[tuple[dt.date, dt.date, str]]:
    found = ics_absences(data, zone=LA, first=dt.date(2026, 1, 1), last=dt.date(2026, 12, 31))
    return [(a.starts_on, a.ends_on, a.summary) for a in found]


def test_ics_absences_all_day_events_end_the_day_before_dtend():
    data = _calendar(
        _event("a", "DTSTART;VALUE=DATE:20260202", "DTEND;VALUE=DATE:20260207", "SUMMARY:Ski")
    )
    assert absences(data) == [(dt.date(2026, 2, 2), dt.date(2026, 2, 6), "Ski")]


def test_ics_absences_timed_events_of_a_working_day_or_more_count():
    data = _calendar(
        _event(
            "long",
            "DTSTART;TZID=America/Los_Angeles:20260302T080000",
            "DTEND;TZID=America/Los_Angeles:20260303T180000",
            "SUMMARY:Offsite",
        ),
        _event("short", "DTSTART:20260310T170000Z", "DTEND:20260310T180000Z", "SUMMARY:Dentist"),
        _event("free", "DTSTART;VALUE=DATE:20260401", "TRANSP:TRANSPARENT", "SUMMARY:Reminder"),
        _event("off", "DTSTART;VALUE=DATE:20260402", "STATUS:CANCELLED", "SUMMARY:Cancelled"),
    )
    assert absences(data) == [(dt.date(2026, 3, 2), dt.date(2026, 3, 3), "Offsite")]


def test_ics_absences_expand_recurring_events():
    # Every other Friday off in March 2026.
    data = _calendar(
        _event(
            "fri",
            "DTSTART;VALUE=DATE:20260306",
            "RRULE:FREQ=WEEKLY;INTERVAL=2;COUNT=3",
            "SUMMARY:Friday off",
        )
    )
    assert [first for first, _, _ in absences(data)] == [
        dt.date(2026, 3, 6),
        dt.date(2026, 3, 20),
        dt.date(2026, 4, 3),
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("<html><body>Sign in</body></html>", "Line 1: a calendar starts with BEGIN:VCALENDAR"),
        (
            "BEGIN:VCALENDAR\nVERSION:2.0\nnot a property\nEND:VCALENDAR\n",
            "Line 3: “not a property” is not an iCalendar line",
        ),
        (
            "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART:2026-01-02\nEND:VEVENT\nEND:VCALENDAR\n",
            "Line 3: DTSTART “2026-01-02” is not a date",
        ),
        (
            "BEGIN:VCALENDAR\nBEGIN:VEVENT\nSUMMARY:x\nEND:VCALENDAR\n",
            "Line 4: END:VCALENDAR closes BEGIN:VEVENT of line 2",
        ),
        (
            "BEGIN:VCALENDAR\nBEGIN:VEVENT\nSUMMARY:x\nEND:VEVENT\n",
            "Line 1: BEGIN:VCALENDAR is never closed",
        ),
        ("", "The calendar is empty."),
    ],
)
def test_ics_check_lines_names_the_wrong_line(text, message):
    with pytest.raises(IcsImportError) as error:
        ics_check_lines(text)
    assert str(error.value).startswith(message)


def test_ics_check_lines_accepts_folded_lines_and_quoted_parameters():
    ics_check_lines(
        'BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nATTENDEE;CN="Doe: Jane":mailto:j@example.com\r\n'
        "DESCRIPTION:a long\r\n  folded line\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )


def test_ics_absences_refuse_text_that_is_not_utf8():
    with pytest.raises(IcsImportError, match="Line 2: the calendar is not UTF-8 text"):
        ics_absences(
            b"BEGIN:VCALENDAR\n\xff\xfe\n",
            zone=LA,
            first=dt.date(2026, 1, 1),
            last=dt.date(2026, 2, 1),
        )
