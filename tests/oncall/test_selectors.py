from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from oncall.capacity.selectors import capacity_board
from oncall.community.selectors import (
    community_issues_stale,
    community_pull_requests_quiet,
    community_waiting,
)
from oncall.models import TimeOff
from oncall.schedule.selectors import oncall_person_now, oncall_shift_current, schedule_load
from tests.factories import HolidayFactory, PersonFactory, SprintFactory
from tests.oncall.conftest import la
from tests.oncall.factories import (
    OverrideFactory,
    TimeOffFactory,
    mirror_comment,
    mirror_issue,
    rotation_with,
)

pytestmark = pytest.mark.django_db


# -- who is on call ---------------------------------------------------------------------------


def test_oncall_person_now_follows_the_rotation(team):
    assert oncall_person_now(at=la(2026, 1, 6, 12)) == team.alice
    assert oncall_person_now(at=la(2026, 1, 12, 8, 59)) == team.alice
    assert oncall_person_now(at=la(2026, 1, 12, 9, 0)) == team.bob
    assert oncall_person_now(at=la(2026, 1, 20, 3, 0)) == team.carol


def test_oncall_person_now_is_none_without_an_active_rotation(db):
    assert oncall_person_now(at=la(2026, 1, 6, 12)) is None
    assert oncall_shift_current(at=la(2026, 1, 6, 12)) is None
    person = PersonFactory()
    rotation = rotation_with(person, starts_on=dt.date(2026, 1, 5))
    rotation.active = False
    rotation.save()
    assert oncall_person_now(at=la(2026, 1, 6, 12)) is None


def test_oncall_person_now_applies_an_override(team):
    OverrideFactory(
        rotation=team.rotation,
        person=team.carol,
        starts_at=la(2026, 1, 7, 9),
        ends_at=la(2026, 1, 8, 9),
    )
    assert oncall_person_now(at=la(2026, 1, 7, 12)) == team.carol
    assert oncall_person_now(at=la(2026, 1, 8, 9)) == team.alice


def test_oncall_person_now_ignores_a_cancelled_override(team):
    OverrideFactory(
        rotation=team.rotation,
        person=team.carol,
        starts_at=la(2026, 1, 7, 9),
        ends_at=la(2026, 1, 8, 9),
        cancelled_at=la(2026, 1, 6, 9),
    )
    assert oncall_person_now(at=la(2026, 1, 7, 12)) == team.alice


def test_oncall_person_now_is_nobody_while_the_person_is_away(team):
    TimeOffFactory(person=team.alice, starts_on=dt.date(2026, 1, 7), ends_on=dt.date(2026, 1, 7))
    assert oncall_person_now(at=la(2026, 1, 7, 12)) is None
    shift = oncall_shift_current(at=la(2026, 1, 7, 12))
    assert shift.kind == "gap"
    assert shift.gap_reason == "time off"
    assert shift.next_person == team.alice
    assert shift.next_starts_at == la(2026, 1, 8, 0)


def test_oncall_shift_current_says_since_until_and_next(team):
    shift = oncall_shift_current(at=la(2026, 1, 6, 12))
    assert shift.rotation == "Developer on-call"
    assert shift.person == team.alice
    assert shift.starts_at == la(2026, 1, 5, 9)
    assert shift.ends_at == la(2026, 1, 12, 9)
    assert shift.next_person == team.bob
    assert shift.kind == "rotation"


def test_oncall_shift_current_ends_where_an_override_begins(team):
    OverrideFactory(
        rotation=team.rotation,
        person=team.carol,
        starts_at=la(2026, 1, 7, 9),
        ends_at=la(2026, 1, 8, 9),
    )
    shift = oncall_shift_current(at=la(2026, 1, 6, 12))
    assert (shift.person, shift.ends_at, shift.next_person) == (
        team.alice,
        la(2026, 1, 7, 9),
        team.carol,
    )


def test_oncall_person_now_returns_a_whole_person(team):
    person = oncall_person_now(at=la(2026, 1, 6, 12))
    assert (person.github_login, person.time_zone, person.user_id) == (
        "alice",
        "America/Los_Angeles",
        team.alice.user_id,
    )


@pytest.mark.parametrize("extra", [0, 25])
def test_oncall_shift_current_takes_two_queries_whatever_the_data(team, extra):
    for n in range(extra):
        OverrideFactory(
            rotation=team.rotation,
            person=team.bob,
            starts_at=la(2026, 1, 6, 9) + dt.timedelta(hours=n),
            ends_at=la(2026, 1, 6, 10) + dt.timedelta(hours=n),
        )
        TimeOffFactory(
            person=PersonFactory(), starts_on=dt.date(2026, 1, 8), ends_on=dt.date(2026, 1, 9)
        )
    with CaptureQueriesContext(connection) as queries:
        oncall_shift_current(at=la(2026, 1, 7, 12))
    assert len(queries) == 2


def test_schedule_load_reads_time_off_dates_back_unchanged(team):
    # The second query is a UNION with overrides: dates travel as datetimes and come back.
    TimeOffFactory(person=team.bob, starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2026, 1, 31))
    OverrideFactory(
        rotation=team.rotation,
        person=team.carol,
        starts_at=la(2026, 1, 7, 9),
        ends_at=la(2026, 1, 8, 9),
    )
    data = schedule_load(start=la(2026, 1, 5), end=la(2026, 2, 1))
    assert [(t.starts_on, t.ends_on, t.source) for t in data.time_off] == [
        (dt.date(2026, 1, 1), dt.date(2026, 1, 31), "manual")
    ]
    assert [(o.plan.person_id, o.plan.starts_at) for o in data.overrides] == [
        (team.carol.pk, la(2026, 1, 7, 9))
    ]


# -- capacity ---------------------------------------------------------------------------------


def _capacity_example(team):
    """Sprint 1: Mon Jan 5 - Sun Jan 25, 2026; MLK Day (Jan 19) off: 14 working days.

    MDM's engineers are Alice, Bob and Carol (Erin is its EM, Quinn its QA lead): 42
    engineer-days. On call: Alice Jan 5-9 (5 days), Bob Jan 12-16 (5), Carol from Jan 19
    9:00: the holiday, then Jan 20-23 (4) = 14. Away: Bob Jan 21-23 (3, entered twice over
    by a calendar import: still 3), Alice Fri Jan 16 (1) = 4. Available 42 - 14 - 4 = 24,
    57.1% of full; 102 points * 24/42 = 58.3 -> 58; half of it for bugs: 29.
    """
    HolidayFactory(date=dt.date(2026, 1, 19), name="Martin Luther King Jr. Day")
    SprintFactory(number=1, starts_on=dt.date(2026, 1, 5), ends_on=dt.date(2026, 1, 25))
    SprintFactory(number=2, starts_on=dt.date(2026, 1, 26), ends_on=dt.date(2026, 2, 15))
    TimeOffFactory(person=team.bob, starts_on=dt.date(2026, 1, 21), ends_on=dt.date(2026, 1, 23))
    TimeOffFactory(
        person=team.bob,
        starts_on=dt.date(2026, 1, 22),
        ends_on=dt.date(2026, 1, 22),
        source=TimeOff.Source.ICS,
    )
    TimeOffFactory(person=team.alice, starts_on=dt.date(2026, 1, 16), ends_on=dt.date(2026, 1, 16))


def test_capacity_board_hand_worked_example(team, monkeypatch):
    monkeypatch.setattr("kpis.selectors.kpi_bug_goal_exceeded", lambda: True)
    _capacity_example(team)
    board = capacity_board(today=dt.date(2026, 1, 7))
    sprint = board.sprints[0]
    assert (sprint.sprint.number, sprint.label) == (1, "current")
    [mdm] = [row for row in sprint.groups if row.group.name == "MDM"]
    assert mdm.as_json() == {
        "group": "MDM",
        "engineers": 3,
        "working_days": 14,
        "oncall_days": 14,
        "time_off_days": 4,
        "available_days": 24,
        "percent": 57.1,
        "points": 58,
        "bug_points": 29,
    }
    assert [(s.person.name, s.days) for s in mdm.oncall] == [
        ("Alice Adams", 5),
        ("Bob Brown", 5),
        ("Carol Chen", 4),
    ]


def test_capacity_board_marks_the_sprint_that_loses_most_to_oncall(team, monkeypatch):
    monkeypatch.setattr("kpis.selectors.kpi_bug_goal_exceeded", lambda: True)
    _capacity_example(team)
    board = capacity_board(today=dt.date(2026, 1, 7))
    assert [(s.sprint.number, s.oncall_days, s.loses_most) for s in board.sprints] == [
        (1, 14, False),
        (2, 15, True),  # Jan 26 - Feb 13: three full weeks on call, no holiday
    ]


@pytest.mark.parametrize(("flag", "bug_points"), [(True, 29), (False, 0), (None, None)])
def test_capacity_bug_points_follow_the_weekly_kpis(team, monkeypatch, flag, bug_points):
    monkeypatch.setattr("kpis.selectors.kpi_bug_goal_exceeded", lambda: flag)
    _capacity_example(team)
    board = capacity_board(today=dt.date(2026, 1, 7))
    assert board.bug_rule is flag
    assert board.sprints[0].groups[0].as_json()["bug_points"] == bug_points


def test_capacity_override_moves_oncall_days_between_engineers(team, monkeypatch):
    monkeypatch.setattr("kpis.selectors.kpi_bug_goal_exceeded", lambda: None)
    SprintFactory(number=1, starts_on=dt.date(2026, 1, 5), ends_on=dt.date(2026, 1, 25))
    # Bob covers Alice's Wednesday 13:00 to Thursday 13:00: half of each day moves to him.
    OverrideFactory(
        rotation=team.rotation,
        person=team.bob,
        starts_at=la(2026, 1, 7, 13),
        ends_at=la(2026, 1, 8, 13),
    )
    row = capacity_board(today=dt.date(2026, 1, 7)).sprints[0].groups[0]
    days = {}
    for stint in row.oncall:
        days[stint.person.name] = days.get(stint.person.name, 0) + stint.days
    assert days == {"Alice Adams": 4, "Bob Brown": 6, "Carol Chen": 5}
    assert row.as_json()["oncall_days"] == 15


# -- community items --------------------------------------------------------------------------


def test_community_waiting_lists_unanswered_community_items_oldest_first(db):
    friday = mirror_issue(title="How do I enroll?", created_at=la(2026, 11, 20, 16, 30))
    monday = mirror_issue(title="Crash", created_at=la(2026, 11, 23, 9, 0), is_pull_request=True)
    mirror_issue(author_association="MEMBER", created_at=la(2026, 11, 19, 9))
    mirror_issue(
        created_at=la(2026, 11, 19, 9),
        first_member_response_at=la(2026, 11, 19, 10),
        first_member_response_by="alice",
    )
    mirror_issue(author_is_bot=True, author_login="dependabot[bot]", created_at=la(2026, 11, 19, 9))
    mirror_issue(state="closed", created_at=la(2026, 11, 19, 9))
    items, total = community_waiting(now=la(2026, 11, 23, 11, 0), holidays={})
    assert [(i.issue.pk, i.age_text, i.overdue) for i in items] == [
        (friday.pk, "2 h 30 min", True),  # 30 min Friday, 2 h Monday
        (monday.pk, "2 h", True),
    ]
    assert total == 2
    items, _ = community_waiting(now=la(2026, 11, 23, 9, 30), holidays={})
    assert [(i.age_text, i.overdue) for i in items] == [("1 h", False), ("30 min", False)]


def test_community_pull_requests_quiet_for_more_than_a_business_day(db):
    now = la(2026, 11, 23, 11, 0)  # a Monday
    quiet = mirror_issue(is_pull_request=True, created_at=la(2026, 11, 16, 10))
    mirror_comment(quiet, at=la(2026, 11, 19, 10), login="alice")  # Thursday: 7 + 8 + 2 h ago
    mirror_comment(quiet, at=la(2026, 11, 20, 10), login="outsider", association="NONE")
    answered = mirror_issue(is_pull_request=True, created_at=la(2026, 11, 16, 10))
    mirror_comment(answered, at=la(2026, 11, 23, 9), login="bob")
    mirror_issue(is_pull_request=True, draft=True, created_at=la(2026, 11, 2, 10))
    mirror_issue(is_pull_request=True, created_at=la(2026, 11, 20, 16))  # 3 business hours
    items = community_pull_requests_quiet(now=now, holidays={})
    assert [(i.issue.pk, i.since, i.age_text) for i in items] == [
        (quiet.pk, la(2026, 11, 19, 10), "2 business days 1 h")
    ]


def test_community_issues_stale_after_a_week_without_the_authors_reply(db):
    now = la(2026, 11, 26, 12)
    stale = mirror_issue(title="stale", created_at=la(2026, 11, 1))
    mirror_comment(stale, at=la(2026, 11, 18, 11), login="alice")
    replied = mirror_issue(title="replied", created_at=la(2026, 11, 1))
    mirror_comment(replied, at=la(2026, 11, 18, 11), login="alice")
    mirror_comment(replied, at=la(2026, 11, 24, 11), login="outsider", association="NONE")
    recent = mirror_issue(title="recent", created_at=la(2026, 11, 1))
    mirror_comment(recent, at=la(2026, 11, 20, 11), login="alice")
    botted = mirror_issue(title="bot after", created_at=la(2026, 11, 1))
    mirror_comment(botted, at=la(2026, 11, 10, 11), login="bob", association="OWNER")
    mirror_comment(
        botted, at=la(2026, 11, 25, 11), login="stale[bot]", association="NONE", bot=True
    )
    pull = mirror_issue(title="a PR", is_pull_request=True, created_at=la(2026, 11, 1))
    mirror_comment(pull, at=la(2026, 11, 10, 11), login="alice")
    members_own = mirror_issue(
        title="member's", author_association="MEMBER", created_at=la(2026, 11, 1)
    )
    mirror_comment(members_own, at=la(2026, 11, 10, 11), login="alice")
    silent = mirror_issue(title="never answered", created_at=la(2026, 11, 1))
    found = community_issues_stale(now=now)
    assert [(s.issue.title, s.asked_by, s.asked_at) for s in found] == [
        ("bot after", "bob", la(2026, 11, 10, 11)),
        ("stale", "alice", la(2026, 11, 18, 11)),
    ]
    assert silent.pk not in {s.issue.pk for s in found}
