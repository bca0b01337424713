"""The overview's "my work": sections the domain apps contribute, most urgent first.

The core imports no domain app (ADR 0014), so the overview cannot ask the releases or the
on-call app what a person has to do. Each app's template tag library answers with
`WorkSection`s instead (`{% releases_mine as r %}`, `{% oncall_mine as o %}`), and
`{% my_work r o as sections %}` puts them in one order: by urgency, then in the order given.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

# How soon a section wants the person (lower first).
PINNED = 0  # what everyone opens the page for: the current release
NOW = 10  # act today: your group is blocked, you are on call now, the release is due
SOON = 20  # something to do this week: testing to finish, items remain, a shift next week
LATER = 30  # worth knowing: capacity, a shift further away, a group that is ready


@dataclass(frozen=True)
class WorkSection:
    """One part of the overview: which template shows it, with what, and how urgent it is."""

    key: str  # unique on the page, used for the section's DOM id: "mywork-<key>"
    template: str
    urgency: int
    context: dict[str, Any] = field(default_factory=dict)


def work_sections(*contributions: Iterable[WorkSection] | None) -> list[WorkSection]:
    """Every app's sections in one list, most urgent first (stable: ties keep their order)."""
    sections = [s for part in contributions if part for s in part]
    return sorted(sections, key=lambda s: s.urgency)
