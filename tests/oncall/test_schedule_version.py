"""Who is on call now, kept per schedule version and stretch of time (ADR 0024).

The header asks on every page. The answer is kept while the schedule version (changed by
database triggers on every write to what it reads, whoever writes) and the stretch of time
it was computed for both still hold; these tests write the schedule every way the product
and an operator can and check that the next answer is the fresh one.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fleetops.org.models import Person
from oncall.models import Override, Rotation, RotationMember, TimeOff
from oncall.schedule import current
from oncall.schedule.current import schedule_version
from oncall.schedule.selectors import _shift_computed, oncall_shift_current
from tests.oncall.conftest import la
from tests.oncall.factories import OverrideFactory, TimeOffFactory

pytestmark = pytest.mark.django_db(transaction=False)

MONDAY_NOON = la(2026, 1, 6, 12)  # Alice's shift: Monday 5 9:00 to Monday 12 9:00 Pacific


@pytest.fixture
def clock(monkeypatch):
    """Set "now" for the kept answer; starts on Tuesday of Alice's week."""
    now = {"at": MONDAY_NOON}
    monkeypatch.setattr(timezone, "now", lambda: now["at"])
    current.forget()
    yield now
    current.forget()


def _fresh():
    return oncall_shift_current(at=timezone.now())


WRITES = {
    "a person renamed by update()": lambda t: Person.objects.filter(pk=t.alice.pk).update(
        name="Alice Renamed"
    ),
    "a person made inactive": lambda t: Person.objects.filter(pk=t.alice.pk).update(active=False),
    "an override created": lambda t: OverrideFactory(
        rotation=t.rotation, person=t.carol, starts_at=la(2026, 1, 6, 9), ends_at=la(2026, 1, 7)
    ),
    "an override bulk-created": lambda t: Override.objects.bulk_create(
        [
            Override(
                rotation=t.rotation,
                person=t.bob,
                starts_at=la(2026, 1, 6, 11),
                ends_at=la(2026, 1, 6, 13),
            )
        ]
    ),
    "time off": lambda t: TimeOffFactory(
        person=t.alice, starts_on=dt.date(2026, 1, 6), ends_on=dt.date(2026, 1, 6)
    ),
    "members reordered": lambda t: RotationMember.objects.filter(person=t.alice).update(
        position=99
    ),
    "a member removed": lambda t: RotationMember.objects.filter(person=t.alice).delete(),
    "the rotation paused": lambda t: Rotation.objects.update(active=False),
    "the handoff moved": lambda t: Rotation.objects.update(handoff_time=dt.time(11, 0)),
}


@pytest.mark.parametrize("write", list(WRITES), ids=list(WRITES))
def test_any_write_to_the_schedule_is_seen_by_the_next_answer(team, clock, write):
    before = oncall_shift_current()
    assert before.person == team.alice
    version = schedule_version()
    WRITES[write](team)
    assert schedule_version() != version
    assert oncall_shift_current() == _fresh()


def test_a_cancelled_override_is_seen_at_once(team, clock):
    override = OverrideFactory(
        rotation=team.rotation, person=team.carol, starts_at=la(2026, 1, 6), ends_at=la(2026, 1, 7)
    )
    assert oncall_shift_current().person == team.carol
    Override.objects.filter(pk=override.pk).update(cancelled_at=timezone.now())
    assert oncall_shift_current().person == team.alice


def test_the_kept_answer_costs_one_query_until_something_changes(team, clock):
    oncall_shift_current()
    with CaptureQueriesContext(connection) as queries:
        assert oncall_shift_current().person == team.alice
    assert len(queries) == 1
    TimeOff.objects.create(
        person=team.dana, starts_on=dt.date(2026, 2, 1), ends_on=dt.date(2026, 2, 1)
    )
    with CaptureQueriesContext(connection) as queries:
        oncall_shift_current()
    assert len(queries) == 3  # the version, then the schedule's two


def test_time_crossing_a_handoff_or_an_override_changes_the_answer(team, clock):
    OverrideFactory(
        rotation=team.rotation,
        person=team.carol,
        starts_at=la(2026, 1, 7, 9),
        ends_at=la(2026, 1, 8, 9),
    )
    assert oncall_shift_current().person == team.alice
    clock["at"] = la(2026, 1, 7, 9)
    assert oncall_shift_current().person == team.carol
    clock["at"] = la(2026, 1, 8, 9)
    assert oncall_shift_current().person == team.alice
    clock["at"] = la(2026, 1, 12, 9)
    assert oncall_shift_current().person == team.bob
    clock["at"] = la(2026, 1, 6, 12)  # a clock set back (tests, a corrected host clock)
    assert oncall_shift_current().person == team.alice


def test_without_the_version_row_every_answer_is_computed(team, clock):
    from oncall.models import ScheduleVersion

    ScheduleVersion.objects.all().delete()
    assert schedule_version() is None
    with CaptureQueriesContext(connection) as queries:
        oncall_shift_current()
        oncall_shift_current()
    assert len(queries) == 6


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    offset=st.integers(min_value=0, max_value=21 * 24 * 60),
    overrides=st.lists(
        st.tuples(st.integers(0, 21 * 24), st.integers(1, 72), st.sampled_from(["bob", "carol"])),
        max_size=4,
    ),
    away=st.lists(st.integers(0, 20), max_size=2),
)
def test_the_answer_holds_across_its_whole_stretch(team, offset, overrides, away):
    """Any moment of the stretch an answer was kept for gets the answer computed for it."""
    Override.objects.all().delete()
    TimeOff.objects.all().delete()
    start = la(2026, 1, 5, 9)
    for hour, hours, who in overrides:
        OverrideFactory(
            rotation=team.rotation,
            person=getattr(team, who),
            starts_at=start + dt.timedelta(hours=hour),
            ends_at=start + dt.timedelta(hours=hour + hours),
        )
    for day in away:
        TimeOffFactory(person=team.alice, starts_on=dt.date(2026, 1, 5) + dt.timedelta(days=day))
    at = start + dt.timedelta(minutes=offset)
    shift, since, until = _shift_computed(at)
    assert since <= at < until
    for moment in (since, until - dt.timedelta(microseconds=1), since + (until - since) / 2):
        assert oncall_shift_current(at=moment) == shift
