"""The rituals' rules, pure: reading the hand-written YAML files and the schedule.

Handbook (engineering, "Rituals"): the company keeps its rituals as YAML files in the product
repository (`handbook/engineering/engineering.rituals.yml`); each entry has `task`,
`startedOn` ("YYYY-MM-DD"), `frequency`, `description`, `moreInfoUrl`, `dri` (a GitHub
login) and, optionally, `autoIssue: {labels: [...], repo: "fleet"}`.

The schedule, for a date D (calendar days in UTC, as the company's own ritual script does):
`Daily` every day from `startedOn`; `Weekly`, `Biweekly`, `Triweekly` on `startedOn` plus a
whole number of 7, 14 or 21 days; `Monthly`, `Quarterly`, `Annually` on `startedOn` plus a
whole number of 1, 3 or 12 months, on the same day of the month or the month's last day when
it is shorter (computed from `startedOn` each time, so Jan 31 gives Feb 28/29, Mar 31,
Apr 30, never drifting to the 28th). Never before `startedOn`. Any other frequency ("Every
patch release") is event-driven: it has no date and is never due by date.

No ORM and no I/O here: the files' text comes in, dataclasses and problems go out.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import yaml

from fleetops.core.bounds import RANGE_TEXT, date_in_range

DAY_STEPS = {"daily": 1, "weekly": 7, "biweekly": 14, "triweekly": 21}
MONTH_STEPS = {"monthly": 1, "quarterly": 3, "annually": 12}
DATE_FORMAT = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# Typographic quotes typed around a whole value, as if they were YAML's quotes.
SMART_QUOTES = (("\u201c", "\u201d"), ("\u2018", "\u2019"), ("\u201e", "\u201c"), ("«", "»"))


def frequency_key(frequency: str) -> str | None:
    """`daily`, `weekly`, ... for a frequency with a date rule (any case, spaces around), else
    None: the ritual is event-driven."""
    key = " ".join(frequency.split()).lower()
    return key if key in DAY_STEPS or key in MONTH_STEPS else None


def _month_length(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def _months_after(start: dt.date, months: int) -> dt.date:
    """`start` plus `months` months: the same day, or the month's last day when shorter."""
    year, month0 = divmod(start.month - 1 + months, 12)
    year += start.year
    return dt.date(year, month0 + 1, min(start.day, _month_length(year, month0 + 1)))


def _months_between(start: dt.date, day: dt.date) -> int:
    return (day.year - start.year) * 12 + day.month - start.month


def due_on(*, started_on: dt.date, frequency: str, day: dt.date) -> bool:
    """Is the ritual due on `day`? Never before `startedOn`; never for event-driven ones."""
    key = frequency_key(frequency)
    if key is None or day < started_on:
        return False
    if key in DAY_STEPS:
        return (day - started_on).days % DAY_STEPS[key] == 0
    months = _months_between(started_on, day)
    return months % MONTH_STEPS[key] == 0 and _months_after(started_on, months) == day


def next_due(*, started_on: dt.date, frequency: str, day: dt.date) -> dt.date | None:
    """The first due date on or after `day`; None for an event-driven ritual."""
    key = frequency_key(frequency)
    if key is None:
        return None
    if day <= started_on:
        return started_on
    if key in DAY_STEPS:
        step = DAY_STEPS[key]
        return started_on + dt.timedelta(days=-(-(day - started_on).days // step) * step)
    step = MONTH_STEPS[key]
    months = -(-_months_between(started_on, day) // step) * step
    candidate = _months_after(started_on, months)
    return candidate if candidate >= day else _months_after(started_on, months + step)


def previous_due(*, started_on: dt.date, frequency: str, day: dt.date) -> dt.date | None:
    """The last due date on or before `day`; None before `startedOn` or if event-driven."""
    key = frequency_key(frequency)
    if key is None or day < started_on:
        return None
    if key in DAY_STEPS:
        step = DAY_STEPS[key]
        return started_on + dt.timedelta(days=(day - started_on).days // step * step)
    step = MONTH_STEPS[key]
    months = _months_between(started_on, day) // step * step
    candidate = _months_after(started_on, months)
    if candidate > day:
        months -= step
        candidate = _months_after(started_on, months)
    return candidate if months >= 0 else None


def due_dates(
    *, started_on: dt.date, frequency: str, first: dt.date, last: dt.date
) -> Iterator[dt.date]:
    """Every due date from `first` to `last`, both included."""
    day = next_due(started_on=started_on, frequency=frequency, day=first)
    while day is not None and day <= last:
        yield day
        day = next_due(started_on=started_on, frequency=frequency, day=day + dt.timedelta(1))


# -- the YAML files ----------------------------------------------------------------------------


@dataclass(frozen=True)
class AutoIssue:
    labels: tuple[str, ...]
    repo: str


@dataclass(frozen=True)
class Ritual:
    """One entry of a rituals file. `index` is its 1-based position in the file."""

    file: str
    index: int
    task: str
    started_on: dt.date
    frequency: str
    description: str = ""
    more_info_url: str = ""
    dri: str = ""
    auto_issue: AutoIssue | None = None

    @property
    def event_driven(self) -> bool:
        return frequency_key(self.frequency) is None

    def due_on(self, day: dt.date) -> bool:
        return due_on(started_on=self.started_on, frequency=self.frequency, day=day)

    def next_due(self, day: dt.date) -> dt.date | None:
        return next_due(started_on=self.started_on, frequency=self.frequency, day=day)

    def previous_due(self, day: dt.date) -> dt.date | None:
        return previous_due(started_on=self.started_on, frequency=self.frequency, day=day)

    def issue_body(self) -> str:
        """The auto-issue's body: the description, then the moreInfoUrl when there is one."""
        return "\n\n".join(part for part in (self.description, self.more_info_url) if part)


@dataclass(frozen=True)
class Problem:
    """What is wrong with a file or one of its entries (`index` None: the whole file)."""

    file: str
    index: int | None
    task: str
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.index is not None:
            where += f", entry {self.index}" + (f" (“{self.task}”)" if self.task else "")
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class ParsedFile:
    file: str
    rituals: list[Ritual] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


class _EntryError(Exception):
    """The entry cannot be loaded; the message says why."""


def _text(value: Any) -> str:
    """A scalar as clean text: spaces trimmed, typographic quotes around it removed."""
    if value is None:
        return ""
    if isinstance(value, bool):
        value = "true" if value else "false"
    text = str(value).strip()
    for opening, closing in SMART_QUOTES:
        if len(text) >= 2 and text.startswith(opening) and text.endswith(closing):
            return text[1:-1].strip()
    return text


def _started_on(value: Any) -> dt.date:
    text = value.isoformat()[:10] if isinstance(value, dt.date) else _text(value)
    if not text:
        raise _EntryError("startedOn is missing: the entry is skipped.")
    if not DATE_FORMAT.match(text):
        raise _EntryError(
            f"startedOn “{text[:40]}” is not a YYYY-MM-DD date: the entry is skipped."
        )
    try:
        day = dt.date.fromisoformat(text)
    except ValueError as exc:
        raise _EntryError(f"startedOn “{text}” is not a real date: the entry is skipped.") from exc
    if not date_in_range(day):
        raise _EntryError(f"startedOn {text} is not between {RANGE_TEXT}: the entry is skipped.")
    return day


def _auto_issue(value: Any, problems: list[str]) -> AutoIssue | None:
    if value is None or value == "":
        return None
    if not isinstance(value, dict):
        problems.append("autoIssue is not a mapping of labels and repo: no issue will be filed.")
        return None
    entry = {_text(k): v for k, v in value.items()}
    repo = _text(entry.get("repo"))
    labels_value = entry.get("labels") or []
    if isinstance(labels_value, str):
        labels_value = [labels_value]
    if not repo or "/" in repo:
        problems.append(
            "autoIssue.repo is missing or not a repository name: no issue will be filed."
        )
        return None
    if not isinstance(labels_value, list):
        problems.append("autoIssue.labels is not a list: no issue will be filed.")
        return None
    labels = tuple(dict.fromkeys(label for label in map(_text, labels_value) if label))
    return AutoIssue(labels=labels, repo=repo)


def _entry(raw: Any, *, file: str, index: int) -> tuple[Ritual, list[str]]:
    if not isinstance(raw, dict):
        raise _EntryError("the entry is not a mapping of task, startedOn, frequency, ...: skipped.")
    entry = {_text(k): v for k, v in raw.items()}
    task = _text(entry.get("task"))
    if not task:
        raise _EntryError("task is missing: the entry is skipped.")
    started_on = _started_on(entry.get("startedOn"))
    frequency = _text(entry.get("frequency"))
    if not frequency:
        raise _EntryError("frequency is missing: the entry is skipped.")
    problems: list[str] = []
    dri = _text(entry.get("dri")).removeprefix("@")
    if not dri:
        problems.append("dri is empty: nobody is named for it.")
    auto_issue = _auto_issue(entry.get("autoIssue"), problems)
    ritual = Ritual(
        file=file,
        index=index,
        task=task,
        started_on=started_on,
        frequency=frequency,
        description=_text(entry.get("description")),
        more_info_url=_text(entry.get("moreInfoUrl")),
        dri=dri,
        auto_issue=auto_issue,
    )
    return ritual, problems


class _Loader(yaml.SafeLoader):
    """YAML's safe loader, leaving dates as text: `startedOn: 2024-02-30` (unquoted) is then
    one entry's problem rather than an error that loses the whole file."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _task_of(raw: Any) -> str:
    if not isinstance(raw, dict):
        return ""
    return next((_text(v) for k, v in raw.items() if _text(k) == "task"), "")


def _load(text: str) -> Any:
    try:
        return yaml.load(text, Loader=_Loader)  # a SafeLoader
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        raise _EntryError(f"the file is not valid YAML{where}: {exc.problem}.") from exc
    except (yaml.YAMLError, RecursionError, ValueError) as exc:
        raise _EntryError(f"the file is not valid YAML: {str(exc)[:120]}.") from exc


def rituals_parse(text: str, *, file: str) -> ParsedFile:
    """Every loadable ritual of a file, and a problem for each entry that is wrong.

    One bad entry is reported (file, entry, problem) and the others still load.
    """
    try:
        data = _load(text)
    except _EntryError as exc:
        return ParsedFile(file=file, problems=[Problem(file, None, "", str(exc))])
    if data is None:
        return ParsedFile(file=file, problems=[Problem(file, None, "", "the file is empty.")])
    if not isinstance(data, list):
        message = "the file is not a list of rituals (each entry starts with “- task:”)."
        return ParsedFile(file=file, problems=[Problem(file, None, "", message)])
    rituals: list[Ritual] = []
    problems: list[Problem] = []
    seen: set[str] = set()
    for index, raw in enumerate(data, start=1):
        task = _task_of(raw)
        try:
            ritual, notes = _entry(raw, file=file, index=index)
        except _EntryError as exc:
            problems.append(Problem(file, index, task, str(exc)))
            continue
        problems += [Problem(file, index, task, note) for note in notes]
        if ritual.task.casefold() in seen:
            message = "another entry of this file has the same task: this one is skipped."
            problems.append(Problem(file, index, task, message))
            continue
        seen.add(ritual.task.casefold())
        rituals.append(ritual)
    return ParsedFile(file=file, rituals=rituals, problems=problems)


PATCH_RELEASE = "patch release"


def for_patch_releases(ritual: Ritual) -> bool:
    """An event-driven ritual done for each patch release ("Every patch release")."""
    return ritual.event_driven and PATCH_RELEASE in " ".join(ritual.frequency.lower().split())
