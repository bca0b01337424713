"""/oncall/ shows every moment in the viewer's zone; handoffs stay in the rotation's zone.

Users saw one override read "09:00" in the calendar (Los Angeles) and "04:00" in the cards
(their own zone) on the same screen.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

import pytest
from django.test import Client
from django.utils import timezone

from tests.factories import PersonFactory, SprintFactory
from tests.moments import moment_problems, time_elements
from tests.oncall.factories import OverrideFactory, rotation_with

pytestmark = pytest.mark.django_db

NOW = dt.datetime(
    2026, 12, 1, 20, 0, tzinfo=dt.UTC
)  # Tue 12:00 LA, 21:00 Berlin, Wed 01:30 Kolkata


@pytest.fixture
def frozen(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    return NOW


@pytest.fixture
def rotation(db, frozen):
    alice = PersonFactory(name="Alice Adams", github_login="alice", user__username="alice")
    bob = PersonFactory(name="Bob Brown", github_login="bob", user__username="bob")
    rotation = rotation_with(alice, bob, name="Developer on-call", starts_on=dt.date(2026, 11, 2))
    # Bob covers Wednesday 08:00-11:00 UTC: 09:00-12:00 in Berlin, 00:00-03:00 in Los Angeles.
    OverrideFactory(
        rotation=rotation,
        person=bob,
        starts_at=dt.datetime(2026, 12, 2, 8, 0, tzinfo=dt.UTC),
        ends_at=dt.datetime(2026, 12, 2, 11, 0, tzinfo=dt.UTC),
    )
    SprintFactory(number=90, starts_on=dt.date(2026, 11, 23), ends_on=dt.date(2026, 12, 13))
    return rotation


def _viewer(zone: str) -> Client:
    person = PersonFactory(name="Vera Viewer", github_login="vera", time_zone=zone)
    client = Client()
    client.force_login(person.user)
    return client


def _text(html: str) -> str:
    return re.sub(r"<[^>]+>", " ", html)


@pytest.mark.parametrize("zone", ["Europe/Berlin", "Asia/Kolkata", "America/Los_Angeles"])
def test_oncall_page_every_moment_in_the_viewer_zone(rotation, zone):
    html = _viewer(zone).get("/oncall/").content.decode()
    moments = time_elements(html)
    assert len(moments) > 20
    problems = [p for attribute, text in moments for p in moment_problems(attribute, text, zone)]
    assert problems == []
    assert _text(html).count(zone) == 1  # the footer states it once
    assert "times in " + zone in html


def test_oncall_calendar_shows_the_override_in_the_viewer_zone(rotation):
    html = _viewer("Europe/Berlin").get("/oncall/").content.decode()
    wednesday = html[html.index('datetime="2026-12-02"') :]
    wednesday = wednesday[: wednesday.index("</li>\n      \n      <li")]
    assert re.search(
        r"Bob Brown\s*<span class=\"oncall-time\">from <time[^>]*>09:00</time>", wednesday
    )
    assert re.search(r"until <time[^>]*>12:00</time>", wednesday)
    # The cards say the same: no "00:00" from Los Angeles anywhere for this override.
    assert "Wed Dec 2, 09:00</time> \N{EN DASH} <time" in html


@pytest.mark.parametrize(
    ("zone", "today"), [("Asia/Kolkata", "2026-12-02"), ("Europe/Berlin", "2026-12-01")]
)
def test_oncall_calendar_today_is_the_viewer_date(rotation, zone, today):
    """At 20:00 UTC it is still Tuesday in Los Angeles and Berlin, already Wednesday in Kolkata."""
    html = _viewer(zone).get("/oncall/").content.decode()
    assert re.search(
        rf'<time datetime="{today}"[^>]*>[^<]*</time> <span class="tag tag-accent">today', html
    )


def test_oncall_handoffs_stay_in_the_rotation_zone(rotation):
    """Handoffs are 9:00 Los Angeles; a Berlin viewer sees them at 18:00 (CET)."""
    html = _viewer("Europe/Berlin").get("/oncall/").content.decode()
    assert re.search(r"at the handoff, <time datetime=\"2026-12-07T18:00:00\+01:00\"", html)
    berlin = zoneinfo.ZoneInfo("Europe/Berlin")
    assert rotation.time_zone == "America/Los_Angeles"
    handoff = dt.datetime(2026, 12, 7, 9, 0, tzinfo=zoneinfo.ZoneInfo(rotation.time_zone))
    assert handoff.astimezone(berlin).hour == 18


def test_oncall_business_hours_stay_pacific_shown_in_the_viewer_zone(rotation, settings):
    settings.FLEETOPS_TIME_ZONE = "Asia/Kolkata"  # moves no handbook rule
    html = _viewer("Europe/Berlin").get("/oncall/").content.decode()
    opens = r'<time datetime="2026-12-01T18:00:00\+01:00"[^>]*>18:00</time>'
    closes = r'<time datetime="2026-12-02T02:00:00\+01:00"[^>]*>02:00</time>'
    assert re.search(
        rf"Available 9:00\N{{EN DASH}}17:00 Pacific \({opens}\N{{EN DASH}}{closes} your time\)",
        html,
    )
