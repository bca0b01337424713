"""`projects_v2_item` webhooks: keep one board item current between board syncs.

The event is organisation-level (the payload names an `organization`, not a repository).
Its payload names the item (`projects_v2_item.node_id`, `project_node_id`, `content_type`)
but not reliably the new Status option, so every action but `deleted` and `reordered`
reads that one item by node id through GraphQL (one request) and upserts it; `deleted`
deletes it; an `edited` of a field other than the board's Status needs no request.
"""

from __future__ import annotations

from typing import Any, Protocol

from fleetops.github.boards.models import Board
from fleetops.github.boards.rules import item_data_read
from fleetops.github.boards.services import board_item_delete, board_item_upsert
from fleetops.github.client import GitHubClient, GitHubNotFound
from fleetops.github.upsert import MalformedPayload
from fleetops.org.models import Organization

EVENT = "projects_v2_item"


class _GitHub(Protocol):
    @property
    def client(self) -> GitHubClient: ...


def _item(payload: dict[str, Any]) -> tuple[str, str]:
    item = payload.get("projects_v2_item")
    if not isinstance(item, dict):
        raise MalformedPayload("payload: 'projects_v2_item' is not an object")
    node_id, project = item.get("node_id"), item.get("project_node_id")
    if not isinstance(node_id, str) or not node_id or not isinstance(project, str):
        raise MalformedPayload("projects_v2_item: 'node_id' or 'project_node_id' is missing")
    return node_id, project


def projects_v2_item_ignored(payload: dict[str, Any]) -> str:
    """Why a `projects_v2_item` delivery needs no processing ("" when it does)."""
    organization = payload.get("organization")
    login = organization.get("login") if isinstance(organization, dict) else None
    if not isinstance(login, str):
        return "ignored: the payload names no organization"
    ours = Organization.current()
    if ours is None or ours.github_login.lower() != login.lower():
        return f"ignored: organization {login} is not the configured one"[:200]
    try:
        _, project = _item(payload)
    except MalformedPayload:
        return ""  # processing records it as malformed
    if not Board.objects.filter(node_id=project).exists():
        return f"ignored: board {project} is not mirrored"[:200]
    return ""


def projects_v2_item_apply(payload: dict[str, Any], action: str, github: _GitHub) -> str:
    """Apply one item change: delete it, or read it from GitHub and upsert it."""
    node_id, project = _item(payload)
    if action == "deleted":
        return board_item_delete(node_id=node_id)
    if action == "reordered":
        return "ignored: reordering moves no item to another column"
    if action == "edited":
        changes = payload.get("changes")
        value = changes.get("field_value") if isinstance(changes, dict) else None
        field = value.get("field_node_id") if isinstance(value, dict) else None
        status = Board.objects.filter(node_id=project).values_list("status_field_id", flat=True)
        if isinstance(field, str) and field != (status.first() or ""):
            return f"ignored: field {field} is not the board's Status"[:200]
    try:
        node = github.client.board_item(node_id)
    except GitHubNotFound:
        node = None
    if node is None:
        return board_item_delete(node_id=node_id) + " (no longer on GitHub)"
    owner = node.get("project")
    board_node_id = owner.get("id") if isinstance(owner, dict) else project
    return board_item_upsert(data=item_data_read(node), board_node_id=board_node_id or project)
