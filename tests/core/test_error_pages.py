"""403, 404 and 500 answer inside the page frame; the 500 page needs no database."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client, override_settings
from django.urls import path
from django.views.defaults import server_error

from fleetops.urls import urlpatterns as real_urlpatterns


def _refuse(request):
    raise PermissionDenied("Only MDM's QA lead, the release DRI or staff can change its sign-off.")


def _boom(request):
    raise RuntimeError("unexpected")


urlpatterns = [path("test/refuse/", _refuse), path("test/boom/", _boom), *real_urlpatterns]


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=__name__, DEBUG=False)
def test_403_shows_the_reason_in_the_frame(auth_client):
    response = auth_client.get("/test/refuse/")
    html = response.content.decode()
    assert response.status_code == 403
    assert "QA lead, the release DRI or staff can change its sign-off" in html
    assert 'class="topbar"' in html
    assert "Back to the overview" in html


@pytest.mark.django_db
@override_settings(DEBUG=False)
def test_404_is_in_the_frame(auth_client):
    response = auth_client.get("/releases/no-such-thing/at/all/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "Not found" in html
    assert 'class="topbar"' in html
    assert "/releases/no-such-thing/at/all/" in html


@override_settings(ROOT_URLCONF=__name__, DEBUG=False)
def test_500_is_in_the_frame_without_the_database(rf):
    # No django_db mark: any query would fail the test.
    response = server_error(rf.get("/test/boom/"))
    html = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong" in html
    assert 'class="topbar"' in html


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=__name__, DEBUG=False)
def test_an_unexpected_error_answers_the_500_page(user):
    client = Client(raise_request_exception=False)
    client.force_login(user)
    response = client.get("/test/boom/")
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()
