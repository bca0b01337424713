"""Capacity after on-call and time off, and the bug share, without a database."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from oncall.capacity.rules import (
    available_days,
    bug_points,
    capacity_percent,
    capacity_points,
    display_number,
    oncall_days,
    round_half_up,
    time_off_range_errors,
    working_days_away,
)

SPRINT_FIRST = dt.date(2026, 1, 5)  # a Monday
SPRINT_LAST = dt.date(2026, 1, 23)  # the third Friday: 15 working days

points = st.integers(min_value=0, max_value=10_000)


def test_a_group_of_four_loses_a_week_of_oncall_and_two_days_away():
    engineer_days = 4 * 15
    left = available_days(engineer_days=engineer_days, oncall_days=5, time_off_days=2)
    assert left == 53
    assert capacity_percent(available_days=left, engineer_days=engineer_days) == 88.3
    assert capacity_points(nominal=102, available_days=left, engineer_days=engineer_days) == 90


def test_bug_share_is_half_while_bugs_are_old_and_none_otherwise():
    assert bug_points(points=90, over_bug_goal=True) == 45
    assert bug_points(points=91, over_bug_goal=True) == 46  # half up, as people round
    assert bug_points(points=90, over_bug_goal=False) == 0
    assert bug_points(points=90, over_bug_goal=None) is None  # no KPIs recorded yet


@given(points)
def test_bug_share_is_half_the_points_rounded_up(total):
    share = bug_points(points=total, over_bug_goal=True)
    assert 0 <= share <= total
    assert share * 2 in (total, total + 1)


@given(
    nominal=points,
    engineer_days=st.integers(min_value=1, max_value=500),
    taken=st.floats(min_value=0, max_value=1_000, allow_nan=False),
)
def test_capacity_points_never_exceed_the_nominal_capacity(nominal, engineer_days, taken):
    left = available_days(engineer_days=engineer_days, oncall_days=taken, time_off_days=0)
    assert 0 <= left <= engineer_days
    result = capacity_points(nominal=nominal, available_days=left, engineer_days=engineer_days)
    assert 0 <= result <= nominal
    assert 0 <= capacity_percent(available_days=left, engineer_days=engineer_days) <= 100


@given(nominal=points, engineer_days=st.integers(min_value=1, max_value=500))
def test_nothing_taken_leaves_the_nominal_capacity(nominal, engineer_days):
    left = available_days(engineer_days=engineer_days, oncall_days=0, time_off_days=0)
    assert capacity_points(nominal=nominal, available_days=left, engineer_days=engineer_days) == (
        nominal
    )


def test_a_group_without_engineers_has_no_capacity():
    assert capacity_points(nominal=102, available_days=0, engineer_days=0) == 0
    assert capacity_percent(available_days=0, engineer_days=0) == 0


def test_oncall_days_are_business_hours_over_eight():
    assert oncall_days(8 * 3600) == 1
    assert oncall_days(4 * 3600) == 0.5


@given(st.floats(min_value=0, max_value=1e6, allow_nan=False))
def test_display_number_is_whole_or_one_decimal(value):
    shown = display_number(value)
    assert isinstance(shown, int) or round(shown, 1) == shown
    assert abs(shown - value) <= 0.05 + 1e-9


def test_round_half_up_rounds_halves_up():
    assert [round_half_up(v) for v in (0.5, 1.5, 2.5, 2.49)] == [1, 2, 3, 2]


def test_time_off_counts_working_days_in_the_sprint_once():
    added, total = working_days_away(
        [
            (dt.date(2026, 1, 1), dt.date(2026, 1, 6)),  # starts before the sprint: Mon, Tue
            (dt.date(2026, 1, 6), dt.date(2026, 1, 12)),  # Tue again, then Wed-Fri and Mon
            (dt.date(2026, 2, 2), dt.date(2026, 2, 6)),  # after the sprint
        ],
        first=SPRINT_FIRST,
        last=SPRINT_LAST,
        holidays={dt.date(2026, 1, 19)},
    )
    assert added == [2, 4, None]
    assert total == 6


def test_a_holiday_away_is_not_a_day_lost():
    _, total = working_days_away(
        [(dt.date(2026, 1, 19), dt.date(2026, 1, 19))],
        first=SPRINT_FIRST,
        last=SPRINT_LAST,
        holidays={dt.date(2026, 1, 19)},
    )
    assert total == 0


day_in_2026 = st.dates(min_value=dt.date(2025, 12, 1), max_value=dt.date(2026, 2, 28))
day_range = st.tuples(day_in_2026, st.integers(min_value=0, max_value=30)).map(
    lambda pair: (pair[0], pair[0] + dt.timedelta(days=pair[1]))
)


@given(st.lists(day_range, max_size=6), st.sets(day_in_2026, max_size=5))
def test_time_off_adds_up_and_never_exceeds_the_sprint(ranges, holidays):
    added, total = working_days_away(
        ranges, first=SPRINT_FIRST, last=SPRINT_LAST, holidays=holidays
    )
    assert len(added) == len(ranges)
    assert sum(n for n in added if n is not None) == total
    assert 0 <= total <= 15
    for (starts_on, ends_on), n in zip(ranges, added, strict=True):
        assert (n is None) == (ends_on < SPRINT_FIRST or starts_on > SPRINT_LAST)


# -- the dates time off may be entered for ----------------------------------------------------


def test_time_off_range_errors_keep_time_off_to_dates_someone_can_mean():
    today = dt.date(2026, 12, 1)
    assert time_off_range_errors(dt.date(2026, 12, 7), dt.date(2026, 12, 11), today=today) == {}
    assert time_off_range_errors(dt.date(2025, 12, 1), dt.date(2025, 12, 1), today=today) == {}
    assert time_off_range_errors(dt.date(2027, 12, 2), dt.date(2027, 12, 2), today=today) == {}
    assert time_off_range_errors(dt.date(2027, 1, 1), dt.date(2027, 7, 2), today=today) == {}
    assert set(time_off_range_errors(dt.date(2019, 1, 1), dt.date(2019, 1, 2), today=today)) == {
        "starts_on"
    }
    assert "pick Dec 1, 2025 or later" in time_off_range_errors(
        dt.date(2025, 11, 30), dt.date(2025, 12, 1), today=today
    ).get("starts_on", "")
    assert set(time_off_range_errors(dt.date(2027, 12, 3), dt.date(2027, 12, 3), today=today)) == {
        "starts_on"
    }
    assert "pick Jul 2, 2027 or earlier" in time_off_range_errors(
        dt.date(2027, 1, 1), dt.date(2027, 7, 3), today=today
    ).get("ends_on", "")
    assert set(time_off_range_errors(dt.date(2027, 1, 2), dt.date(2027, 1, 1), today=today)) == {
        "ends_on"
    }
