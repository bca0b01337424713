"""ISO weeks in the process time zone, and the definitions' coverage by the charts."""

from __future__ import annotations

import datetime as dt

import pytest

from kpis.rules import COMPANY_CHARTS, GROUP_CHARTS, GROUP_KEYS, METRIC_KEYS
from kpis.weeks import InvalidWeek, IsoWeek

UTC = dt.UTC


@pytest.mark.parametrize(
    ("name", "start", "hours"),
    [
        ("2026-W46", dt.datetime(2026, 11, 9, 8, tzinfo=UTC), 168),
        ("2026-W10", dt.datetime(2026, 3, 2, 8, tzinfo=UTC), 167),  # DST starts Sun Mar 8
        ("2026-W44", dt.datetime(2026, 10, 26, 7, tzinfo=UTC), 169),  # DST ends Sun Nov 1
        ("2026-W53", dt.datetime(2026, 12, 28, 8, tzinfo=UTC), 168),  # 2026 has 53 weeks
        ("2027-W01", dt.datetime(2027, 1, 4, 8, tzinfo=UTC), 168),
    ],
)
def test_iso_week_edges_in_the_process_zone(pacific, name, start, hours):
    week = IsoWeek.parse(name)

    assert week.name == name
    assert week.starts_at() == start
    assert week.ends_at() - week.starts_at() == dt.timedelta(hours=hours)
    assert week.next().starts_at() == week.ends_at()


def test_iso_week_edges_follow_fleetops_time_zone(settings):
    settings.FLEETOPS_TIME_ZONE = "Europe/Berlin"
    assert IsoWeek.parse("2026-W46").starts_at() == dt.datetime(2026, 11, 8, 23, tzinfo=UTC)


def test_iso_week_containing_uses_local_time(pacific):
    # Monday 2026-11-16 07:59 UTC is still Sunday 23:59 in Los Angeles: W46.
    assert IsoWeek.containing(dt.datetime(2026, 11, 16, 7, 59, tzinfo=UTC)).name == "2026-W46"
    assert IsoWeek.containing(dt.datetime(2026, 11, 16, 8, 0, tzinfo=UTC)).name == "2026-W47"
    assert IsoWeek.last_complete(dt.datetime(2026, 11, 16, 8, 0, tzinfo=UTC)).name == "2026-W46"


def test_iso_week_previous_crosses_years():
    assert IsoWeek.parse("2027-W01").previous().name == "2026-W53"
    assert IsoWeek.parse("2026-W02").previous(3).name == "2025-W51"


def test_iso_week_21_days_before_end_is_three_local_weeks(pacific):
    week = IsoWeek.parse("2026-W46")  # the window crosses the end of DST (Nov 1)
    assert week.days_before_end(21) == dt.datetime(2026, 10, 26, 7, tzinfo=UTC)
    assert week.ends_at() - week.days_before_end(21) == dt.timedelta(days=21, hours=1)


@pytest.mark.parametrize("name", ["2026-46", "2026-W4", "W46", "2026-w46", "", "2025-W53"])
def test_iso_week_parse_refuses_what_is_not_a_week(name):
    with pytest.raises(InvalidWeek):
        IsoWeek.parse(name)


def test_every_kpi_has_a_chart():
    assert {key for chart in COMPANY_CHARTS for key in chart.keys} == set(METRIC_KEYS)
    assert {key for chart in GROUP_CHARTS for key in chart.keys} == set(GROUP_KEYS)
