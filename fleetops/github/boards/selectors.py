"""Reads of the mirrored boards: which items sit in which column, per board and milestone.

Release readiness and the milestone conclusion ask these, never GitHub. Column names are
the normalized ones ("Ready for release", not "✅ Ready for release"), compared without
regard to case; archived items are left out unless asked for.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Q

from fleetops.github.boards.models import Board, BoardColumn, BoardItem, BoardItemQuerySet
from fleetops.github.boards.rules import READY_FOR_RELEASE
from fleetops.org.selectors import organization_board, organization_boards

NO_STATUS = "No Status"


def board_get(*, organization: str, number: int) -> Board | None:
    return Board.objects.filter(organization__iexact=organization, number=number).first()


def board_for_group(*, group_slug: str | None) -> Board | None:
    """The mirrored board of product group `group_slug`; with None, the drafting board."""
    ref = organization_board(group_slug=group_slug)
    return board_get(organization=ref.organization, number=ref.number) if ref else None


def board_items(
    *,
    board: Board,
    column: str | None = None,
    milestone: str | None = None,
    include_archived: bool = False,
) -> BoardItemQuerySet:
    """A board's items, optionally in one column and/or whose issue is in `milestone`.

    `milestone` matches only items linked to the product repository's mirrored issues:
    items of other repositories and drafts have no milestone here.
    """
    items = BoardItem.objects.filter(board=board).select_related("status", "issue")
    if not include_archived:
        items = items.active()
    if column is not None:
        items = items.in_column(column)
    if milestone is not None:
        items = items.in_milestone(milestone)
    return items.order_by("pk")


def board_items_by_column(
    *, board: Board, milestone: str | None = None
) -> dict[str, list[BoardItem]]:
    """Active items grouped by column, in the board's column order; `NO_STATUS` last."""
    columns = {c.column: [] for c in BoardColumn.objects.filter(board=board).order_by("position")}
    grouped: dict[str, list[BoardItem]] = defaultdict(list)
    for item in board_items(board=board, milestone=milestone):
        grouped[item.status.column if item.status_id else NO_STATUS].append(item)
    result = {name: grouped.get(name, []) for name in columns}
    if grouped.get(NO_STATUS):
        result[NO_STATUS] = grouped[NO_STATUS]
    return result


def group_items_in_column(
    *, group_slug: str, milestone: str, column: str = READY_FOR_RELEASE
) -> BoardItemQuerySet:
    """Items of milestone `milestone` in `column` of group `group_slug`'s board (none if
    the group has no mirrored board)."""
    board = board_for_group(group_slug=group_slug)
    if board is None:
        return BoardItem.objects.none()
    return board_items(board=board, column=column, milestone=milestone)


@dataclass(frozen=True)
class BoardReadiness:
    """A group's items of one milestone: in "Ready for release", and elsewhere (by column)."""

    board: Board | None
    ready: list[BoardItem] = field(default_factory=list)
    not_ready: list[tuple[BoardItem, str]] = field(default_factory=list)  # (item, column)


def group_readiness(*, group_slug: str, milestone: str) -> BoardReadiness:
    """Where the items of `milestone` sit on group `group_slug`'s board (one query).

    Handbook, "Conclude current milestone": filter by the current milestone, then act on the
    "Ready for release" column; every other item of the milestone is left open.
    """
    board = board_for_group(group_slug=group_slug)
    if board is None:
        return BoardReadiness(board=None)
    readiness = BoardReadiness(board=board)
    for item in board_items(board=board, milestone=milestone):
        column = item.status.column if item.status_id else NO_STATUS
        if column.lower() == READY_FOR_RELEASE.lower():
            readiness.ready.append(item)
        else:
            readiness.not_ready.append((item, column))
    return readiness


def board_items_of_issues(*, board: Board, numbers: list[int]) -> BoardItemQuerySet:
    """Items of `board` whose content is one of the product repository's issues `numbers`
    (e.g. the stories to move on the drafting board)."""
    return board_items(board=board).filter(
        repository__iexact=settings.GITHUB_REPOSITORY, number__in=numbers
    )


def board_column_get(*, board: Board, column: str) -> BoardColumn | None:
    """The Status option meaning `column` (its `option_id` is what a move sends GitHub)."""
    return BoardColumn.objects.filter(board=board, column__iexact=column).first()


@dataclass(frozen=True)
class BoardSummary:
    """A board as the mirror page lists it."""

    board: Board
    purpose: str
    columns: list[tuple[str, int]] = field(default_factory=list)
    total: int = 0
    archived: int = 0
    other_repositories: int = 0


def board_summaries() -> list[BoardSummary]:
    """Every mirrored board with its item count per column (four queries in all)."""
    purposes = {(b.organization.lower(), b.number): b.purpose for b in organization_boards()}
    boards = list(
        Board.objects.annotate(
            total=Count("items", filter=Q(items__archived=False)),
            archived_count=Count("items", filter=Q(items__archived=True)),
        ).order_by("organization", "number")
    )
    counts: dict[int, list[tuple[str, int]]] = defaultdict(list)
    for column in BoardColumn.objects.annotate(
        n=Count("items", filter=Q(items__archived=False))
    ).order_by("board_id", "position"):
        counts[column.board_id].append((column.column, column.n))
    active = BoardItem.objects.active()
    no_status = dict(
        active.filter(status__isnull=True).values_list("board_id").annotate(n=Count("pk"))
    )
    other = dict(
        active.exclude(repository="")
        .exclude(repository__iexact=settings.GITHUB_REPOSITORY)
        .values_list("board_id")
        .annotate(n=Count("pk"))
    )
    return [
        BoardSummary(
            board=board,
            purpose=purposes.get((board.organization.lower(), board.number), "not configured"),
            columns=counts[board.pk]
            + ([(NO_STATUS, no_status[board.pk])] if no_status.get(board.pk) else []),
            total=board.total,
            archived=board.archived_count,
            other_repositories=other.get(board.pk, 0),
        )
        for board in boards
    ]
