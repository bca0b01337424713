"""The one gateway for writes to GitHub: dry-run unless FLEETOPS_GITHUB_WRITE=1.

Every write (filing a bug, commenting, closing, relabelling, closing a milestone, creating
a branch) is recorded as a `GitHubWrite` row: what, where, why and by whom. In dry-run
mode that row is all that happens; with writes on, the request is made and its answer
(the new issue's number and URL) stored beside it.

A dry run is a preview: nothing recorded in dry run counts as done. A write with a
`dedupe_key` happens exactly once among real writes: with writes on, asking again returns
the real write that succeeded (or is in flight), never a dry-run record; a failed one is
tried again, so an action that failed halfway resumes without repeating what succeeded. In
dry run, asking again returns the real write if there is one (it is done), else the one
preview of that key, so previews do not pile up.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction

from fleetops.core.errors import error_sentence
from fleetops.github.boards.models import BoardColumn, BoardItem
from fleetops.github.client import (
    BOARD_ITEM_STATUS_MUTATION,
    GitHubClient,
    GitHubError,
    board_item_status_variables,
)
from fleetops.github.models import GitHubWrite
from fleetops.github.upsert import issues_upsert, repository_get

logger = logging.getLogger(__name__)

GRAPHQL = "GRAPHQL"  # a GraphQL mutation: `payload` is {"query", "variables"}


def github_write(
    *,
    action: str,
    method: str,
    path: str,
    payload: dict[str, Any],
    reason: str = "",
    actor: AbstractBaseUser | None = None,
    dedupe_key: str | None = None,
    client: GitHubClient | None = None,
) -> GitHubWrite:
    """Record a write to the product repository and, when writes are on, make it."""
    repository = repository_get(settings.GITHUB_REPOSITORY)
    live = settings.FLEETOPS_GITHUB_WRITE
    if dedupe_key:
        earlier = _write_for_key(dedupe_key, live=live)
        if earlier is not None:
            return earlier
    try:
        with transaction.atomic():
            write = GitHubWrite.objects.create(
                repository=repository,
                action=action,
                method=method,
                path=path,
                payload=payload,
                reason=reason[:300],
                dedupe_key=dedupe_key,
                actor=actor if actor is not None and actor.is_authenticated else None,
                status=GitHubWrite.Status.PENDING if live else GitHubWrite.Status.DRY_RUN,
                error="",
            )
    except IntegrityError:  # the same key written at the same moment by another worker
        return (
            GitHubWrite.objects.filter(dedupe_key=dedupe_key)
            .exclude(status__in=GitHubWrite.NOT_HOLDING)
            .get()
        )
    if not live:
        return write
    try:
        with GitHubClient.borrowed_or_new(client) as github:
            if method == GRAPHQL:
                data = github.graphql(payload["query"], payload["variables"], mutation=True)
            else:
                _, _, data = github.request(method, path, body=payload)
    except GitHubError as exc:
        logger.warning("GitHub write %s %s failed", method, path, exc_info=exc)
        write.status, write.error = GitHubWrite.Status.FAILED, error_sentence(exc)
    else:
        write.status, write.error = GitHubWrite.Status.DONE, ""
        write.response = _summary(data)
        if action == "board.move":
            _board_item_moved(payload["variables"])
        if (
            action in ("issue.create", "issue.update")
            and isinstance(data, dict)
            and "number" in data
        ):
            issues_upsert(repository, [data])  # the mirror shows it at once, not in 5 minutes
    write.save(update_fields=["status", "error", "response"])
    return write


def _write_for_key(dedupe_key: str, *, live: bool) -> GitHubWrite | None:
    """The record that already answers for `dedupe_key`, if any.

    A real write that is done, or in flight and not yet stale, answers in both modes. In dry
    run the earlier preview of the key answers too. A failed write never does (it is tried
    again), and neither does a dry-run record once writes are on.
    """
    rows = GitHubWrite.objects.filter(dedupe_key=dedupe_key)
    real = rows.exclude(status__in=GitHubWrite.NOT_HOLDING).first()
    if real is not None and real.status == GitHubWrite.Status.PENDING and real.is_stale():
        # Its process died between recording and answering: whether GitHub got it is
        # unknown; the key is released so that the action can resume (at least once).
        real.status, real.error = GitHubWrite.Status.FAILED, "abandoned: no answer recorded"
        real.save(update_fields=["status", "error"])
        real = None
    if real is not None:
        return real
    if live:
        return None
    return rows.filter(status=GitHubWrite.Status.DRY_RUN).order_by("-created_at").first()


def _summary(data: Any) -> dict[str, Any]:
    if not isinstance(data, dict):
        return {}
    return {key: data[key] for key in ("number", "html_url", "url", "state", "ref") if key in data}


def _repo_path(suffix: str) -> str:
    return f"/repos/{settings.GITHUB_REPOSITORY}/{suffix}"


def issue_create(
    *,
    title: str,
    body: str,
    labels: list[str],
    assignees: list[str],
    reason: str,
    actor: AbstractBaseUser | None = None,
    dedupe_key: str | None = None,
    milestone: int | None = None,
) -> GitHubWrite:
    """File an issue (a bug, a story) in the product repository."""
    payload: dict[str, Any] = {
        "title": title,
        "body": body,
        "labels": labels,
        "assignees": assignees,
    }
    if milestone is not None:
        payload["milestone"] = milestone
    return github_write(
        action="issue.create",
        method="POST",
        path=_repo_path("issues"),
        payload=payload,
        reason=reason,
        actor=actor,
        dedupe_key=dedupe_key,
    )


def issue_comment_create(
    *,
    number: int,
    body: str,
    reason: str,
    actor: AbstractBaseUser | None = None,
    dedupe_key: str | None = None,
) -> GitHubWrite:
    return github_write(
        action="issue.comment",
        method="POST",
        path=_repo_path(f"issues/{number}/comments"),
        payload={"body": body},
        reason=reason,
        actor=actor,
        dedupe_key=dedupe_key,
    )


def issue_update(
    *,
    number: int,
    changes: dict[str, Any],
    reason: str,
    actor: AbstractBaseUser | None = None,
    dedupe_key: str | None = None,
) -> GitHubWrite:
    """Edit an issue: state and state_reason, labels (the full new list), milestone, ..."""
    return github_write(
        action="issue.update",
        method="PATCH",
        path=_repo_path(f"issues/{number}"),
        payload=changes,
        reason=reason,
        actor=actor,
        dedupe_key=dedupe_key,
    )


def milestone_close(
    *,
    number: int,
    reason: str,
    actor: AbstractBaseUser | None = None,
    dedupe_key: str | None = None,
) -> GitHubWrite:
    return github_write(
        action="milestone.close",
        method="PATCH",
        path=_repo_path(f"milestones/{number}"),
        payload={"state": "closed"},
        reason=reason,
        actor=actor,
        dedupe_key=dedupe_key,
    )


def branch_create(
    *,
    name: str,
    sha: str,
    reason: str,
    actor: AbstractBaseUser | None = None,
    dedupe_key: str | None = None,
) -> GitHubWrite:
    """Create a branch (a release candidate's `rc-minor-fleet-v4.N.0`) at a commit."""
    return github_write(
        action="ref.create",
        method="POST",
        path=_repo_path("git/refs"),
        payload={"ref": f"refs/heads/{name}", "sha": sha},
        reason=reason,
        actor=actor,
        dedupe_key=dedupe_key,
    )


def workflow_dispatch(
    *,
    workflow: str,
    ref: str,
    inputs: dict[str, str],
    reason: str,
    actor: AbstractBaseUser | None = None,
    dedupe_key: str | None = None,
) -> GitHubWrite:
    """Run a GitHub Actions workflow (`workflow_dispatch`): GitHub answers 204, no body."""
    return github_write(
        action="workflow.dispatch",
        method="POST",
        path=_repo_path(f"actions/workflows/{workflow}/dispatches"),
        payload={"ref": ref, "inputs": inputs},
        reason=reason,
        actor=actor,
        dedupe_key=dedupe_key,
    )


def actions_variable_set(
    *,
    repository: str,
    name: str,
    value: str,
    reason: str,
    actor: AbstractBaseUser | None = None,
    dedupe_key: str | None = None,
) -> GitHubWrite:
    """Set an Actions variable of `repository` (the QA repository's `QAWOLF_DEPLOY_TAG`).

    The repository may be another than the product one: the path says which, and the
    answer (204, no body) is mirrored nowhere.
    """
    return github_write(
        action="actions.variable",
        method="PATCH",
        path=f"/repos/{repository}/actions/variables/{name}",
        payload={"name": name, "value": value},
        reason=reason,
        actor=actor,
        dedupe_key=dedupe_key,
    )


def board_item_move(
    *,
    item: BoardItem,
    column: BoardColumn,
    reason: str,
    actor: AbstractBaseUser | None = None,
    dedupe_key: str | None = None,
) -> GitHubWrite:
    """Move a board item to `column` (GraphQL `updateProjectV2ItemFieldValue`)."""
    return github_write(
        action="board.move",
        method=GRAPHQL,
        path="/graphql",
        payload=board_item_move_payload(item=item, column=column),
        reason=reason,
        actor=actor,
        dedupe_key=dedupe_key,
    )


def board_item_move_payload(*, item: BoardItem, column: BoardColumn) -> dict[str, Any]:
    """The GraphQL request that moves `item` to `column` (what a plan shows, what is sent)."""
    board = item.board
    variables = board_item_status_variables(
        project_id=board.node_id,
        item_id=item.node_id,
        field_id=board.status_field_id,
        option_id=column.option_id,
    )
    return {"query": BOARD_ITEM_STATUS_MUTATION, "variables": variables}


def _board_item_moved(variables: dict[str, str]) -> None:
    """The mirror shows a move at once, not after the next board sync."""
    column = BoardColumn.objects.filter(
        board__node_id=variables["project"], option_id=variables["option"]
    ).first()
    if column is not None:
        BoardItem.objects.filter(node_id=variables["item"]).update(status=column)
