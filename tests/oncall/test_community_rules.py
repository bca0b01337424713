"""Business hours, the community SLAs and the stale-issue rule, without a database."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from oncall.community.rules import (
    BUSINESS_HOUR_SECONDS,
    FIRST_RESPONSE_SLA,
    FOLLOW_UP_SLA,
    business_deadline,
    business_seconds_between,
    clock_stopped_reason,
    sla_overdue,
    stale_cutoff,
    stale_dedupe_prefix,
)
from tests.oncall.conftest import LA, la

NO_HOLIDAYS: dict[dt.date, str] = {}
# Hypothesis takes naive bounds and attaches the zone itself.
moments = st.datetimes(
    min_value=dt.datetime(2024, 1, 1),  # noqa: DTZ001
    max_value=dt.datetime(2027, 12, 31),  # noqa: DTZ001
    timezones=st.just(LA),
)


def test_first_response_sla_is_one_business_hour_and_follow_up_one_business_day():
    assert FIRST_RESPONSE_SLA == BUSINESS_HOUR_SECONDS
    assert FOLLOW_UP_SLA == 8 * BUSINESS_HOUR_SECONDS


def test_an_item_is_overdue_only_past_its_sla():
    assert not sla_overdue(FIRST_RESPONSE_SLA, FIRST_RESPONSE_SLA)
    assert sla_overdue(FIRST_RESPONSE_SLA + 1, FIRST_RESPONSE_SLA)


def test_clock_stops_on_weekends_holidays_and_outside_nine_to_five():
    assert clock_stopped_reason(la(2026, 1, 10, 12), holidays=NO_HOLIDAYS) == "it is the weekend"
    assert clock_stopped_reason(la(2026, 1, 1, 12), holidays={dt.date(2026, 1, 1): "New Year"}) == (
        "today is a holiday (New Year)"
    )
    assert "outside business hours" in clock_stopped_reason(
        la(2026, 1, 12, 17), holidays=NO_HOLIDAYS
    )
    assert clock_stopped_reason(la(2026, 1, 12, 9), holidays=NO_HOLIDAYS) == ""


@given(moments)
def test_clock_runs_exactly_when_a_business_second_passes(moment):
    running = clock_stopped_reason(moment, holidays=NO_HOLIDAYS) == ""
    later = moment + dt.timedelta(seconds=1)
    assert running == (business_seconds_between(moment, later, holidays=NO_HOLIDAYS) == 1)


@given(moments, st.integers(min_value=1, max_value=5 * FOLLOW_UP_SLA))
def test_the_deadline_is_when_the_sla_has_passed_in_business_time(start, seconds):
    due = business_deadline(start, seconds, holidays=NO_HOLIDAYS, zone=LA)
    assert business_seconds_between(start, due, holidays=NO_HOLIDAYS, zone=LA) == seconds
    assert clock_stopped_reason(due.astimezone(LA), holidays=NO_HOLIDAYS) in (
        "",
        "it is outside business hours (9:00-17:00 Pacific)",  # due at 17:00 sharp
    )


def test_a_question_unanswered_for_a_week_makes_the_issue_stale():
    now = la(2026, 1, 19, 10)
    assert stale_cutoff(now) == la(2026, 1, 12, 10)
    assert la(2026, 1, 12, 10) <= stale_cutoff(now)
    assert not la(2026, 1, 12, 11) <= stale_cutoff(now)


@given(moments, st.integers(min_value=1, max_value=10**6))
def test_stale_dedupe_key_names_the_issue_and_the_question_in_any_zone(asked_at, number):
    prefix = stale_dedupe_prefix(number, asked_at)
    assert prefix == stale_dedupe_prefix(number, asked_at.astimezone(dt.UTC))
    assert prefix.startswith(f"oncall:stale:{number}:")
    assert prefix != stale_dedupe_prefix(number + 1, asked_at)
