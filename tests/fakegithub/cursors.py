"""Keyset cursors: how GitHub pages large listings (`after=` in the Link header).

For large datasets GitHub refuses deep `page=` numbers ("Pagination with the page parameter
is not supported for large datasets, please use cursor based pagination (after/before)")
and its Link header carries an opaque `after` cursor instead. A cursor names the last item
of the page by its sort key, so the next page starts right behind it whatever moved in
between: an item updated meanwhile is listed again at the end, nothing is skipped, and no
page repeats an item. The fake's cursors encode ``(updated_at, id)`` in GitHub's style
(base64 of ``cursor:v2:`` and the key).
"""

from __future__ import annotations

import base64
import binascii
import bisect
import json
from collections.abc import Callable
from typing import Any

PREFIX = "cursor:v2:"

Key = tuple[str, int]


def cursor_encode(key: Key) -> str:
    return base64.b64encode(f"{PREFIX}{json.dumps(list(key))}".encode()).decode()


def cursor_decode(value: str) -> Key:
    """The key a cursor names; ValueError for anything this fake did not hand out."""
    try:
        text = base64.b64decode(value + "=" * (-len(value) % 4), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError) as exc:
        raise ValueError("not a cursor") from exc
    if not text.startswith(PREFIX):
        raise ValueError("not a cursor")
    try:
        stamp, ident = json.loads(text[len(PREFIX) :])
    except (ValueError, TypeError) as exc:
        raise ValueError("not a cursor") from exc
    if not isinstance(stamp, str) or not isinstance(ident, int) or isinstance(ident, bool):
        raise ValueError("not a cursor")
    return stamp, ident


def cursor_page(
    items: list[Any], key: Callable[[Any], Key], after: Key | None, per_page: int
) -> tuple[list[Any], bool]:
    """The page of `items` (ascending by `key`) right after `after`, and whether more follow."""
    start = bisect.bisect_right(items, after, key=key) if after is not None else 0
    chunk = items[start : start + per_page]
    return chunk, start + per_page < len(items)
