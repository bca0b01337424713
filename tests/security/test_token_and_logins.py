"""The GitHub token stays out of pages, logs and errors; failed sign-ins are throttled."""

from __future__ import annotations

import logging

import pytest
from django.core.cache import cache

from fleetops.github.client import GitHubClient, GitHubPermanentError
from fleetops.github.models import SyncRun
from fleetops.github.sync import repository_sync
from tests.factories import PASSWORD, PersonFactory

TOKEN = "ghp_" + "S3cr3tT0k3n" * 3

pytestmark = pytest.mark.django_db


def test_github_token_never_in_error_log_or_page(fake_github, settings, caplog, client, staff_user):
    settings.GITHUB_TOKEN = TOKEN
    caplog.set_level(logging.DEBUG)
    fake_github.fail_next(1, status=401, message="Bad credentials")
    with pytest.raises(GitHubPermanentError) as caught:
        repository_sync(client=GitHubClient())
    assert fake_github.auth_headers[0] == f"token {TOKEN}"  # it was sent to GitHub, and only there
    assert TOKEN not in str(caught.value)
    assert TOKEN not in SyncRun.objects.get().error
    assert TOKEN not in caplog.text
    client.force_login(staff_user)
    for url in ("/github/", "/", "/healthz"):
        assert TOKEN not in client.get(url).content.decode()


def test_failed_sign_ins_are_throttled(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "3/m/ip,3/5m/key"}
    cache.clear()
    PersonFactory(user__username="qa-lead")
    pages = [
        client.post("/accounts/login/", {"login": "qa-lead", "password": "wrong"}).content.decode()
        for _ in range(5)
    ]
    assert all("Too many failed login attempts" not in page for page in pages[:3])
    assert "Too many failed login attempts" in pages[4]
    # Even the right password is refused until the window passes.
    right = client.post("/accounts/login/", {"login": "qa-lead", "password": PASSWORD})
    assert right.status_code == 200
    assert "Too many failed login attempts" in right.content.decode()
    cache.clear()
