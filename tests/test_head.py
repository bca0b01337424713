"""HEAD answers wherever GET does (health checks and calendar clients send HEAD)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from fleetops.org.models import process_today
from tests.endpoints import endpoints
from tests.factories import SprintFactory
from tests.releases.factories import ReleaseFactory


@pytest.mark.django_db
def test_head_answers_like_get_on_every_page(team):
    today = process_today()
    SprintFactory(starts_on=today, ends_on=today + dt.timedelta(days=20))
    ReleaseFactory(dri=team.erin)
    client = Client()
    client.force_login(team.erin.user)
    for endpoint in endpoints():
        headers = {"HX-Request": "true"} if endpoint.htmx else {}
        get = client.get(endpoint.url, headers=headers)
        head = client.head(endpoint.url, headers=headers)
        assert head.status_code == get.status_code, (endpoint.name, head.status_code)
        assert head.content == b"", endpoint.name


@pytest.mark.django_db
def test_head_on_health_without_a_session(client):
    assert client.head("/healthz").status_code == 200


@pytest.mark.django_db
def test_head_never_acts(team, fake_github, settings):
    """HEAD is safe (no CSRF check): on a page that also takes POST it only shows."""
    from fleetops.github.models import GitHubWrite

    settings.FLEETOPS_GITHUB_WRITE = False
    release = ReleaseFactory(dri=team.erin)
    client = Client()
    client.force_login(team.erin.user)
    for name in ("releases:cut", "releases:conclude", "releases:dogfood"):
        response = client.head(reverse(name, args=[release.version]))
        assert response.status_code == 200, (name, response.status_code)
    assert not GitHubWrite.objects.exists()
    assert not release.__class__.objects.filter(pk=release.pk, candidate__isnull=False).exists()
