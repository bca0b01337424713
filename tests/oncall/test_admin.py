from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from oncall.models import Rotation
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "model", ["rotation", "override", "swap", "timeoff", "oncallhandoff", "oncallprofile"]
)
def test_admin_lists_open_for_staff(team, model):
    client = Client()
    client.force_login(UserFactory(username="admin", is_staff=True, is_superuser=True))
    assert client.get(f"/admin/oncall/{model}/").status_code == 200


def test_admin_refuses_a_first_handoff_on_another_weekday(team):
    client = Client()
    client.force_login(UserFactory(username="admin", is_staff=True, is_superuser=True))
    response = client.post(
        "/admin/oncall/rotation/add/",
        {
            "name": "Infra on-call",
            "active": "on",
            "time_zone": "America/Los_Angeles",
            "shift_weeks": 1,
            "handoff_weekday": 0,
            "handoff_time": "09:00",
            "starts_on": "2026-01-06",  # a Tuesday
            "created_at_0": "2026-01-01",
            "created_at_1": "00:00",
            "members-TOTAL_FORMS": 0,
            "members-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 200
    assert "Tuesday Jan 6, 2026 is not a Monday, the handoff weekday." in response.content.decode()
    assert not Rotation.objects.filter(name="Infra on-call").exists()
    assert dt.date(2026, 1, 6).weekday() == 1
