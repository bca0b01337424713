"""The overview's on-call sections: an engineer's next shift, an EM's capacity and who is
on call."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from fleetops.core.mywork import LATER, NOW, SOON
from oncall.mywork import LAST, day_phrase, oncall_sections, oncall_work
from tests.factories import SprintFactory
from tests.oncall.conftest import la
from tests.oncall.factories import OverrideFactory, TimeOffFactory, rotation_with

pytestmark = pytest.mark.django_db


def _keys(work) -> list[tuple[str, int]]:
    return [(s.key, s.urgency) for s in oncall_sections(work)]


def test_engineer_sees_their_next_shift(team):
    # Tuesday Jan 6: Alice is on call; Bob's shift is Mon Jan 12, 9:00 to Mon Jan 19, 9:00.
    work = oncall_work(person=team.bob, at=la(2026, 1, 6, 12))
    assert work.in_rotation
    assert not work.on_call_now
    assert work.next_shift.rotation == "Developer on-call"
    assert work.next_shift.starts_at == la(2026, 1, 12, 9)
    assert work.next_shift.ends_at == la(2026, 1, 19, 9)
    assert work.starts_when == "next week"
    assert work.shift.person == team.alice  # who is on call now
    assert _keys(work) == [("shift", SOON)]


def test_a_shift_further_than_a_week_is_for_later(team):
    work = oncall_work(person=team.carol, at=la(2026, 1, 6, 12))
    assert work.next_shift.starts_at == la(2026, 1, 19, 9)
    assert work.shift_urgency == LATER


def test_engineer_on_call_now_comes_first_with_the_end_of_the_shift(team):
    work = oncall_work(person=team.alice, at=la(2026, 1, 6, 12))
    assert work.on_call_now
    assert work.next_shift.ends_at == la(2026, 1, 12, 9)
    assert work.following.starts_at == la(2026, 1, 26, 9)  # three people, weekly
    assert work.shift_urgency == NOW


def test_time_off_and_overrides_move_the_next_shift(team):
    # Bob is away on his shift's first two days; Carol covers an afternoon of Alice's.
    TimeOffFactory(person=team.bob, starts_on=dt.date(2026, 1, 12), ends_on=dt.date(2026, 1, 13))
    OverrideFactory(
        rotation=team.rotation,
        person=team.carol,
        starts_at=la(2026, 1, 8, 13),
        ends_at=la(2026, 1, 8, 17),
    )
    bob = oncall_work(person=team.bob, at=la(2026, 1, 6, 12))
    assert bob.next_shift.starts_at == la(2026, 1, 14, 0)
    carol = oncall_work(person=team.carol, at=la(2026, 1, 6, 12))
    assert carol.next_shift.starts_at == la(2026, 1, 8, 13)
    assert carol.next_shift.ends_at == la(2026, 1, 8, 17)
    assert carol.shift_urgency == SOON


def test_someone_in_no_rotation_is_told_so_last(team):
    work = oncall_work(person=team.dana, at=la(2026, 1, 6, 12))
    assert not work.in_rotation
    assert work.next_shift is None
    assert _keys(work) == [("shift", LAST)]


def test_an_override_alone_gives_a_shift(team):
    OverrideFactory(
        rotation=team.rotation,
        person=team.dana,
        starts_at=la(2026, 1, 9, 9),
        ends_at=la(2026, 1, 10, 9),
    )
    work = oncall_work(person=team.dana, at=la(2026, 1, 6, 12))
    assert work.in_rotation
    assert work.next_shift.starts_at == la(2026, 1, 9, 9)


def test_a_signed_in_user_without_a_person_still_learns_who_is_on_call(team):
    work = oncall_work(person=None, at=la(2026, 1, 6, 12))
    assert work.shift.person == team.alice
    assert _keys(work) == [("shift", LAST)]


def test_em_sees_their_group_capacity_this_sprint_and_who_is_on_call(team):
    SprintFactory(number=1, starts_on=dt.date(2026, 1, 5), ends_on=dt.date(2026, 1, 25))
    TimeOffFactory(person=team.carol, starts_on=dt.date(2026, 1, 7), ends_on=dt.date(2026, 1, 7))
    work = oncall_work(person=team.erin, at=la(2026, 1, 6, 12))
    assert work.is_em
    assert work.sprint.sprint.number == 1
    [mdm] = work.groups
    assert mdm.group == team.group
    assert [s.person for s in mdm.oncall] == [team.alice, team.bob, team.carol]
    assert mdm.time_off_days == 1
    assert mdm.points < team.group.sprint_capacity
    assert work.shift.person == team.alice
    assert ("capacity", LATER) in _keys(work)


def test_em_outside_any_sprint_gets_the_capacity_section_without_numbers(team):
    work = oncall_work(person=team.erin, at=la(2026, 1, 6, 12))
    assert work.is_em
    assert work.sprint is None
    assert work.groups == []


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_overview_shows_an_engineer_their_next_shift(team):
    now = timezone.now()
    rotation_with(team.dana, name="Infra on-call", starts_on=now.date() - dt.timedelta(days=1))
    html = _client(team.dana.user).get("/").content.decode()
    assert 'id="mywork-shift"' in html
    assert "You are on call now" in html
    assert "Infra on-call" in html
    assert "<time datetime=" in html


def test_overview_tells_someone_in_no_rotation(team):
    html = _client(team.quinn.user).get("/").content.decode()
    assert "You are not in a rotation." in html


def test_overview_shows_an_em_their_capacity_and_who_is_on_call(team):
    today = timezone.localdate()
    SprintFactory(
        number=7, starts_on=today - dt.timedelta(days=3), ends_on=today + dt.timedelta(days=17)
    )
    html = _client(team.erin.user).get("/").content.decode()
    assert 'id="mywork-capacity"' in html
    assert "Your group this sprint: capacity and on-call" in html
    assert 'href="/oncall/capacity/7/"' in html
    assert "On call now:" in html


@pytest.mark.parametrize(
    ("day", "phrase"),
    [
        (dt.date(2026, 12, 1), "today"),  # a Tuesday
        (dt.date(2026, 12, 2), "tomorrow"),
        (dt.date(2026, 12, 6), "this week"),  # Sunday
        (dt.date(2026, 12, 7), "next week"),  # Monday
        (dt.date(2026, 12, 13), "next week"),
        (dt.date(2026, 12, 14), ""),
        (dt.date(2026, 11, 30), ""),
    ],
)
def test_day_phrase_says_when_a_shift_starts(day, phrase):
    assert day_phrase(day, dt.date(2026, 12, 1)) == phrase


def test_day_phrase_on_a_sunday_calls_monday_next_week():
    assert day_phrase(dt.date(2026, 12, 7), dt.date(2026, 12, 6)) == "tomorrow"
    assert day_phrase(dt.date(2026, 12, 8), dt.date(2026, 12, 6)) == "next week"
