from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        "/admin/oncall/timeoff/?person__name=%00",
        "/releases/dependencies/status/?release=%00",
        "/kpis/?group=a%00b",
    ],
)
def test_a_nul_in_the_query_string_is_400(admin_client, url):
    response = admin_client.get(url)
    assert response.status_code == 400
    assert "NUL" in response.content.decode()


def test_a_nul_in_a_form_field_is_400(admin_client):
    response = admin_client.post("/oncall/time-off/", {"note": "a\x00b"})
    assert response.status_code == 400
