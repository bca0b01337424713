"""The fake GitHub's Projects (v2) boards: boards, their Status field and options, items.

Node ids follow GitHub's prefixes (`PVT_` boards, `PVTSSF_` single-select fields, `PVTI_`
items, `I_`/`PR_`/`DI_` contents); option ids are eight hex digits, as GitHub's are.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
from dataclasses import dataclass, field


def node_id(prefix: str, *parts: object) -> str:
    digest = hashlib.sha256("/".join(str(p) for p in parts).encode()).digest()[:12]
    return f"{prefix}_{base64.b32encode(digest).decode().rstrip('=').lower()}"


def option_id(*parts: object) -> str:
    return hashlib.sha256("/".join(str(p) for p in parts).encode()).hexdigest()[:8]


@dataclass
class FakeItem:
    id: str
    content_type: str  # Issue | PullRequest | DraftIssue
    content_id: str
    title: str
    repository: str = ""  # owner/name; "" for a draft
    number: int | None = None
    archived: bool = False
    status: str | None = None  # option id
    updated_at: str = ""
    position: int = 0
    project_id: str = ""  # the board's node id


@dataclass
class FakeBoard:
    org: str
    number: int
    id: str
    title: str
    status_field_id: str
    options: list[tuple[str, str]]  # (option id, name), in column order
    closed: bool = False
    items: dict[str, FakeItem] = field(default_factory=dict)  # by item id, insertion ordered

    def option_named(self, name: str) -> str:
        for oid, oname in self.options:
            if oname == name:
                return oid
        raise KeyError(f"board {self.number} has no Status option {name!r}")

    def option_name(self, oid: str | None) -> str | None:
        return next((name for key, name in self.options if key == oid), None)


class FakeBoards:
    """Every board of every organisation, and an index of items by node id."""

    def __init__(self) -> None:
        self.boards: dict[tuple[str, int], FakeBoard] = {}
        self._positions = itertools.count(1)

    def add_board(
        self, org: str, number: int, *, title: str = "", columns: list[str] | None = None
    ) -> FakeBoard:
        columns = columns or ["Ready", "In progress", "Awaiting QA", "Ready for release", "Closed"]
        board = FakeBoard(
            org=org,
            number=number,
            id=node_id("PVT", org.lower(), number),
            title=title or f"Board {number}",
            status_field_id=node_id("PVTSSF", org.lower(), number, "Status"),
            options=[(option_id(org.lower(), number, name), name) for name in columns],
        )
        self.boards[(org.lower(), number)] = board
        return board

    def board(self, org: str, number: int) -> FakeBoard | None:
        return self.boards.get((org.lower(), number))

    def add_item(
        self,
        board: FakeBoard,
        *,
        status: str | None,
        now: str,
        repository: str = "",
        number: int | None = None,
        title: str = "",
        pull_request: bool = False,
        archived: bool = False,
    ) -> FakeItem:
        """An issue or PR of `repository` (or a draft without one) in column `status`."""
        if number is None:
            kind, content_id = "DraftIssue", node_id("DI", board.id, next(self._positions))
        else:
            kind = "PullRequest" if pull_request else "Issue"
            content_id = node_id("PR" if pull_request else "I", repository.lower(), number)
        position = next(self._positions)
        item = FakeItem(
            id=node_id("PVTI", board.id, position),
            content_type=kind,
            content_id=content_id,
            title=title or (f"#{number}" if number else "Draft"),
            repository=repository if number is not None else "",
            number=number,
            archived=archived,
            status=board.option_named(status) if status else None,
            updated_at=now,
            position=position,
            project_id=board.id,
        )
        board.items[item.id] = item
        return item

    def find_item(self, item_id: str) -> tuple[FakeBoard, FakeItem] | None:
        for board in self.boards.values():
            if item_id in board.items:
                return board, board.items[item_id]
        return None

    def remove_item(self, item_id: str) -> FakeItem | None:
        found = self.find_item(item_id)
        if found is None:
            return None
        board, item = found
        return board.items.pop(item.id)
