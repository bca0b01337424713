"""Shift arithmetic without a database: hand-worked handoffs, DST, year ends, layers."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from oncall.schedule.rules import (
    GAP_BEFORE_START,
    GAP_NO_MEMBERS,
    GAP_TIME_OFF,
    OverridePlan,
    RotationPlan,
    person_runs,
    segments_between,
    shifts_between,
    time_off_intervals,
)

LA = zoneinfo.ZoneInfo("America/Los_Angeles")
ALICE, BOB, CAROL = 1, 2, 3


def la(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=LA)


def plan(**fields) -> RotationPlan:
    values = {
        "id": 7,
        "name": "Developer on-call",
        "zone": LA,
        "starts_on": dt.date(2026, 1, 5),  # a Monday
        "handoff_time": dt.time(9, 0),
        "shift_weeks": 1,
        "member_ids": (ALICE, BOB, CAROL),
    }
    return RotationPlan(**(values | fields))


def override(id_: int, person: int, start: dt.datetime, end: dt.datetime, **fields) -> OverridePlan:
    created = fields.pop("created_at", la(2026, 1, 1) + dt.timedelta(minutes=id_))
    return OverridePlan(id_, 7, person, start, end, created, **fields)


def who(rotation: RotationPlan, at: dt.datetime, **kwargs) -> int | None:
    segments = segments_between(rotation, at, at + dt.timedelta(seconds=1), **kwargs)
    return segments[0].person_id


def test_rotation_shifts_go_round_in_order():
    rotation = plan()
    assert who(rotation, la(2026, 1, 5, 9, 0)) == ALICE
    assert who(rotation, la(2026, 1, 12, 8, 59)) == ALICE
    assert who(rotation, la(2026, 1, 12, 9, 0)) == BOB
    assert who(rotation, la(2026, 1, 19, 9, 0)) == CAROL
    assert who(rotation, la(2026, 1, 26, 9, 0)) == ALICE


def test_rotation_before_its_first_handoff_is_a_gap():
    segments = segments_between(plan(), la(2026, 1, 4, 12), la(2026, 1, 5, 12))
    assert [(s.person_id, s.gap_reason) for s in segments] == [
        (None, GAP_BEFORE_START),
        (ALICE, ""),
    ]
    assert segments[0].ends_at == la(2026, 1, 5, 9, 0)


def test_rotation_without_members_is_a_gap():
    segments = segments_between(plan(member_ids=()), la(2026, 2, 3), la(2026, 2, 4))
    assert [(s.person_id, s.gap_reason) for s in segments] == [(None, GAP_NO_MEMBERS)]


def test_shift_across_spring_forward_hands_off_at_nine_local_and_lasts_167_hours():
    rotation = plan()
    # DST starts Sunday March 8, 2026: the shift from Monday March 2 is an hour short.
    shifts = shifts_between(rotation, la(2026, 3, 4), la(2026, 3, 5))
    (index, start, end) = shifts[0]
    assert start == la(2026, 3, 2, 9, 0)
    assert start.astimezone(dt.UTC).hour == 17  # 9:00 PST
    assert end.astimezone(LA).time() == dt.time(9, 0)
    assert end.astimezone(dt.UTC).hour == 16  # 9:00 PDT
    assert end - start == dt.timedelta(hours=167)
    assert rotation.shift_index_at(la(2026, 3, 9, 8, 59)) == index
    assert rotation.shift_index_at(la(2026, 3, 9, 9, 0)) == index + 1


def test_shift_across_fall_back_lasts_169_hours():
    rotation = plan()
    (_, start, end) = shifts_between(rotation, la(2026, 10, 28), la(2026, 10, 29))[0]
    assert start == la(2026, 10, 26, 9, 0)
    assert end == la(2026, 11, 2, 9, 0)
    assert end - start == dt.timedelta(hours=169)


def test_rotation_across_year_end_keeps_its_weekday_and_order():
    rotation = plan(starts_on=dt.date(2026, 12, 21), member_ids=(ALICE, BOB))
    assert who(rotation, la(2026, 12, 31, 23, 59)) == BOB  # shift of Dec 28
    assert who(rotation, la(2027, 1, 1, 0, 0)) == BOB
    assert who(rotation, la(2027, 1, 4, 9, 0)) == ALICE
    starts = [s for _, s, _ in shifts_between(rotation, la(2026, 12, 21), la(2027, 1, 12))]
    assert [s.date() for s in starts] == [
        dt.date(2026, 12, 21),
        dt.date(2026, 12, 28),
        dt.date(2027, 1, 4),
        dt.date(2027, 1, 11),
    ]
    assert {s.weekday() for s in starts} == {0}


def test_two_week_shifts_across_year_end():
    rotation = plan(starts_on=dt.date(2026, 12, 14), shift_weeks=2, member_ids=(ALICE, BOB))
    assert who(rotation, la(2026, 12, 27, 12)) == ALICE
    assert who(rotation, la(2026, 12, 28, 9, 0)) == BOB
    assert who(rotation, la(2027, 1, 10, 12)) == BOB
    assert who(rotation, la(2027, 1, 11, 9, 0)) == ALICE


def test_handoff_at_a_time_that_does_not_exist_stays_in_order():
    # 2:30 does not exist on March 8, 2026 in Los Angeles; shifts still follow each other.
    rotation = plan(starts_on=dt.date(2026, 3, 1), handoff_time=dt.time(2, 30))  # Sundays
    shifts = shifts_between(rotation, la(2026, 3, 1, 3), la(2026, 3, 20))
    starts = [start for _, start, _ in shifts]
    assert starts == sorted(starts)
    assert all(end > start for _, start, end in shifts)


def test_override_covers_its_range_and_hands_back():
    rotation = plan()
    cover = override(1, CAROL, la(2026, 1, 7, 9), la(2026, 1, 8, 9))
    segments = segments_between(rotation, la(2026, 1, 5, 9), la(2026, 1, 12, 9), overrides=[cover])
    assert [(s.person_id, s.kind, s.starts_at.astimezone(LA)) for s in segments] == [
        (ALICE, "rotation", la(2026, 1, 5, 9)),
        (CAROL, "override", la(2026, 1, 7, 9)),
        (ALICE, "rotation", la(2026, 1, 8, 9)),
    ]
    assert segments[1].rotation_person_id == ALICE


def test_newer_override_wins_where_two_overlap():
    rotation = plan()
    older = override(1, BOB, la(2026, 1, 6, 9), la(2026, 1, 8, 9))
    newer = override(2, CAROL, la(2026, 1, 7, 9), la(2026, 1, 9, 9))
    assert who(rotation, la(2026, 1, 6, 12), overrides=[older, newer]) == BOB
    assert who(rotation, la(2026, 1, 7, 12), overrides=[older, newer]) == CAROL
    assert who(rotation, la(2026, 1, 8, 12), overrides=[older, newer]) == CAROL


def test_override_wins_over_a_swap_made_later():
    rotation = plan()
    cover = override(1, CAROL, la(2026, 1, 7, 9), la(2026, 1, 8, 9))
    # Alice and Bob trade weeks afterwards; Carol still covers Wednesday.
    swap = [
        override(2, BOB, la(2026, 1, 5, 9), la(2026, 1, 12, 9), swap_id=1),
        override(3, ALICE, la(2026, 1, 12, 9), la(2026, 1, 19, 9), swap_id=1),
    ]
    overrides = [cover, *swap]
    assert who(rotation, la(2026, 1, 6, 12), overrides=overrides) == BOB
    assert who(rotation, la(2026, 1, 7, 12), overrides=overrides) == CAROL
    assert who(rotation, la(2026, 1, 13, 12), overrides=overrides) == ALICE
    segment = segments_between(rotation, la(2026, 1, 6), la(2026, 1, 6, 1), overrides=overrides)[0]
    assert segment.kind == "swap"


def test_overrides_of_another_rotation_are_ignored():
    other = OverridePlan(9, 99, CAROL, la(2026, 1, 6), la(2026, 1, 7), la(2026, 1, 1))
    assert who(plan(), la(2026, 1, 6, 12), overrides=[other]) == ALICE


def test_time_off_of_the_person_on_call_leaves_a_gap():
    rotation = plan()
    away = {ALICE: time_off_intervals([(dt.date(2026, 1, 7), dt.date(2026, 1, 7))], zone=LA)}
    segments = segments_between(rotation, la(2026, 1, 6, 12), la(2026, 1, 9), time_off=away)
    assert [(s.person_id, s.scheduled_id, s.gap_reason) for s in segments] == [
        (ALICE, ALICE, ""),
        (None, ALICE, GAP_TIME_OFF),
        (ALICE, ALICE, ""),
    ]
    assert segments[1].starts_at == la(2026, 1, 7, 0)
    assert segments[1].ends_at == la(2026, 1, 8, 0)


def test_override_covers_time_off():
    rotation = plan()
    away = {ALICE: time_off_intervals([(dt.date(2026, 1, 7), dt.date(2026, 1, 7))], zone=LA)}
    cover = override(1, BOB, la(2026, 1, 7, 0), la(2026, 1, 8, 0))
    assert who(rotation, la(2026, 1, 7, 12), overrides=[cover], time_off=away) == BOB


def test_time_off_intervals_merge_adjacent_days():
    intervals = time_off_intervals(
        [(dt.date(2026, 1, 7), dt.date(2026, 1, 8)), (dt.date(2026, 1, 9), dt.date(2026, 1, 9))],
        zone=LA,
    )
    assert intervals == [(la(2026, 1, 7).astimezone(dt.UTC), la(2026, 1, 10).astimezone(dt.UTC))]


def test_person_runs_join_a_person_across_shifts():
    rotation = plan(member_ids=(ALICE,))
    runs = person_runs(segments_between(rotation, la(2026, 1, 6), la(2026, 1, 27)))
    assert runs == [(ALICE, la(2026, 1, 6), la(2026, 1, 27))]
