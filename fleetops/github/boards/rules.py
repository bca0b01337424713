"""Pure rules of the boards: column names, and GraphQL answers read into plain data.

No ORM, no I/O. The handbook names board columns without their decoration ("Select all
remaining items in the 'Ready for release' column and move them to the 'Closed' column";
"move all stories to the 'Confirm and celebrate' column") while a board may show
"✅ Ready for release".
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

# Column names the handbook's release rituals act on ("Conclude current milestone").
READY_FOR_RELEASE = "Ready for release"
CLOSED = "Closed"
CONFIRM_AND_CELEBRATE = "Confirm and celebrate"

# Symbols (emoji, dingbats, modifier symbols), format characters (zero-width joiners),
# enclosing marks (keycaps) and private-use characters are decoration, not the name.
_DECORATION = frozenset({"So", "Sk", "Cf", "Me", "Co", "Cs"})
_VARIATION_SELECTORS = re.compile("[\ufe00-\ufe0f\U000e0100-\U000e01ef]")
_SPACES = re.compile(r"\s+")
_EDGE_PUNCTUATION = " -\u2013\u2014:|\u00b7\u2022*_~"


class BoardAnswerError(ValueError):
    """A GraphQL answer about a board lacks what the mirror needs."""


def column_name_normalize(name: str) -> str:
    """The column a Status option means: "✅ Ready for release" -> "Ready for release"."""
    text = unicodedata.normalize("NFC", name)
    text = _VARIATION_SELECTORS.sub("", text)
    text = "".join(ch for ch in text if unicodedata.category(ch) not in _DECORATION)
    return _SPACES.sub(" ", text).strip(_EDGE_PUNCTUATION)


@dataclass(frozen=True)
class StatusOption:
    option_id: str
    name: str

    @property
    def column(self) -> str:
        return column_name_normalize(self.name)


@dataclass(frozen=True)
class ItemData:
    """One board item as GitHub describes it."""

    node_id: str
    content_type: str  # issue | pull_request | draft
    content_node_id: str
    repository: str
    number: int | None
    title: str
    archived: bool
    status_option_id: str | None
    updated_at: str | None


@dataclass(frozen=True)
class BoardData:
    """A board's own fields, its Status field and options (items come page by page)."""

    node_id: str
    title: str
    closed: bool
    status_field_id: str
    options: tuple[StatusOption, ...]


_CONTENT_TYPES = {"Issue": "issue", "PullRequest": "pull_request", "DraftIssue": "draft"}


def _get(obj: Any, key: str, kind: type | tuple[type, ...], where: str) -> Any:
    if not isinstance(obj, dict) or key not in obj:
        raise BoardAnswerError(f"{where}: missing '{key}'")
    value = obj[key]
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is int):
        raise BoardAnswerError(f"{where}: '{key}' has the wrong type ({type(value).__name__})")
    return value


def board_data_read(project: Any) -> BoardData:
    """A ProjectV2 object (with `field(name: "Status")`) read into `BoardData`."""
    where = "projectV2"
    status = project.get("field") if isinstance(project, dict) else None
    options: list[StatusOption] = []
    field_id = ""
    if isinstance(status, dict) and "options" in status:  # a single-select Status field
        field_id = _get(status, "id", str, f"{where}.field")
        for i, option in enumerate(_get(status, "options", list, f"{where}.field")):
            at = f"{where}.field.options[{i}]"
            options.append(StatusOption(_get(option, "id", str, at), _get(option, "name", str, at)))
    return BoardData(
        node_id=_get(project, "id", str, where),
        title=_get(project, "title", str, where),
        closed=_get(project, "closed", bool, where),
        status_field_id=field_id,
        options=tuple(options),
    )


def item_data_read(node: Any, where: str = "item") -> ItemData:
    """A ProjectV2Item object read into `ItemData` (content: issue, PR, draft or none)."""
    content = node.get("content") if isinstance(node, dict) else None
    value = node.get("fieldValueByName") if isinstance(node, dict) else None
    option_id = value.get("optionId") if isinstance(value, dict) else None
    repository, number, content_type, content_id, title = "", None, "draft", "", ""
    if isinstance(content, dict):
        typename = _get(content, "__typename", str, f"{where}.content")
        content_type = _CONTENT_TYPES.get(typename, "draft")
        content_id = content.get("id") if isinstance(content.get("id"), str) else ""
        title = content.get("title") if isinstance(content.get("title"), str) else ""
        if content_type != "draft":
            number = _get(content, "number", int, f"{where}.content")
            repo = _get(content, "repository", dict, f"{where}.content")
            repository = _get(repo, "nameWithOwner", str, f"{where}.content.repository")
    return ItemData(
        node_id=_get(node, "id", str, where),
        content_type=content_type,
        content_node_id=content_id,
        repository=repository,
        number=number,
        title=title[:500],
        archived=_get(node, "isArchived", bool, where),
        status_option_id=option_id if isinstance(option_id, str) else None,
        updated_at=node.get("updatedAt") if isinstance(node.get("updatedAt"), str) else None,
    )
