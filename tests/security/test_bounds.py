"""One odd row must not take the site down, and odd input is refused where it comes in.

The review's reproduction: a plain engineer entered time off until 9999-12-31 and every
page with the on-call header answered 500 for everyone; an override to the year 9999 could
not be cancelled; `?end=9999-12-31`, `record_kpis --week 9999-W52` and `--backfill 100000`
failed with tracebacks or wrote nonsense.
"""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from fleetops.core.bounds import EARLIEST, LATEST, clamp_date, parse_int
from kpis.models import KpiSnapshot
from oncall.models import OncallProfile, Override, TimeOff
from oncall.schedule.rules import time_off_intervals
from oncall.schedule.services import override_cancel
from tests.endpoints import endpoints
from tests.oncall.conftest import LA

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _every_page_answers(client: Client, extra: list[str] = ()) -> None:
    for endpoint in endpoints():
        headers = {"HX-Request": "true"} if endpoint.htmx else {}
        response = client.get(endpoint.url, headers=headers)
        assert response.status_code == 200, (endpoint.name, response.status_code)
    for url in extra:
        assert client.get(url).status_code == 200, url


def test_time_off_to_year_9999_is_refused_next_to_the_field(team):
    response = _client(team.alice.user).post(
        reverse("oncall:time-off-add"),
        {"person": team.alice.pk, "starts_on": "2026-12-14", "ends_on": "9999-12-31"},
    )
    assert response.status_code in (200, 400)
    assert "between 2000 and 2100" in response.content.decode()
    assert not TimeOff.objects.exists()


def test_ten_year_time_off_is_refused(team):
    response = _client(team.alice.user).post(
        reverse("oncall:time-off-add"),
        {"person": team.alice.pk, "starts_on": "2026-12-14", "ends_on": "2036-12-14"},
    )
    assert "183 days at most" in response.content.decode()
    assert not TimeOff.objects.exists()


def test_override_to_year_9999_is_refused(team):
    response = _client(team.erin.user).post(
        reverse("oncall:override-add"),
        {
            "rotation": team.rotation.pk,
            "person": team.bob.pk,
            "starts_at": "2026-12-14T09:00",
            "ends_at": "9999-12-31T23:00",
        },
    )
    assert "between 2000 and 2100" in response.content.decode()
    assert not Override.objects.exists()


def test_a_stored_time_off_to_year_9999_breaks_no_page(team, admin_client):
    TimeOff.objects.create(
        person=team.alice, starts_on=dt.date(2026, 12, 14), ends_on=dt.date(9999, 12, 31)
    )
    TimeOff.objects.create(
        person=team.bob, starts_on=dt.date(1, 1, 1), ends_on=dt.date(2026, 12, 1)
    )
    profile = OncallProfile.objects.create(person=team.alice)
    feeds = [
        reverse("oncall:feed-me", args=[profile.feed_token]),
        reverse("oncall:feed-rotation", args=[profile.feed_token, team.rotation.pk]),
    ]
    _every_page_answers(_client(team.alice.user), feeds)
    _every_page_answers(admin_client, [reverse("admin:oncall_timeoff_changelist")])


def test_the_admin_points_at_rows_outside_the_years(team, admin_client):
    TimeOff.objects.create(
        person=team.alice, starts_on=dt.date(2026, 12, 14), ends_on=dt.date(9999, 12, 31)
    )
    TimeOff.objects.create(
        person=team.bob, starts_on=dt.date(2026, 12, 14), ends_on=dt.date(2026, 12, 15)
    )
    client = admin_client
    listing = client.get(reverse("admin:oncall_timeoff_changelist"))
    assert "1 time off outside 2000 and 2100" in listing.content.decode()
    odd = client.get(reverse("admin:oncall_timeoff_changelist") + "?dates=out")
    assert list(odd.context["cl"].queryset) == [TimeOff.objects.get(person=team.alice)]


def test_a_stored_override_to_year_9999_breaks_no_page_and_can_be_cancelled(team):
    override = Override.objects.create(
        rotation=team.rotation,
        person=team.bob,
        starts_at=dt.datetime(2026, 12, 14, 9, tzinfo=LA),
        ends_at=dt.datetime(9999, 12, 31, 23, tzinfo=dt.UTC),
        created_by=team.erin.user,
    )
    _every_page_answers(_client(team.alice.user))
    cancelled = override_cancel(
        override_id=override.pk,
        actor=team.erin.user,
        now=dt.datetime(2026, 12, 1, 9, tzinfo=LA),
    )
    assert cancelled.cancelled_at is not None


@pytest.mark.parametrize(
    "query", ["?end=9999-12-31", "?start=0001-01-01", "?start=1999-12-31&end=2026-01-01"]
)
def test_oncall_period_outside_the_years_is_a_form_error(team, query):
    response = _client(team.alice.user).get(reverse("oncall:index") + query)
    assert response.status_code in (200, 400)
    assert "between 2000 and 2100" in response.content.decode()


@pytest.mark.parametrize("week", ["9999-W52", "0110-W01", "1999-W52"])
def test_record_kpis_week_outside_the_years_exits_2(week):
    with pytest.raises(CommandError) as raised:
        call_command("record_kpis", week=week, stdout=io.StringIO())
    assert raised.value.returncode == 2
    assert "between 2000 and 2100" in str(raised.value)
    assert not KpiSnapshot.objects.exists()


def test_record_kpis_backfill_of_100000_weeks_exits_2_and_writes_nothing():
    with pytest.raises(CommandError) as raised:
        call_command("record_kpis", backfill=100000, stdout=io.StringIO())
    assert raised.value.returncode == 2
    assert "520 weeks" in str(raised.value)
    assert not KpiSnapshot.objects.exists()


def test_a_stored_kpi_week_in_year_110_breaks_no_chart(auth_client):
    KpiSnapshot.objects.create(
        week="0110-W01",
        starts_at=dt.datetime(110, 1, 4, tzinfo=dt.UTC),
        ends_at=dt.datetime(110, 1, 11, tzinfo=dt.UTC),
        computed_at=dt.datetime(2026, 11, 30, tzinfo=dt.UTC),
        metrics={},
        groups={},
    )
    for query in ("", "?weeks=all", "?weeks=52"):
        assert auth_client.get(reverse("kpis:index") + query).status_code == 200
    assert auth_client.get(reverse("kpis:weekly-csv")).status_code == 200
    assert auth_client.get(reverse("kpis:weekly-json")).status_code == 200


@given(st.dates(), st.dates())
def test_time_off_intervals_never_overflow(first, last):
    first, last = min(first, last), max(first, last)
    [(start, end)] = time_off_intervals([(first, last)], zone=LA)
    assert start < end


@given(st.dates())
def test_clamp_date_stays_in_the_years(day):
    assert EARLIEST <= clamp_date(day) <= LATEST


@given(st.text(max_size=30))
def test_parse_int_takes_only_ascii_digits_in_range(raw):
    value = parse_int(raw, low=1, high=1000)
    if value is not None:
        assert 1 <= value <= 1000
        assert raw.strip().isascii()


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("12", 12), (" 7 ", 7), ("¹", None), ("٣", None), ("-1", None), ("2147483648", None)],
)
def test_parse_int_examples(raw, expected):
    assert parse_int(raw) == expected


@pytest.mark.parametrize("token", ["1.%C3%A9", "%C2%B9.abc", "99999999999999999999.x", "1."])
def test_feed_with_a_strange_token_is_404(client, team, token):
    OncallProfile.objects.create(person=team.alice)
    assert client.get(f"/oncall/feeds/{token}/me.ics").status_code == 404
