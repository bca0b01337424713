"""Every page and JSON endpoint, fed the extremes of every query parameter: never a 500.

The parameters are the ones the views read (and a few they do not); the values are what
broke pages before: superscript digits that pass `str.isdigit`, numbers past 32 and 64
bits, dates of year 1 and 9999, NUL characters, non-ASCII text, and very long strings.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fleetops.org.models import process_today
from tests.endpoints import endpoints
from tests.factories import SprintFactory
from tests.releases.factories import ReleaseFactory

PARAMS = [
    "weeks",
    "group",
    "start",
    "end",
    "sprint",
    "run",
    "after",
    "queued_at",
    "release",
    "dates",
    "file",
    "dri",
    "page",
]
VALUES = (
    "",
    "0",
    "-1",
    "¹",
    "٣",
    "2147483648",
    "9" * 40,
    "1e309",
    "NaN",
    "0001-01-01",
    "9999-12-31",
    "9999-12-31T23:59",
    "2026-02-30",
    "\x00",
    "a\x00b",
    "é",
    "💥" * 10,
    "x" * 5000,
    "all",
    "'; DROP TABLE x; --",
)
EXTREMES = st.sampled_from(VALUES)
QUERIES = st.dictionaries(st.sampled_from(PARAMS), EXTREMES | st.text(max_size=20), max_size=4)


@pytest.fixture
def signed_in(team) -> Client:
    """Erin (an EM), with a release in QA and the current sprint, so every endpoint exists."""
    today = process_today()
    SprintFactory(starts_on=today, ends_on=today + dt.timedelta(days=20))
    ReleaseFactory(dri=team.erin)
    client = Client(raise_request_exception=False)
    client.force_login(team.erin.user)
    return client


@pytest.mark.django_db
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_no_query_string_makes_a_page_fail(signed_in, data):
    for endpoint in endpoints():
        query = data.draw(QUERIES, label=endpoint.name)
        url = endpoint.url + ("&" if "?" in endpoint.url else "?") + urlencode(query)
        headers = {"HX-Request": "true"} if endpoint.htmx else {}
        response = signed_in.get(url, headers=headers)
        assert response.status_code < 500, (endpoint.name, query, response.status_code)


@pytest.mark.django_db
@pytest.mark.parametrize("value", VALUES, ids=range(len(VALUES)))
def test_every_parameter_at_an_extreme_makes_no_page_fail(signed_in, value):
    query = urlencode(dict.fromkeys(PARAMS, value))
    for endpoint in endpoints():
        url = endpoint.url + ("&" if "?" in endpoint.url else "?") + query
        headers = {"HX-Request": "true"} if endpoint.htmx else {}
        response = signed_in.get(url, headers=headers)
        assert response.status_code < 500, (endpoint.name, value, response.status_code)
