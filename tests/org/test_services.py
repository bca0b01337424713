from __future__ import annotations

import datetime as dt

import pytest

from fleetops.org.models import Holiday, Sprint
from fleetops.org.services import holiday_import, sprint_calendar_extend
from fleetops.org.tasks import sprint_calendar_extend_task


@pytest.mark.django_db
def test_sprint_calendar_extend_starts_an_empty_calendar_and_continues_it():
    created = sprint_calendar_extend(through=dt.date(2026, 3, 1), first_start=dt.date(2026, 1, 5))
    assert [(s.number, s.starts_on, s.ends_on) for s in created] == [
        (1, dt.date(2026, 1, 5), dt.date(2026, 1, 25)),
        (2, dt.date(2026, 1, 26), dt.date(2026, 2, 15)),
        (3, dt.date(2026, 2, 16), dt.date(2026, 3, 8)),
    ]
    assert sprint_calendar_extend(through=dt.date(2026, 3, 1)) == []  # twice: nothing new
    more = sprint_calendar_extend(through=dt.date(2026, 3, 9))
    assert [s.number for s in more] == [4]
    assert Sprint.objects.count() == 4


@pytest.mark.django_db
def test_sprint_calendar_extend_empty_calendar_needs_a_start():
    with pytest.raises(ValueError, match="first sprint's start date"):
        sprint_calendar_extend(through=dt.date(2026, 3, 1))


@pytest.mark.django_db
def test_sprint_calendar_extend_task_without_sprints_says_what_to_do():
    assert "add the first sprint" in sprint_calendar_extend_task()


@pytest.mark.django_db
def test_holiday_import_adds_us_holidays_once():
    added = holiday_import(years=[2026])
    assert added >= 10
    assert Holiday.objects.get(date=dt.date(2026, 7, 4)).name.startswith("Independence Day")
    assert holiday_import(years=[2026]) == 0
