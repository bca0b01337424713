from __future__ import annotations

from unittest import mock

import pytest
from django.db import OperationalError, connections


@pytest.mark.django_db
def test_healthz_database_up_answers_200(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["database"]["ok"] is True
    assert body["database"]["detail"] == connections["default"].vendor
    assert "broker" in body
    assert response["Cache-Control"].startswith("max-age=0")


@pytest.mark.django_db
def test_healthz_database_unreachable_answers_503(client):
    refused = OperationalError(
        'connection to server at "127.0.0.1", port 5432 failed: Connection refused'
    )
    with mock.patch.object(connections["default"], "cursor", side_effect=refused):
        response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "down"
    assert body["database"]["ok"] is False
    assert "Connection refused" in body["database"]["detail"]


@pytest.mark.django_db
def test_healthz_broker_unreachable_is_degraded_not_down(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["broker"]["ok"] is False
    assert body["broker"]["detail"].startswith("unreachable")


@pytest.mark.django_db
def test_healthz_without_redis_reports_eager_mode(client, settings):
    settings.REDIS_URL = ""
    body = client.get("/healthz").json()
    assert body["broker"] == {"ok": True, "detail": "none: tasks run eagerly in-process"}


@pytest.mark.django_db
def test_pages_answer_503_while_the_database_is_down_and_recover(client):
    refused = OperationalError("connection to server at 127.0.0.1 failed: Connection refused")
    with mock.patch.object(connections["default"], "cursor", side_effect=refused):
        response = client.get("/accounts/login/")
    assert response.status_code == 503
    assert "The database is not answering" in response.content.decode()
    assert response["Retry-After"] == "30"
    assert client.get("/accounts/login/").status_code == 200  # back: no manual step
