"""Every state-changing form, fed the extremes in each field: a form error, never a 500.

The valid requests come from the permissions matrix (one per POST-accepting URL); each
field in turn gets an extreme value, posted by a role that may use the form.
"""

from __future__ import annotations

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.security.test_permissions_matrix import MATRIX, _url

EXTREMES = [
    "",
    "-1",
    "¹",
    "2147483648",
    "9" * 40,
    "9999-12-31",
    "0001-01-01",
    "9999-12-31T23:59",
    "2026-02-30",
    "é" * 300,
    "x" * 5000,
    "<script>alert(1)</script>",
]
WITH_FIELDS = sorted(name for name, entry in MATRIX.items() if entry.allowed)


def _poster(world, name: str) -> Client:
    entry = MATRIX[name]
    role = next(r for r in ("staff", "dri", "em", "qa", "engineer") if r in entry.allowed)
    client = Client(raise_request_exception=False)
    client.force_login(world.users[role])
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("name", WITH_FIELDS)
def test_each_field_at_an_extreme_is_refused_cleanly(
    world, name, django_capture_on_commit_callbacks
):
    data = MATRIX[name].data(world)
    client, url = _poster(world, name), _url(name, world)
    for field in data:
        for value in EXTREMES:
            with django_capture_on_commit_callbacks(execute=False):
                response = client.post(url, {**data, field: value})
            assert response.status_code < 500, (name, field, value[:20], response.status_code)


@pytest.mark.django_db
@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_any_text_in_any_field_is_refused_cleanly(world, data, django_capture_on_commit_callbacks):
    for name in WITH_FIELDS:
        valid = MATRIX[name].data(world)
        if not valid:
            continue
        field = data.draw(st.sampled_from(sorted(valid)), label=f"{name} field")
        value = data.draw(st.text(max_size=60).filter(lambda t: "\x00" not in t), label="value")
        with django_capture_on_commit_callbacks(execute=False):
            response = _poster(world, name).post(_url(name, world), {**valid, field: value})
        assert response.status_code < 500, (name, field, value, response.status_code)
