"""The overview's date and "today" are the viewer's; the RC cut stays 8:00 AM Pacific."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import timezone

from tests.factories import PersonFactory, SprintFactory
from tests.moments import moment_problems, time_elements

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 12, 1, 20, 0, tzinfo=dt.UTC)  # Tue in Los Angeles, Wed in Kolkata


@pytest.fixture
def calendar(db, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    SprintFactory(number=90, starts_on=dt.date(2026, 11, 23), ends_on=dt.date(2026, 12, 13))


def _page(zone: str) -> str:
    person = PersonFactory(time_zone=zone)
    client = Client()
    client.force_login(person.user)
    return client.get("/").content.decode()


def test_overview_date_is_the_viewer_date(calendar):
    kolkata = _page("Asia/Kolkata")
    assert '<time datetime="2026-12-02">Wednesday, December 2, 2026</time>' in kolkata
    assert ">Tuesday, December 1, 2026</time>" in _page("America/Los_Angeles")


@pytest.mark.parametrize("zone", ["Europe/Berlin", "Asia/Kolkata"])
def test_overview_rc_cut_is_8am_pacific_shown_in_the_viewer_zone(calendar, settings, zone):
    settings.FLEETOPS_TIME_ZONE = "Europe/Berlin"  # moves no handbook rule
    html = _page(zone)
    cut = dt.datetime(2026, 12, 11, 16, 0, tzinfo=dt.UTC)  # Friday 8:00 AM PST
    local = timezone.localtime(
        cut, timezone.get_fixed_timezone(60 if zone == "Europe/Berlin" else 330)
    )
    assert f'<p class="stat"><time datetime="{local.isoformat()}"' in html
    assert "8:00 AM Pacific" in html
    problems = [p for a, t in time_elements(html) for p in moment_problems(a, t, zone)]
    assert problems == []
    assert re.sub(r"<[^>]+>", " ", html).count(zone) == 1


def test_overview_and_header_name_the_same_sprint_at_the_viewer_midnight(db, monkeypatch):
    """Sunday 20:00 in Los Angeles is already Monday, the next sprint's first day, in Kolkata."""
    monkeypatch.setattr(timezone, "now", lambda: dt.datetime(2026, 12, 14, 4, 0, tzinfo=dt.UTC))
    SprintFactory(number=90, starts_on=dt.date(2026, 11, 23), ends_on=dt.date(2026, 12, 13))
    SprintFactory(number=91, starts_on=dt.date(2026, 12, 14), ends_on=dt.date(2027, 1, 3))
    kolkata = _page("Asia/Kolkata")
    assert '<p class="stat">Sprint 91</p>' in kolkata
    assert 'class="pill" title="Sprint 91' in kolkata
    los_angeles = _page("America/Los_Angeles")
    assert '<p class="stat">Sprint 90</p>' in los_angeles
    assert 'class="pill" title="Sprint 90' in los_angeles
