"""What the overview shows a person about on-call: their next shift (or that they are in no
rotation), and for an EM their groups' capacity this sprint and who is on call.

One schedule load (two queries) for the shifts; an EM adds one query for their groups and
the capacity board of the current sprint (a constant number): nothing per row.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from fleetops.core.mywork import LATER, NOW, SOON, WorkSection
from fleetops.org.models import Person, process_time_zone
from fleetops.org.roles import groups_managed
from oncall.capacity.selectors import GroupCapacity, SprintCapacity, capacity_board
from oncall.schedule.rules import person_runs
from oncall.schedule.selectors import (
    LOOK_AHEAD,
    LOOK_BACK,
    OncallShift,
    ScheduleData,
    first_on_call,
    schedule_load,
)

# A shift that starts within a week is this week's business.
SOON_ENOUGH = dt.timedelta(days=7)
# Nothing to act on (not in a rotation, no shift ahead): after the sections with something.
LAST = LATER + 10


@dataclass(frozen=True)
class Stretch:
    """A stretch of time the person is on call in one rotation."""

    rotation: str
    rotation_id: int
    starts_at: dt.datetime
    ends_at: dt.datetime | None  # None: beyond the weeks we looked at

    def is_now(self, at: dt.datetime) -> bool:
        return self.starts_at <= at and (self.ends_at is None or at < self.ends_at)


@dataclass
class OncallWork:
    person: Person | None
    at: dt.datetime
    in_rotation: bool = False
    stretches: list[Stretch] = field(default_factory=list)  # the person's, soonest first
    shift: OncallShift | None = None  # who is on call now (and next), rotation-wide
    sprint: SprintCapacity | None = None  # the EM's groups in the current sprint
    groups: list[GroupCapacity] = field(default_factory=list)
    is_em: bool = False

    @property
    def next_shift(self) -> Stretch | None:
        return self.stretches[0] if self.stretches else None

    @property
    def on_call_now(self) -> bool:
        return self.next_shift is not None and self.next_shift.is_now(self.at)

    @property
    def following(self) -> Stretch | None:
        """The stretch after the current one, when the person is on call now."""
        return self.stretches[1] if self.on_call_now and len(self.stretches) > 1 else None

    @property
    def starts_in(self) -> dt.timedelta | None:
        return self.next_shift.starts_at - self.at if self.next_shift else None

    @property
    def starts_when(self) -> str:
        """When the next shift starts in words (`day_phrase`), in the viewer's time zone
        (the active one); "" when the date says it better."""
        if self.next_shift is None or self.on_call_now:
            return ""
        return day_phrase(
            timezone.localtime(self.next_shift.starts_at).date(), timezone.localtime(self.at).date()
        )

    @property
    def shift_urgency(self) -> int:
        if self.next_shift is None:
            return LAST
        if self.on_call_now:
            return NOW
        return SOON if self.starts_in <= SOON_ENOUGH else LATER


def day_phrase(day: dt.date, today: dt.date) -> str:
    """How a person says when `day` is, seen from `today` (weeks start on Monday): "today",
    "tomorrow", "this week", "next week", else ""."""
    days = (day - today).days
    weeks = ((day - today).days + today.weekday()) // 7  # Mondays between them
    if days < 0:
        return ""
    if days <= 1:
        return ("today", "tomorrow")[days]
    return {0: "this week", 1: "next week"}.get(weeks, "")


def _stretches(data: ScheduleData, person_id: int, at: dt.datetime) -> tuple[bool, list[Stretch]]:
    """Whether the person is in an active rotation, and their stretches on call from `at` on."""
    in_rotation, stretches = False, []
    for plan in data.rotations:
        in_rotation = in_rotation or person_id in plan.member_ids
        for who, starts_at, ends_at in person_runs(data.segments(plan)):
            if who != person_id or ends_at <= at:
                continue
            in_rotation = True  # an override makes them part of it, for now
            stretches.append(
                Stretch(plan.name, plan.id, starts_at, ends_at if ends_at < data.end else None)
            )
    stretches.sort(key=lambda s: (s.starts_at, s.rotation))
    return in_rotation, stretches


def _current_sprint(today: dt.date) -> SprintCapacity | None:
    board = capacity_board(today=today, count=1)
    sprint = board.sprints[0] if board.sprints else None
    if sprint is None or sprint.sprint.starts_on > today:
        return None
    return sprint


def oncall_work(*, person: Person | None, at: dt.datetime | None = None) -> OncallWork:
    """The person's next shift, who is on call now, and an EM's groups' capacity."""
    at = at or timezone.now()
    work = OncallWork(person=person, at=at)
    data = schedule_load(start=at - LOOK_BACK, end=at + LOOK_AHEAD)
    work.shift = first_on_call(data, at)
    if person is None:
        return work
    work.in_rotation, work.stretches = _stretches(data, person.pk, at)
    managed = groups_managed(person)
    work.is_em = bool(managed)
    if managed:
        work.sprint = _current_sprint(timezone.localtime(at, process_time_zone()).date())
        if work.sprint is not None:
            ids = {group.pk for group in managed}
            work.groups = [g for g in work.sprint.groups if g.group.pk in ids]
    return work


def oncall_sections(work: OncallWork) -> list[WorkSection]:
    """The overview's on-call sections: the next shift (always), an EM's capacity."""
    sections = [
        WorkSection("shift", "oncall/mywork/shift.html", work.shift_urgency, {"work": work})
    ]
    if work.is_em:
        capacity = WorkSection("capacity", "oncall/mywork/capacity.html", LATER, {"work": work})
        sections.append(capacity)
    return sections
