"""GitHub's REST objects checked and turned into mirror rows, before anything is written.

A malformed object raises `MalformedPayload` naming the field. `fleetops/github/upsert.py`
writes the rows; it re-exports `MalformedPayload` and `parse_time` for its callers.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any


class MalformedPayload(ValueError):
    """GitHub's answer lacks what the mirror needs; nothing of it was written."""


_ISSUE_URL_NUMBER = re.compile(r"/issues/(\d+)$")


def _require(obj: Any, key: str, kind: type | tuple[type, ...], where: str) -> Any:
    if not isinstance(obj, dict):
        raise MalformedPayload(f"{where}: expected an object, got {type(obj).__name__}")
    if key not in obj:
        raise MalformedPayload(f"{where}: missing '{key}'")
    value = obj[key]
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is int):
        raise MalformedPayload(f"{where}: '{key}' has the wrong type ({type(value).__name__})")
    return value


def parse_time(value: Any, where: str = "timestamp") -> dt.datetime | None:
    """GitHub's ISO 8601 timestamps ("2024-01-02T03:04:05Z") as aware UTC datetimes."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise MalformedPayload(f"{where}: not a timestamp: {value!r}")
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise MalformedPayload(f"{where}: not a timestamp: {value!r}") from exc
    if parsed.tzinfo is None:
        raise MalformedPayload(f"{where}: timestamp without a zone: {value!r}")
    return parsed.astimezone(dt.UTC)


def _user(obj: dict, where: str) -> tuple[str, bool]:
    user = obj.get("user")
    if user is None:  # a deleted account: GitHub shows "ghost"
        return "ghost", False
    login = _require(user, "login", str, f"{where}.user")
    return login, user.get("type") == "Bot" or login.endswith("[bot]")


def _issue_row(item: dict) -> dict[str, Any]:
    where = f"issue #{item.get('number', '?')}" if isinstance(item, dict) else "issue"
    number = _require(item, "number", int, where)
    github_id = _require(item, "id", int, where)
    title = _require(item, "title", str, where)
    state = _require(item, "state", str, where)
    if state not in ("open", "closed"):
        raise MalformedPayload(f"{where}: unknown state {state!r}")
    labels = item.get("labels") or []
    if not isinstance(labels, list):
        raise MalformedPayload(f"{where}: 'labels' is not a list")
    pull = item.get("pull_request")
    login, is_bot = _user(item, where)
    return {
        "github_id": github_id,
        "number": number,
        "is_pull_request": pull is not None,
        "title": title[:500],
        "body": _body(item.get("body"), where),
        "state": state,
        "state_reason": item.get("state_reason") or "",
        "draft": bool(item.get("draft")),
        "author_login": login,
        "author_is_bot": is_bot,
        "author_association": item.get("author_association") or "",
        "assignees": sorted(
            a["login"] for a in item.get("assignees") or [] if isinstance(a, dict) and "login" in a
        ),
        "created_at": parse_time(_require(item, "created_at", str, where), f"{where}.created_at"),
        "updated_at": parse_time(_require(item, "updated_at", str, where), f"{where}.updated_at"),
        "closed_at": parse_time(item.get("closed_at"), f"{where}.closed_at"),
        "merged_at": parse_time((pull or {}).get("merged_at"), f"{where}.merged_at"),
        "comments_count": item.get("comments") or 0,
        "_labels": [_label_row(label, f"{where}.labels") for label in labels],
        "_milestone": (
            _milestone_row(item["milestone"], f"{where}.milestone")
            if item.get("milestone")
            else None
        ),
    }


def _body(value: Any, where: str) -> str:
    """An issue's description: GitHub sends null for an empty one."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise MalformedPayload(f"{where}: 'body' is not a string")
    return value[:65536].replace("\x00", "")


def _label_row(item: dict, where: str = "label") -> dict[str, Any]:
    return {
        "github_id": _require(item, "id", int, where),
        "name": _require(item, "name", str, where)[:100],
        "color": (item.get("color") or "")[:6],
        "description": (item.get("description") or "")[:300],
    }


def _milestone_row(item: dict, where: str = "milestone") -> dict[str, Any]:
    return {
        "github_id": _require(item, "id", int, where),
        "number": _require(item, "number", int, where),
        "title": _require(item, "title", str, where)[:200],
        "description": item.get("description") or "",
        "state": item.get("state") or "open",
        "due_on": parse_time(item.get("due_on"), f"{where}.due_on"),
        "created_at": parse_time(item.get("created_at"), f"{where}.created_at"),
        "updated_at": parse_time(item.get("updated_at"), f"{where}.updated_at"),
        "closed_at": parse_time(item.get("closed_at"), f"{where}.closed_at"),
        "open_issues": item.get("open_issues") or 0,
        "closed_issues": item.get("closed_issues") or 0,
    }


def _as_list(items: Any, what: str) -> list:
    if not isinstance(items, list):
        raise MalformedPayload(f"{what}: expected a list, got {type(items).__name__}")
    return items


def _comment_row(item: dict) -> dict[str, Any]:
    where = f"comment {item.get('id', '?')}" if isinstance(item, dict) else "comment"
    github_id = _require(item, "id", int, where)
    issue_url = _require(item, "issue_url", str, where)
    match = _ISSUE_URL_NUMBER.search(issue_url)
    if not match:
        raise MalformedPayload(f"{where}: 'issue_url' names no issue: {issue_url!r}")
    login, is_bot = _user(item, where)
    return {
        "github_id": github_id,
        "issue_number": int(match.group(1)),
        "author_login": login,
        "author_is_bot": is_bot,
        "author_association": item.get("author_association") or "",
        "created_at": parse_time(_require(item, "created_at", str, where), f"{where}.created_at"),
        "updated_at": parse_time(_require(item, "updated_at", str, where), f"{where}.updated_at"),
    }
