"""`projects_v2_item` webhooks keep one board item current between board syncs."""

from __future__ import annotations

from typing import Any

import pytest

from fleetops.github.boards.models import BoardItem
from fleetops.github.boards.services import boards_sync
from fleetops.github.models import WebhookDelivery
from fleetops.github.tasks import webhook_delivery_process_task
from fleetops.org.models import Organization
from tests.factories import ProductGroupFactory
from tests.github.payloads import API, REPO, SECRET, at, deliver, user

pytestmark = pytest.mark.django_db

ORG = "fleetdm"
BOARD = 58


@pytest.fixture
def board(fake_github, settings):
    settings.GITHUB_WEBHOOK_SECRET = SECRET
    Organization.objects.create(pk=1, github_login=ORG)
    ProductGroupFactory(slug="mdm", board_number=BOARD)
    fake_github.add_board(ORG, BOARD, title="MDM", columns=["Ready", "✅ Ready for release"])
    return fake_github


@pytest.fixture
def queued(monkeypatch) -> list[int]:
    ids: list[int] = []
    monkeypatch.setattr(webhook_delivery_process_task, "delay_on_commit", ids.append)
    return ids


def projects_v2_item(
    action: str, item, *, org: str = ORG, field_node_id: str | None = None
) -> dict[str, Any]:
    """A `projects_v2_item` payload as GitHub sends it (organisation-level, no repository)."""
    payload: dict[str, Any] = {
        "action": action,
        "projects_v2_item": {
            "id": 91_000_001,
            "node_id": item.id,
            "project_node_id": item.project_id,
            "content_node_id": item.content_id,
            "content_type": item.content_type,
            "creator": user("member-mo"),
            "created_at": at(0),
            "updated_at": at(5),
            "archived_at": None,
        },
        "organization": {"login": org, "id": 31_000_000, "url": f"{API}/orgs/{org}"},
        "sender": user("member-mo"),
    }
    if field_node_id:
        payload["changes"] = {
            "field_value": {"field_node_id": field_node_id, "field_type": "single_select"}
        }
    return payload


def _add(fake, **kwargs):
    return fake.add_board_item(ORG, BOARD, **kwargs)


def _process(client, queued, payload) -> WebhookDelivery:
    response = deliver(client, "projects_v2_item", payload)
    assert response.status_code == 202, response.json()
    webhook_delivery_process_task(queued.pop())
    return WebhookDelivery.objects.latest("received_at")


def test_item_moved_on_the_board_is_read_and_updated(client, queued, board):
    item = _add(board, status="Ready", repository=REPO, issue=4)
    boards_sync()
    board.move_board_item(item.id, "✅ Ready for release")
    board.reset_counts()
    fake_board = board.boards.board(ORG, BOARD)
    delivery = _process(
        client, queued, projects_v2_item("edited", item, field_node_id=fake_board.status_field_id)
    )
    assert delivery.outcome.startswith("applied"), delivery.outcome
    assert BoardItem.objects.get(node_id=item.id).status.column == "Ready for release"
    assert len(board.requests_to("/graphql", method="POST")) == 1  # that one item


def test_item_created_between_syncs_is_added(client, queued, board):
    boards_sync()
    item = _add(board, status="Ready", repository="fleetdm/confidential", issue=9, title="Secret")
    _process(client, queued, projects_v2_item("created", item))
    mirrored = BoardItem.objects.get(node_id=item.id)
    assert (mirrored.repository, mirrored.number, mirrored.issue) == (
        "fleetdm/confidential",
        9,
        None,
    )


def test_item_deleted_is_removed_without_asking_github(client, queued, board):
    item = _add(board, status="Ready", repository=REPO, issue=4)
    other = _add(board, status="Ready", repository=REPO, issue=5)
    boards_sync()
    board.remove_board_item(item.id)
    board.reset_counts()
    _process(client, queued, projects_v2_item("deleted", item))
    assert list(BoardItem.objects.values_list("node_id", flat=True)) == [other.id]
    assert board.request_count == 0


def test_edit_of_another_field_needs_no_request(client, queued, board):
    item = _add(board, status="Ready", repository=REPO, issue=4)
    boards_sync()
    board.reset_counts()
    delivery = _process(client, queued, projects_v2_item("edited", item, field_node_id="PVTF_x"))
    assert "not the board's Status" in delivery.outcome
    assert board.request_count == 0


def test_item_of_another_organisation_is_ignored(client, queued, board):
    item = _add(board, status="Ready", repository=REPO, issue=4)
    boards_sync()
    response = deliver(client, "projects_v2_item", projects_v2_item("edited", item, org="acme"))
    assert response.json() == {"detail": "ignored: organization acme is not the configured one"}
    assert queued == []


def test_item_of_a_board_not_mirrored_is_ignored(client, queued, board):
    item = _add(board, status="Ready", repository=REPO, issue=4)  # no sync: board unknown
    response = deliver(client, "projects_v2_item", projects_v2_item("created", item))
    assert response.json()["detail"].startswith("ignored: board PVT_")
    assert not BoardItem.objects.exists()


def test_item_archived_leaves_the_column_but_stays_in_the_mirror(client, queued, board):
    item = _add(board, status="✅ Ready for release", repository=REPO, issue=4)
    boards_sync()
    board.boards.find_item(item.id)[1].archived = True  # archived on GitHub
    _process(client, queued, projects_v2_item("archived", item))
    mirrored = BoardItem.objects.get(node_id=item.id)
    assert mirrored.archived is True
    assert not BoardItem.objects.active().in_column("Ready for release").exists()
