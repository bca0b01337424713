"""Reads of the rituals: the catalogue parsed from the stored files, the page's rows, JSON."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.db.models import Q

from fleetops.github.models import Issue
from fleetops.org.models import Person
from rituals.models import RitualFile, RitualIssue
from rituals.rules import (
    ParsedFile,
    Problem,
    Ritual,
    due_dates,
    for_patch_releases,
    rituals_parse,
)

# How far back the page looks for filed issues still open (a yearly ritual's last one).
ISSUES_LOOKBACK = dt.timedelta(days=400)


def rituals_today() -> dt.date:
    """Today as the rituals count days: the calendar day in UTC."""
    return dt.datetime.now(dt.UTC).date()


@lru_cache(maxsize=32)
def _parsed(path: str, blob_sha: str, text: str) -> ParsedFile:
    """A file's rituals, parsed once per version of the file (the blob sha names it)."""
    return rituals_parse(text, file=path)


@dataclass(frozen=True)
class Catalogue:
    files: list[RitualFile]
    rituals: list[Ritual] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def fetched(self) -> list[RitualFile]:
        return [f for f in self.files if f.content is not None]


def ritual_catalogue() -> Catalogue:
    """Every ritual of the configured files, as last fetched, and their problems (one query)."""
    configured = settings.FLEETOPS_RITUALS_FILES
    rows = {
        f.path: f for f in RitualFile.objects.filter(path__in=configured).select_related("content")
    }
    files = [rows.get(path) or RitualFile(path=path) for path in configured]
    rituals: list[Ritual] = []
    problems: list[Problem] = []
    for ritual_file in files:
        if ritual_file.content is None:
            continue
        parsed = _parsed(ritual_file.path, ritual_file.content.blob_sha, ritual_file.content.text)
        rituals += parsed.rituals
        problems += parsed.problems
    return Catalogue(files=files, rituals=rituals, problems=problems)


def ritual_entry(ritual: Ritual, *, day: dt.date) -> dict[str, Any]:
    """One ritual as `manage.py rituals --json` prints it, for the date `day`."""
    next_due = ritual.next_due(day)
    return {
        "task": ritual.task,
        "frequency": ritual.frequency,
        "dri": ritual.dri,
        "file": ritual.file,
        "due_on": ritual.due_on(day),
        "next_due": next_due.isoformat() if next_due else None,
        "auto_issue": ritual.auto_issue is not None,
        "labels": list(ritual.auto_issue.labels) if ritual.auto_issue else [],
        "repo": ritual.auto_issue.repo if ritual.auto_issue else None,
    }


def ritual_entries(*, day: dt.date) -> list[dict[str, Any]]:
    """Every ritual of every file, in file order, as JSON-ready dicts."""
    return [ritual_entry(ritual, day=day) for ritual in ritual_catalogue().rituals]


# -- the page ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RitualRow:
    ritual: Ritual
    dri_name: str
    next_due: dt.date | None
    last_due: dt.date | None
    issue: RitualIssue | None  # the one filed for the last due date
    issue_open: bool | None  # None: the mirror does not have it
    overdue: RitualIssue | None  # the oldest filed issue still open past its next due date


@dataclass(frozen=True)
class RitualPage:
    today: dt.date
    catalogue: Catalogue
    rows: list[RitualRow]
    dris: list[tuple[str, str]]  # (login, label) of every DRI, for the filter
    files: list[str]


def people_by_login(logins: set[str]) -> dict[str, Person]:
    """People by lower-cased GitHub login (one query)."""
    if not logins:
        return {}
    query = Q()
    for login in logins:
        query |= Q(github_login__iexact=login)
    return {p.github_login.lower(): p for p in Person.objects.filter(query)}


def _issues_by_ritual(
    rituals: list[Ritual], today: dt.date
) -> tuple[dict[tuple[str, str], list[RitualIssue]], dict[tuple[str, int], bool]]:
    """Filed issues of these rituals (newest first), and the mirror's open state by number."""
    if not rituals:
        return {}, {}
    filed = RitualIssue.objects.filter(
        file__in={r.file for r in rituals},
        task__in={r.task for r in rituals},
        due_on__gte=today - ISSUES_LOOKBACK,
    )
    by_ritual: dict[tuple[str, str], list[RitualIssue]] = defaultdict(list)
    for issue in filed:
        by_ritual[(issue.file, issue.task)].append(issue)
    product = settings.GITHUB_REPOSITORY
    numbers = {i.number for issues in by_ritual.values() for i in issues if i.repo == product}
    mirrored = Issue.objects.filter(repository__full_name=product, number__in=numbers)
    states = {
        (product, number): state == Issue.State.OPEN and gone_at is None
        for number, state, gone_at in mirrored.values_list("number", "state", "gone_at")
    }
    return by_ritual, states


def _row(
    ritual: Ritual,
    today: dt.date,
    people: dict[str, Person],
    issues: list[RitualIssue],
    states: dict[tuple[str, int], bool],
) -> RitualRow:
    last_due = ritual.previous_due(today)
    issue = next((i for i in issues if i.due_on == last_due), None)
    overdue = None
    for filed in sorted(issues, key=lambda i: i.due_on):
        following = ritual.next_due(filed.due_on + dt.timedelta(days=1))
        if states.get((filed.repo, filed.number)) and following is not None and today > following:
            overdue = filed
            break
    person = people.get(ritual.dri.lower())
    return RitualRow(
        ritual=ritual,
        dri_name=person.name if person else ritual.dri,
        next_due=ritual.next_due(today),
        last_due=last_due,
        issue=issue,
        issue_open=states.get((issue.repo, issue.number)) if issue else None,
        overdue=overdue,
    )


@dataclass(frozen=True)
class RitualChoices:
    """What the filters offer: every DRI (login, label) and every configured file."""

    dris: list[tuple[str, str]]
    files: list[str]
    people: dict[str, Person]


def ritual_choices(catalogue: Catalogue) -> RitualChoices:
    people = people_by_login({r.dri for r in catalogue.rituals if r.dri})
    logins = sorted(
        {r.dri.lower(): r.dri for r in catalogue.rituals if r.dri}.values(), key=str.lower
    )
    dris = [
        (login, f"{people[login.lower()].name} (@{login})" if login.lower() in people else login)
        for login in logins
    ]
    return RitualChoices(dris=dris, files=[f.path for f in catalogue.files], people=people)


def ritual_page(
    *,
    today: dt.date,
    dri: str = "",
    file: str = "",
    catalogue: Catalogue | None = None,
    choices: RitualChoices | None = None,
) -> RitualPage:
    """Every ritual with its DRI, next due date, last filed issue; filtered by DRI and file."""
    catalogue = catalogue or ritual_catalogue()
    choices = choices or ritual_choices(catalogue)
    shown = [
        r
        for r in catalogue.rituals
        if (not dri or r.dri.lower() == dri.lower()) and (not file or r.file == file)
    ]
    issues, states = _issues_by_ritual(shown, today)
    rows = [_row(r, today, choices.people, issues.get((r.file, r.task), []), states) for r in shown]
    return RitualPage(
        today=today, catalogue=catalogue, rows=rows, dris=choices.dris, files=choices.files
    )


def rituals_due_for(*, person: Person | None, today: dt.date, days: int = 14) -> list[RitualRow]:
    """A person's own rituals due in the next `days` days (today included), soonest first."""
    if person is None or not person.github_login:
        return []
    page = ritual_page(today=today, dri=person.github_login)
    last = today + dt.timedelta(days=days - 1)
    due = [row for row in page.rows if row.next_due is not None and row.next_due <= last]
    return sorted(due, key=lambda row: (row.next_due, row.ritual.task))


def ritual_feed_dates(
    *, rituals: list[Ritual], first: dt.date, days: int = 366
) -> list[tuple[Ritual, dt.date]]:
    """(ritual, due date) of every due date of these rituals in the coming `days` days."""
    last = first + dt.timedelta(days=days - 1)
    found = []
    for ritual in rituals:
        dates = due_dates(
            started_on=ritual.started_on, frequency=ritual.frequency, first=first, last=last
        )
        found += [(ritual, day) for day in dates]
    return sorted(found, key=lambda pair: (pair[1], pair[0].task))


def rituals_for_patch_releases() -> list[Ritual]:
    """The event-driven rituals done for each patch release, for a patch release's page."""
    return [r for r in ritual_catalogue().rituals if for_patch_releases(r)]
