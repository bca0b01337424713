"""Sync the organisation's Projects (v2) boards into the mirror, and apply item changes.

- A board sync reads the board, its Status field and options, and every item, 100 items a
  GraphQL request (Projects have no `since`: each sync pages through the whole board, so a
  board of n items costs ceil(n/100) requests, at least one). Only after the last page is
  read are the board's rows replaced, in one transaction under a lock on the board row:
  items GitHub no longer lists are deleted, a failure on any page changes nothing.
- An item changed after the sync started reading (a webhook wrote it) is neither
  overwritten by an older copy nor deleted.
- Items of the product repository link to its mirrored Issue; other repositories' items
  keep their own repository, number and title.
- Every run is a `SyncRun` of kind `boards` (requests, rows changed, outcome).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from fleetops.core.errors import error_sentence
from fleetops.github.boards.models import Board, BoardColumn, BoardItem
from fleetops.github.boards.rules import (
    BoardAnswerError,
    BoardData,
    ItemData,
    board_data_read,
    item_data_read,
)
from fleetops.github.client import GitHubClient
from fleetops.github.models import Issue, Repository, SyncRun
from fleetops.github.stamp import mirror_changed
from fleetops.github.upsert import repository_get
from fleetops.org.selectors import OrganizationBoard, organization_boards

logger = logging.getLogger(__name__)

ITEM_FIELDS = [
    "content_type",
    "content_node_id",
    "repository",
    "number",
    "title",
    "archived",
    "status_id",
    "issue_id",
    "updated_at",
]


def _time(value: str | None) -> dt.datetime | None:
    parsed = parse_datetime(value) if value else None
    return parsed if parsed is None or parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def board_fetch(client: GitHubClient, ref: OrganizationBoard) -> tuple[BoardData, list[ItemData]]:
    """Every page of a board (100 items each) read into plain data; writes nothing."""
    items: list[ItemData] = []
    cursor: str | None = None
    board: BoardData | None = None
    while True:
        project = client.board_page(ref.organization, ref.number, cursor=cursor)
        board = board or board_data_read(project)
        connection = project.get("items")
        if not isinstance(connection, dict) or not isinstance(connection.get("nodes"), list):
            raise BoardAnswerError(f"board {ref.number}: 'items.nodes' is not a list")
        for i, node in enumerate(connection["nodes"]):
            items.append(item_data_read(node, f"board {ref.number} items[{len(items) + i}]"))
        info = connection.get("pageInfo") or {}
        if not info.get("hasNextPage") or not info.get("endCursor"):
            return board, items
        cursor = info["endCursor"]


def _product_issue_ids(numbers: Iterable[int]) -> dict[int, int]:
    """Mirrored issue/PR ids of the product repository by number."""
    repository = repository_get(settings.GITHUB_REPOSITORY)
    return dict(
        Issue.objects.filter(repository=repository, number__in=set(numbers)).values_list(
            "number", "pk"
        )
    )


def _is_product(repository: str) -> bool:
    return repository.lower() == settings.GITHUB_REPOSITORY.lower()


def _item_values(
    data: ItemData, columns: dict[str, int], issue_ids: dict[int, int]
) -> dict[str, object]:
    product = _is_product(data.repository) and data.number is not None
    return {
        "content_type": data.content_type,
        "content_node_id": data.content_node_id,
        "repository": data.repository,
        "number": data.number,
        "title": data.title,
        "archived": data.archived,
        "status_id": columns.get(data.status_option_id or ""),
        "issue_id": issue_ids.get(data.number) if product else None,
        "updated_at": _time(data.updated_at),
    }


def _board_write(ref: OrganizationBoard, data: BoardData) -> tuple[Board, dict[str, int], int]:
    """Upsert the board row (locked) and its columns; returns columns by option id."""
    board = (
        Board.objects.select_for_update()
        .filter(
            Q(node_id=data.node_id) | Q(organization__iexact=ref.organization, number=ref.number)
        )
        .first()
    )
    rows = 0
    fields = {
        "organization": ref.organization,
        "number": ref.number,
        "node_id": data.node_id,
        "title": data.title[:300],
        "closed": data.closed,
        "status_field_id": data.status_field_id,
    }
    if board is None:
        board, rows = Board.objects.create(**fields), 1
    elif any(getattr(board, key) != value for key, value in fields.items()):
        Board.objects.filter(pk=board.pk).update(**fields)
        rows = 1
    known = {c.option_id: c for c in BoardColumn.objects.filter(board=board)}
    for position, option in enumerate(data.options):
        values = {"name": option.name[:200], "column": option.column[:200], "position": position}
        column = known.get(option.option_id)
        if column is None:
            known[option.option_id] = BoardColumn.objects.create(
                board=board, option_id=option.option_id, **values
            )
            rows += 1
        elif any(getattr(column, key) != value for key, value in values.items()):
            BoardColumn.objects.filter(pk=column.pk).update(**values)
            rows += 1
    gone = [oid for oid in known if oid not in {o.option_id for o in data.options}]
    rows += BoardColumn.objects.filter(board=board, option_id__in=gone).delete()[0]
    return board, {oid: c.pk for oid, c in known.items() if oid not in gone}, rows


@transaction.atomic
def board_replace(
    *, ref: OrganizationBoard, data: BoardData, items: list[ItemData], read_since: dt.datetime
) -> int:
    """Make the mirror's copy of one board exactly `items`; returns rows changed.

    Items stored with an `updated_at` newer than `read_since` (a webhook wrote them while
    the pages were read) are kept as they are.
    """
    board, columns, rows = _board_write(ref, data)
    issue_ids = _product_issue_ids(
        i.number for i in items if i.number and _is_product(i.repository)
    )
    stored = {
        item.node_id: item
        for item in BoardItem.objects.filter(node_id__in=[i.node_id for i in items])
    }
    new, changed = [], []
    for data_item in items:
        values = _item_values(data_item, columns, issue_ids)
        item = stored.get(data_item.node_id)
        if item is None:
            new.append(BoardItem(board=board, node_id=data_item.node_id, **values))
            continue
        if item.updated_at and values["updated_at"] and item.updated_at > values["updated_at"]:
            continue  # the mirror has a newer copy
        if item.board_id != board.pk or any(getattr(item, k) != v for k, v in values.items()):
            item.board = board
            for key, value in values.items():
                setattr(item, key, value)
            changed.append(item)
    BoardItem.objects.bulk_create(new, batch_size=500)
    BoardItem.objects.bulk_update(changed, ["board", *ITEM_FIELDS], batch_size=500)
    deleted, _ = (
        BoardItem.objects.filter(board=board)
        .exclude(node_id__in=[i.node_id for i in items])
        .filter(Q(updated_at__isnull=True) | Q(updated_at__lt=read_since))
        .delete()
    )
    Board.objects.filter(pk=board.pk).update(synced_at=timezone.now())
    if rows or new or changed or deleted:
        mirror_changed()
    return rows + len(new) + len(changed) + deleted


def board_item_upsert(*, data: ItemData, board_node_id: str) -> str:
    """Write one item (from a webhook); returns what happened, for the delivery's outcome."""
    board = Board.objects.filter(node_id=board_node_id).first()
    if board is None:
        return f"ignored: board {board_node_id} is not mirrored"
    columns = dict(BoardColumn.objects.filter(board=board).values_list("option_id", "pk"))
    product = data.number is not None and _is_product(data.repository)
    issue_ids = _product_issue_ids([data.number]) if product else {}
    values = _item_values(data, columns, issue_ids)
    item, created = BoardItem.objects.update_or_create(
        node_id=data.node_id, defaults={"board": board, **values}
    )
    mirror_changed()
    column = item.status.column if item.status_id else "no Status"
    return f"applied: board item {item} {'created' if created else 'updated'} ({column})"


def board_item_delete(*, node_id: str) -> str:
    deleted, _ = BoardItem.objects.filter(node_id=node_id).delete()
    if deleted:
        mirror_changed()
    return f"applied: board item {node_id} " + ("deleted" if deleted else "was not mirrored")


@transaction.atomic
def _run_start(trigger: str) -> SyncRun:
    """Record a boards run, or a skipped one while another is running (not stale)."""
    repository = Repository.objects.select_for_update().get(
        pk=repository_get(settings.GITHUB_REPOSITORY).pk
    )
    now = timezone.now()
    stale = now - dt.timedelta(seconds=settings.GITHUB_SYNC_LOCK_SECONDS)
    running = SyncRun.objects.filter(kind=SyncRun.Kind.BOARDS, outcome=SyncRun.Outcome.RUNNING)
    running.filter(started_at__lt=stale).update(
        outcome=SyncRun.Outcome.ABANDONED, finished_at=now, error="its worker stopped"
    )
    fields = {"repository": repository, "kind": SyncRun.Kind.BOARDS, "trigger": trigger}
    if running.exists():
        return SyncRun.objects.create(
            **fields,
            started_at=now,
            finished_at=now,
            outcome=SyncRun.Outcome.SKIPPED,
            error="another boards sync is running",
        )
    return SyncRun.objects.create(**fields, started_at=now)


def boards_sync(
    *,
    trigger: str = "schedule",
    client: GitHubClient | None = None,
    boards: list[OrganizationBoard] | None = None,
) -> SyncRun | None:
    """Sync every configured board (groups' and drafting); None when none is configured.

    Each board is read completely, then written in one transaction; a GitHub error or a
    malformed answer stops the run (recorded as an error and re-raised) and leaves the
    board being read as it was.
    """
    boards = organization_boards() if boards is None else boards
    if not boards:
        return None
    run = _run_start(trigger)
    if run.outcome == SyncRun.Outcome.SKIPPED:
        return run
    with GitHubClient.borrowed_or_new(client) as github:
        outcome, error = SyncRun.Outcome.OK, ""
        try:
            for ref in boards:
                run.step = f"board {ref.number} ({ref.purpose})"
                SyncRun.objects.filter(pk=run.pk).update(step=run.step, requests=github.requests)
                read_since = timezone.now()
                data, items = board_fetch(github, ref)
                run.rows += board_replace(ref=ref, data=data, items=items, read_since=read_since)
        except Exception as exc:  # recorded as one sentence; the task logs and retries it
            outcome, error = SyncRun.Outcome.ERROR, f"{run.step}: {error_sentence(exc)}"
            raise
        finally:
            run.outcome, run.error, run.finished_at = outcome, error[:2000], timezone.now()
            run.step = "" if outcome == SyncRun.Outcome.OK else run.step
            run.requests = github.requests
            run.save()
    return run
