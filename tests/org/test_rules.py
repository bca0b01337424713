"""Rules the handbook states in Pacific stay Pacific whatever FLEETOPS_TIME_ZONE says."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from fleetops.org.models import Sprint
from fleetops.org.rules import PACIFIC, rc_cut_at


def _sprint(start: dt.date) -> Sprint:
    return Sprint(number=1, starts_on=start, ends_on=start + dt.timedelta(days=20))


@pytest.mark.parametrize("zone", ["Europe/Berlin", "Asia/Kolkata", "UTC", "America/New_York"])
def test_rc_cut_stays_8am_los_angeles_whatever_fleetops_time_zone(settings, zone):
    settings.FLEETOPS_TIME_ZONE = zone
    winter = _sprint(dt.date(2026, 11, 23)).rc_cut_at
    assert winter == dt.datetime(2026, 12, 11, 16, 0, tzinfo=dt.UTC)  # 8:00 PST
    summer = _sprint(dt.date(2026, 6, 1)).rc_cut_at
    assert summer == dt.datetime(2026, 6, 19, 15, 0, tzinfo=dt.UTC)  # 8:00 PDT
    assert summer.astimezone(PACIFIC).time() == dt.time(8, 0)


def test_rc_cut_is_8am_pacific_when_berlin_and_los_angeles_disagree_on_summer_time():
    """March 20, 2026: Los Angeles is on PDT (since March 8), Berlin still on CET."""
    cut = rc_cut_at(dt.date(2026, 3, 20))
    assert cut == dt.datetime(2026, 3, 20, 15, 0, tzinfo=dt.UTC)
    assert timezone.localtime(cut, timezone.get_fixed_timezone(60)).hour == 16


def test_pacific_is_los_angeles():
    assert PACIFIC.key == "America/Los_Angeles"
