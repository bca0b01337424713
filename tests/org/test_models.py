from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from fleetops.org.models import Person, Sprint, validate_github_login, validate_time_zone
from tests.factories import PersonFactory, SprintFactory


def _sprint(start: dt.date) -> Sprint:
    return Sprint(number=1, starts_on=start, ends_on=start + dt.timedelta(days=20))


def test_sprint_last_friday_is_on_or_before_its_last_day():
    assert _sprint(dt.date(2026, 11, 23)).last_friday == dt.date(2026, 12, 11)  # ends Sun Dec 13
    friday_end = Sprint(number=1, starts_on=dt.date(2026, 11, 23), ends_on=dt.date(2026, 12, 11))
    assert friday_end.last_friday == dt.date(2026, 12, 11)


def test_sprint_rc_cut_is_8am_pacific_in_standard_and_daylight_time(settings):
    settings.FLEETOPS_TIME_ZONE = "America/Los_Angeles"
    winter = _sprint(dt.date(2026, 11, 23)).rc_cut_at  # PST, UTC-8
    assert winter == dt.datetime(2026, 12, 11, 16, 0, tzinfo=dt.UTC)
    summer = _sprint(dt.date(2026, 6, 1)).rc_cut_at  # ends Jun 21; last Friday Jun 19, PDT
    assert summer == dt.datetime(2026, 6, 19, 15, 0, tzinfo=dt.UTC)


def test_sprint_days_left_and_progress():
    sprint = _sprint(dt.date(2026, 11, 23))
    assert sprint.days_left(dt.date(2026, 11, 23)) == 21
    assert sprint.days_left(dt.date(2026, 12, 13)) == 1
    assert sprint.days_left(dt.date(2026, 12, 20)) == 0
    assert sprint.progress_percent(dt.date(2026, 11, 23)) == 0
    assert sprint.progress_percent(dt.date(2027, 1, 1)) == 100


@pytest.mark.django_db
def test_sprint_overlap_is_rejected_with_the_sprint_it_overlaps():
    SprintFactory(number=7, starts_on=dt.date(2026, 11, 23), ends_on=dt.date(2026, 12, 13))
    clash = Sprint(number=8, starts_on=dt.date(2026, 12, 7), ends_on=dt.date(2026, 12, 27))
    with pytest.raises(ValidationError, match="Overlaps Sprint 7"):
        clash.full_clean()


@pytest.mark.django_db
def test_sprint_must_end_after_it_starts():
    with pytest.raises(IntegrityError):
        Sprint.objects.create(number=1, starts_on=dt.date(2026, 1, 5), ends_on=dt.date(2026, 1, 5))


@pytest.mark.parametrize("value", ["lukeheath", "a", "dependabot", "a-b-c", "x" * 39])
def test_github_login_valid(value):
    validate_github_login(value)


@pytest.mark.parametrize(
    "value", ["", "-lead", "trail-", "dou--ble", "x" * 40, "has space", "@luke"]
)
def test_github_login_invalid_says_what_a_login_is(value):
    with pytest.raises(ValidationError, match="is not a GitHub login"):
        validate_github_login(value)


def test_time_zone_validator():
    validate_time_zone("Europe/Berlin")
    with pytest.raises(ValidationError, match="not an IANA time zone"):
        validate_time_zone("Pacific Time")


@pytest.mark.django_db
def test_person_github_login_is_unique_ignoring_case():
    PersonFactory(github_login="LukeHeath")
    with pytest.raises(IntegrityError):
        PersonFactory(github_login="lukeheath")


@pytest.mark.django_db
def test_person_active_queryset():
    PersonFactory(active=True)
    PersonFactory(active=False)
    assert Person.objects.active().count() == 1
