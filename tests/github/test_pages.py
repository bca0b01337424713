from __future__ import annotations

import pytest
from django.utils import timezone
from kombu.exceptions import OperationalError

from fleetops.github.boards.models import Board, BoardColumn, BoardItem
from fleetops.github.client import GitHubClient
from fleetops.github.models import Repository, SyncRun
from fleetops.github.selectors import mirror_counts
from fleetops.github.sync import repository_sync
from fleetops.github.tasks import repository_sync_task
from fleetops.github.upsert import issues_upsert, repository_get
from fleetops.org.models import Organization
from tests.factories import ProductGroupFactory
from tests.github.payloads import issue

pytestmark = pytest.mark.django_db


def _run(**fields) -> SyncRun:
    repository, _ = Repository.objects.get_or_create(full_name="fleetdm/fleet")
    defaults = {"started_at": timezone.now(), "finished_at": timezone.now(), "outcome": "ok"}
    return SyncRun.objects.create(repository=repository, **(defaults | fields))


def test_footer_shows_last_sync_on_every_page(auth_client):
    _run(outcome="error", error="GET /repos/fleetdm/fleet/issues answered 502")
    html = auth_client.get("/releases/").content.decode()
    assert 'GitHub mirror: <span class="sync-error">error</span>' in html


def test_footer_says_never_synced(auth_client):
    assert "GitHub mirror: never synced" in auth_client.get("/").content.decode()


def test_sync_page_lists_runs_and_counts(auth_client):
    _run(requests=412, created=40000)
    html = auth_client.get("/github/").content.decode()
    assert "412" in html
    assert "40,000" in html
    assert "pull requests" in html
    assert "Sync now" not in html  # staff only


def test_sync_now_refuses_non_staff(auth_client, monkeypatch):
    queued = []
    monkeypatch.setattr(repository_sync_task, "delay", lambda **kw: queued.append(kw))
    response = auth_client.post("/github/sync/")
    assert response.status_code == 403
    assert queued == []


def test_sync_now_queues_for_staff_and_polls(client, staff_user, monkeypatch, hx):
    queued = []
    monkeypatch.setattr(repository_sync_task, "delay", lambda **kw: queued.append(kw))
    client.force_login(staff_user)
    response = client.post("/github/sync/", headers=hx)
    assert response.status_code == 200
    assert queued == [{"full": False, "trigger": "button"}]
    html = response.content.decode()
    assert 'hx-trigger="every 2s"' in html
    assert "waiting for a worker" in html


def test_sync_now_says_when_the_queue_is_down(client, staff_user, monkeypatch, hx):
    def down(**kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(repository_sync_task, "delay", down)
    client.force_login(staff_user)
    response = client.post("/github/sync/", headers=hx)
    assert response.status_code == 200  # htmx swaps the message into the panel
    assert "task queue is unavailable" in response.content.decode()
    assert client.post("/github/sync/").status_code == 503


def test_sync_status_partial_stops_polling_when_done(auth_client, hx):
    _run(outcome="running", finished_at=None, step="issues")
    html = auth_client.get("/github/sync/status/", headers=hx).content.decode()
    assert 'hx-trigger="every 2s"' in html
    assert "issues" in html
    SyncRun.objects.update(outcome="ok", finished_at=timezone.now())
    html = auth_client.get("/github/sync/status/", headers=hx).content.decode()
    assert "every 2s" not in html
    assert "<html" not in html  # a partial, not the page


def test_sync_page_shows_each_board_with_its_columns(auth_client):
    Organization.objects.create(pk=1, github_login="fleetdm", drafting_board=67)
    ProductGroupFactory(slug="mdm", board_number=58)
    board = Board.objects.create(
        organization="fleetdm",
        number=58,
        node_id="PVT_1",
        title="MDM sprint",
        synced_at=timezone.now(),
    )
    ready = BoardColumn.objects.create(
        board=board, option_id="a1", name="✅ Ready for release", column="Ready for release"
    )
    BoardColumn.objects.create(board=board, option_id="a2", name="Closed", column="Closed")
    for n in range(3):
        BoardItem.objects.create(
            board=board,
            node_id=f"PVTI_{n}",
            content_type="issue",
            repository="fleetdm/fleet",
            number=n + 1,
            status=ready,
        )
    BoardItem.objects.create(
        board=board,
        node_id="PVTI_x",
        content_type="issue",
        repository="fleetdm/confidential",
        number=9,
        status=ready,
    )
    html = auth_client.get("/github/").content.decode()
    assert "MDM sprint" in html
    assert "Ready for release <strong>4</strong>" in html
    assert "Closed <strong>0</strong>" in html
    assert "group mdm" in html
    assert 'href="https://github.com/orgs/fleetdm/projects/58"' in html


def test_mirror_totals_are_counted_by_the_sync_not_by_each_view(auth_client, fake_github):
    run = repository_sync(client=GitHubClient(), full=True)
    assert run.outcome == "ok"
    assert run.counts == mirror_counts()
    assert run.counts["issues"] > 0
    issues_upsert(repository_get("fleetdm/fleet"), [issue(999_001)])  # a webhook, say
    html = auth_client.get("/github/").content.decode()
    assert f'<strong>{run.counts["issues"]:,}</strong> <span class="muted">issues' in html
    assert "Counted when the sync of" in html
    later = repository_sync(client=GitHubClient())
    assert later.counts["issues"] == run.counts["issues"] + 1
    html = auth_client.get("/github/").content.decode()
    assert f"<strong>{later.counts['issues']:,}</strong>" in html


def test_mirror_totals_are_counted_live_before_any_sync(auth_client):
    html = auth_client.get("/github/").content.decode()
    assert "Counted when the sync of" not in html
    assert "issues" in html
