from __future__ import annotations

import re

import pytest
from django.utils import timezone


@pytest.mark.django_db
def test_login_required_htmx_request_gets_hx_redirect_to_login(client, hx):
    response = client.get("/releases/", headers=hx)
    assert response.status_code == 204
    assert response["HX-Redirect"] == "/accounts/login/?next=%2Freleases%2F"
    assert not response.content  # nothing for htmx to swap into a card


@pytest.mark.django_db
def test_login_required_plain_request_redirects_with_next(client):
    response = client.get("/oncall/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/oncall/"


@pytest.mark.django_db
def test_viewer_timezone_is_the_persons(auth_client, person):
    person.time_zone = "Asia/Kolkata"
    person.save()
    response = auth_client.get("/")
    assert response.status_code == 200
    assert "times in Asia/Kolkata" in response.content.decode()
    assert timezone.get_current_timezone_name() != "Asia/Kolkata"  # not leaked past the request


@pytest.mark.django_db
def test_viewer_without_person_sees_process_timezone(client, staff_user, settings):
    client.force_login(staff_user)
    assert f"times in {settings.FLEETOPS_TIME_ZONE}" in client.get("/").content.decode()


@pytest.mark.django_db
def test_pages_send_a_strict_content_security_policy(auth_client):
    response = auth_client.get("/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    html = response.content.decode()
    scripts = re.findall(r"<script\b[^>]*>", html)
    assert scripts, "the page loads htmx and app.js"
    assert all(" src=" in tag for tag in scripts), scripts
    assert not re.search(r"<[^>]+\son[a-z]+\s*=", html), "no on*= handler attributes"
