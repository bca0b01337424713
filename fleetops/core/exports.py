"""Exports that spreadsheets open safely."""

from __future__ import annotations

from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: Any) -> Any:
    """A cell a spreadsheet will not run: text starting like a formula gets a leading `'`.

    Numbers stay numbers (a negative number is a value, not a formula); only text that a
    spreadsheet would read as a formula (`=`, `+`, `-`, `@`, a tab or a carriage return
    first) is neutralised, as OWASP's CSV-injection advice says.
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
