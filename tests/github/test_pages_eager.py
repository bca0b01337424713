"""Sync now with Celery run in-process (`make run`): the panel shows how the sync ended (never
"queued" beside it), and a GitHub that cannot be reached is one sentence, shown once."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from fleetops.github.models import Repository, SyncRun
from tests.eager import eager

pytestmark = pytest.mark.django_db
fixture_eager = eager
SENTENCE = "GitHub could not be reached: connection refused by 127.0.0.1:9"


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


def test_sync_now_in_process_shows_the_finished_sync(staff_client, fake_github, hx, eager):
    html = _text(staff_client.post("/github/sync/", headers=hx))
    run = SyncRun.objects.get()
    assert run.outcome == "ok"
    assert "Sync finished" in html
    assert "queued" not in html.lower()
    panel = re.search(r'<article[^>]*id="sync-panel"[^>]*>', html).group(0)
    assert "hx-get" not in panel
    assert 'id="sync-runs" hx-swap-oob="true"' in html  # the runs table follows


def test_sync_now_in_process_against_an_unreachable_github(staff_client, settings, hx, eager):
    settings.GITHUB_API_URL = "http://127.0.0.1:9"  # the discard port: nothing listens there
    answer = _text(staff_client.post("/github/sync/", headers=hx))
    run = SyncRun.objects.get()
    assert run.outcome == "error"
    assert run.error == SENTENCE  # stored as the sentence, not the exception's repr
    page = _text(staff_client.get("/github/"))
    for html in (answer, page):
        assert html.count(SENTENCE) == 1, html
        assert "Sync failed" in html
        assert "queued" not in html.lower()
        assert "HTTPConnectionPool" not in html
    assert "see above" in page


def test_sync_now_in_process_without_htmx_redirects_with_the_outcome(staff_client, settings, eager):
    settings.GITHUB_API_URL = "http://127.0.0.1:9"
    response = staff_client.post("/github/sync/", follow=True)
    html = _text(response)
    assert response.redirect_chain[-1][0] == "/github/"
    assert "Sync failed." in html
    assert html.count(SENTENCE) == 1


# -- with a worker: "queued" only while no run has started ------------------------------------


def _run(**fields) -> SyncRun:
    repository, _ = Repository.objects.get_or_create(full_name="fleetdm/fleet")
    defaults = {"started_at": timezone.now(), "finished_at": timezone.now(), "outcome": "ok"}
    return SyncRun.objects.create(repository=repository, **(defaults | fields))


def test_sync_status_shows_the_run_that_started_not_queued(staff_client, hx):
    before = _run()
    _run(outcome="error", error=SENTENCE)
    html = _text(
        staff_client.get(f"/github/sync/status/?after={before.pk}&queued_at=1", headers=hx)
    )
    assert "queued" not in html.lower()
    assert "Sync failed" in html
    assert html.count(SENTENCE) == 1


def test_sync_status_while_no_worker_took_it_says_so_with_the_time(staff_client, hx):
    before = _run(outcome="error", error=SENTENCE)
    url = f"/github/sync/status/?after={before.pk}"
    waiting = _text(staff_client.get(f"{url}&queued_at=9999999999", headers=hx))
    assert "Sync queued; waiting for a worker" in waiting
    assert SENTENCE not in waiting  # the old run's error is not shown beside "queued"
    assert 'hx-trigger="every 2s"' in waiting
    overdue = _text(
        staff_client.get(f"/github/sync/status/?after={before.pk}&queued_at=1", headers=hx)
    )
    assert "No worker has started the sync since it was queued" in overdue
    assert 'hx-trigger="every 10s"' in overdue
