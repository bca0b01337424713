"""The demo mirror's objects and the builder's clock, people and threads.

`HistoryBase` knows the sprint calendar (a minor version per sprint from the demo cadence's
anchor), who works where, and how a thread of comments grows; the kinds of issue and the
whole history build on it (`kinds.py`, `history.py`). Nothing here touches the database.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import random
from dataclasses import dataclass, field

from fleetops.org.models import SPRINT_LENGTH
from worlds.demo.github.vocabulary import (
    BUG_CONTEXTS,
    BUG_SYMPTOMS,
    COMMUNITY,
    CUSTOMERS,
    GROUP_TOPICS,
    HOUR_WEIGHTS,
    HOURS,
    MINOR_AT_ANCHOR,
    REPORTERS,
    WINDOW,
)
from worlds.demo.org import SPRINT_ANCHOR


def ts(moment: dt.datetime | None) -> str | None:
    """GitHub's timestamp format."""
    return None if moment is None else moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def fake_sha(*parts: object) -> str:
    """A stable commit-like SHA named by its parts (a tag's commit, a release's)."""
    return hashlib.sha1(":".join(map(str, parts)).encode(), usedforsecurity=False).hexdigest()


def dotted(parts: tuple[int, ...]) -> str:
    """`(1, 2, 3)` as `1.2.3`."""
    return ".".join(map(str, parts))


@dataclass
class Group:
    label: str
    em: str
    qa: str
    engineers: list[str]


@dataclass
class Comment:
    login: str
    at: dt.datetime
    body: str
    association: str = ""  # filled in for community authors once contributions are known


@dataclass
class Item:
    pull: bool
    created_at: dt.datetime
    author: str
    title: str
    labels: list[str]
    association: str = ""
    closed_at: dt.datetime | None = None
    state_reason: str | None = None
    merged: bool = False
    draft: bool = False
    assignees: list[str] = field(default_factory=list)
    minor: int | None = None
    comments: list[Comment] = field(default_factory=list)
    body: str = ""
    number: int = 0

    @property
    def updated_at(self) -> dt.datetime:
        moments = [self.created_at, *(c.at for c in self.comments)]
        if self.closed_at:
            moments.append(self.closed_at)
        return max(moments)


@dataclass
class Tag:
    name: str
    at: dt.datetime


@dataclass
class Release:
    tag: str
    at: dt.datetime
    prerelease: bool = False


class HistoryBase:
    """The clock, the people and the threads of an invented history."""

    def __init__(self, rng: random.Random, now: dt.datetime, groups: list[Group]) -> None:
        self.rng = rng
        self.now = now.astimezone(dt.UTC).replace(microsecond=0)
        self.start = self.now - WINDOW
        self.groups = groups
        self.members = sorted({x for g in groups for x in (g.em, g.qa, *g.engineers)})
        self.items: list[Item] = []
        self.current_minor = self.minor_of(self.now)
        self.first_minor = self.minor_of(self.start)

    # -- time ---------------------------------------------------------------------------

    def sprint_index(self, moment: dt.datetime) -> int:
        return (moment.date() - SPRINT_ANCHOR).days // SPRINT_LENGTH.days

    def minor_of(self, moment: dt.datetime) -> int:
        """The minor version that ships the work of the sprint containing `moment`."""
        return MINOR_AT_ANCHOR + self.sprint_index(moment)

    def sprint_start(self, minor: int) -> dt.datetime:
        day = SPRINT_ANCHOR + SPRINT_LENGTH * (minor - MINOR_AT_ANCHOR)
        return dt.datetime.combine(day, dt.time(15), tzinfo=dt.UTC)

    def sprint_end(self, minor: int) -> dt.datetime:
        """The sprint's last day (a Sunday), end of day: the milestone's due date."""
        return self.sprint_start(minor + 1) - dt.timedelta(hours=15, seconds=1)

    def release_at(self, minor: int) -> dt.datetime:
        """4.N.0 is published the Wednesday after its sprint, once release QA is done."""
        return self.sprint_start(minor + 1) + dt.timedelta(days=2, hours=3)

    def released(self, minor: int) -> bool:
        return self.release_at(minor) <= self.now

    def later(self, moment: dt.datetime, median_hours: float, sigma: float = 1.0) -> dt.datetime:
        hours = self.rng.lognormvariate(math.log(median_hours), sigma)
        return (moment + dt.timedelta(hours=hours)).replace(microsecond=0)

    def between(self, start: dt.datetime, end: dt.datetime) -> dt.datetime:
        seconds = max(int((end - start).total_seconds()), 1)
        return start + dt.timedelta(seconds=self.rng.randrange(seconds))

    def moments(self, count: int, start: dt.datetime, end: dt.datetime) -> list[dt.datetime]:
        """`count` creation times, busier on weekdays, in working hours and lately."""
        days = max((end - start).days, 1)
        first = start.replace(hour=0, minute=0, second=0)
        weights = [
            (0.55 + 0.45 * d / days) * (0.2 if (first + dt.timedelta(days=d)).weekday() >= 5 else 1)
            for d in range(days)
        ]
        picks = self.rng.choices(range(days), weights=weights, k=count)
        hours = self.rng.choices(HOURS, weights=HOUR_WEIGHTS, k=count)
        out = []
        for day, hour in zip(picks, hours, strict=True):
            moment = first + dt.timedelta(days=day, hours=hour, seconds=self.rng.randrange(3600))
            out.append(min(max(moment, start), end))
        return out

    # -- people ---------------------------------------------------------------------------

    def group(self) -> Group:
        return self.rng.choice(self.groups)

    def engineer(self, group: Group) -> str:
        return self.rng.choice(group.engineers or [group.em])

    def topics(self, group: Group) -> dict[str, list[str]]:
        """What the group's issues are about (a group unknown to the demo borrows some)."""
        return GROUP_TOPICS.get(group.label, GROUP_TOPICS["#g-orchestration"])

    def member(self) -> str:
        return self.rng.choice(self.members)

    def community(self, *, coder: bool = False) -> str:
        """A community login: PRs come mostly from regular contributors, issues from anyone."""
        if coder:
            return self.rng.choice(COMMUNITY[:12] if self.rng.random() < 0.7 else COMMUNITY)
        return self.rng.choice(COMMUNITY + REPORTERS)

    # -- threads --------------------------------------------------------------------------

    def thread(
        self,
        item: Item,
        voices: list[str],
        count: int,
        start: dt.datetime,
        bodies: list[str],
    ) -> None:
        """`count` comments by `voices` after `start`, before the item closes (or now)."""
        end = item.closed_at or self.now
        if count <= 0 or start >= end:
            return
        times = sorted(self.between(start, end) for _ in range(count))
        for moment in times:
            item.comments.append(Comment(self.rng.choice(voices), moment, self.rng.choice(bodies)))

    def close(self, item: Item, after: dt.datetime, reason: str = "completed") -> None:
        if after < self.now:
            item.closed_at, item.state_reason = after, reason

    # -- kinds ----------------------------------------------------------------------------

    def bug_title(self, group: Group) -> str:
        topics = self.topics(group)
        subject = self.rng.choice(topics["subjects"])
        symptom = self.rng.choice(BUG_SYMPTOMS)
        if symptom == "breaks after upgrading":
            symptom += (
                f" to {self.minor_label(self.rng.randrange(self.first_minor, self.current_minor))}"
            )
        return f"{subject} {symptom} {self.rng.choice(BUG_CONTEXTS)}".strip()

    def minor_label(self, minor: int) -> str:
        return f"4.{minor}.0"

    def priority(self, labels: list[str]) -> str | None:
        roll = self.rng.random()
        priority = "P0" if roll < 0.015 else "P1" if roll < 0.11 else "P2" if roll < 0.3 else None
        if priority:
            labels.append(priority)
        return priority

    def customer(self, labels: list[str], share: float = 0.1) -> None:
        if self.rng.random() < share:
            labels.append(self.rng.choice(CUSTOMERS))
