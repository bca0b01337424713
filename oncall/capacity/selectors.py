"""Reads of capacity: each product group's sprint capacity after on-call and time off.

The arithmetic (and the handbook's rules, quoted) is in `oncall/capacity/rules.py`; this
module loads the sprints, groups, holidays and the schedule (`schedule_load`) and applies it.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Prefetch

from fleetops.org.models import Person, ProductGroup, Sprint, process_time_zone, process_today
from fleetops.org.rules import PACIFIC
from kpis import selectors as kpi_selectors
from oncall.capacity.rules import (
    available_days,
    bug_points,
    capacity_percent,
    capacity_points,
    display_number,
    oncall_days,
    working_days_away,
)
from oncall.community.rules import business_days_between, business_seconds_between
from oncall.models import OncallProfile, TimeOff
from oncall.schedule.rules import local_midnight
from oncall.schedule.selectors import ScheduleData, TimeOffEntry, holiday_names, schedule_load

SPRINT_LABELS = ("current", "next", "after next")


@dataclass(frozen=True)
class OncallStint:
    person: Person
    starts_at: dt.datetime
    ends_at: dt.datetime
    days: float  # business days within the sprint
    kind: str


@dataclass(frozen=True)
class AwayStint:
    person: Person
    starts_on: dt.date
    ends_on: dt.date
    days: int  # working days within the sprint
    note: str
    source: str


@dataclass
class GroupCapacity:
    group: ProductGroup
    engineers: list[Person]
    working_days: int
    oncall_days: float
    time_off_days: int
    oncall: list[OncallStint]
    away: list[AwayStint]
    bug_rule: bool | None

    @property
    def engineer_days(self) -> int:
        return len(self.engineers) * self.working_days

    @property
    def available_days(self) -> float:
        return available_days(
            engineer_days=self.engineer_days,
            oncall_days=self.oncall_days,
            time_off_days=self.time_off_days,
        )

    @property
    def percent(self) -> float:
        return capacity_percent(
            available_days=self.available_days, engineer_days=self.engineer_days
        )

    @property
    def points(self) -> int:
        """The nominal sprint capacity scaled by the engineer-days left."""
        return capacity_points(
            nominal=self.group.sprint_capacity,
            available_days=self.available_days,
            engineer_days=self.engineer_days,
        )

    @property
    def bug_points(self) -> int | None:
        """Handbook capacity rule: half for bugs and engineering-initiated stories while the
        average open bug is older than 32 days; None when no KPIs are recorded yet."""
        return bug_points(points=self.points, over_bug_goal=self.bug_rule)

    def as_json(self) -> dict:
        return {
            "group": self.group.name,
            "engineers": len(self.engineers),
            "working_days": self.working_days,
            "oncall_days": display_number(self.oncall_days),
            "time_off_days": self.time_off_days,
            "available_days": display_number(self.available_days),
            "percent": self.percent,
            "points": self.points,
            "bug_points": self.bug_points,
        }


@dataclass
class SprintCapacity:
    sprint: Sprint
    label: str  # current | next | after next | ""
    groups: list[GroupCapacity]
    loses_most: bool = False

    @property
    def oncall_days(self) -> float:
        return display_number(sum(g.oncall_days for g in self.groups))

    @property
    def available_days(self) -> float:
        return display_number(sum(g.available_days for g in self.groups))

    @property
    def engineer_days(self) -> int:
        return sum(g.engineer_days for g in self.groups)

    @property
    def percent(self) -> float:
        return capacity_percent(
            available_days=self.available_days, engineer_days=self.engineer_days
        )


@dataclass
class CapacityBoard:
    sprints: list[SprintCapacity]
    bug_rule: bool | None


@dataclass(frozen=True)
class _Inputs:
    """What every sprint of the board is computed from (loaded once)."""

    groups: list[ProductGroup]
    people: dict[int, Person]
    holidays: dict[dt.date, str]
    data: ScheduleData
    away: dict[int, list[TimeOffEntry]]
    zone: zoneinfo.ZoneInfo
    bug_rule: bool | None


def _bug_rule() -> bool | None:
    """The weekly KPIs' over-bug-goal flag of the latest recorded week (None: none yet)."""
    return kpi_selectors.kpi_bug_goal_exceeded()


def _sprints(*, today: dt.date, sprint_number: int | None, count: int) -> list[Sprint]:
    if sprint_number is not None:
        return list(Sprint.objects.filter(number=sprint_number))
    return list(Sprint.objects.filter(ends_on__gte=today).order_by("starts_on")[:count])


def _inputs(sprints: list[Sprint], bug_rule: bool | None) -> _Inputs:
    """Groups and members, holidays, the schedule (two queries) of the sprints' range."""
    groups = list(
        ProductGroup.objects.order_by("name").prefetch_related(
            Prefetch("members", queryset=Person.objects.active().order_by("name"))
        )
    )
    zone = process_time_zone()
    first, last = sprints[0].starts_on, sprints[-1].ends_on
    holidays = holiday_names(first=first, last=last)
    data = schedule_load(
        start=local_midnight(first, zone), end=local_midnight(last + dt.timedelta(days=1), zone)
    )
    away: dict[int, list[TimeOffEntry]] = defaultdict(list)
    for entry in data.time_off:
        away[entry.person_id].append(entry)
    people = {m.pk: m for g in groups for m in g.members.all()}
    return _Inputs(groups, people, holidays, data, away, zone, bug_rule)


def _oncall_stints(inputs: _Inputs, sprint: Sprint) -> dict[int, list[OncallStint]]:
    """Each group member's stretches on call in the sprint, adjacent segments joined."""
    start = local_midnight(sprint.starts_on, inputs.zone)
    end = local_midnight(sprint.ends_on + dt.timedelta(days=1), inputs.zone)
    oncall: dict[int, list[OncallStint]] = defaultdict(list)
    for plan in inputs.data.rotations:
        for segment in inputs.data.segments(plan, start, end):
            person = inputs.people.get(segment.person_id) if segment.person_id else None
            if person is None:
                continue
            days = oncall_days(
                business_seconds_between(
                    segment.starts_at, segment.ends_at, holidays=inputs.holidays, zone=PACIFIC
                )
            )
            stints = oncall[person.pk]
            if stints and stints[-1].ends_at == segment.starts_at:
                last = stints.pop()
                stints.append(
                    OncallStint(
                        person, last.starts_at, segment.ends_at, last.days + days, last.kind
                    )
                )
            else:
                stints.append(
                    OncallStint(person, segment.starts_at, segment.ends_at, days, segment.kind)
                )
    return oncall


def _away_stints(
    inputs: _Inputs, sprint: Sprint, engineers: list[Person]
) -> tuple[list[AwayStint], int]:
    """The engineers' time off in the sprint, and the working days it takes in all."""
    away, total = [], 0
    for engineer in engineers:
        entries = inputs.away.get(engineer.pk, [])
        added, days = working_days_away(
            [(e.starts_on, e.ends_on) for e in entries],
            first=sprint.starts_on,
            last=sprint.ends_on,
            holidays=inputs.holidays,
        )
        away.extend(
            AwayStint(engineer, e.starts_on, e.ends_on, n, e.note, e.source)
            for e, n in zip(entries, added, strict=True)
            if n is not None
        )
        total += days
    return away, total


def _group_capacity(
    inputs: _Inputs,
    sprint: Sprint,
    group: ProductGroup,
    oncall: dict[int, list[OncallStint]],
    working: int,
) -> GroupCapacity:
    leads = {group.engineering_manager_id, group.qa_lead_id}
    engineers = [m for m in group.members.all() if m.pk not in leads]
    stints = [s for e in engineers for s in oncall.get(e.pk, []) if s.days > 0]
    away, away_days = _away_stints(inputs, sprint, engineers)
    return GroupCapacity(
        group=group,
        engineers=engineers,
        working_days=working,
        oncall_days=sum(s.days for s in stints),
        time_off_days=away_days,
        oncall=sorted(stints, key=lambda s: s.starts_at),
        away=away,
        bug_rule=inputs.bug_rule,
    )


def _label(position: int, sprint: Sprint, *, today: dt.date, one_sprint: bool) -> str:
    if one_sprint:
        return "current" if sprint.starts_on <= today <= sprint.ends_on else ""
    return SPRINT_LABELS[position] if position < len(SPRINT_LABELS) else ""


def capacity_board(
    *, today: dt.date | None = None, sprint_number: int | None = None, count: int = 3
) -> CapacityBoard:
    """Each product group's capacity in the current and next two sprints (or one sprint).

    Handbook, "Schedule developer on-call workload": EMs reduce estimated capacity for
    each sprint by the on-call rotation (the rules: `oncall/capacity/rules.py`). Constant
    queries: sprints, groups and members, holidays, the schedule (two), the KPI flag.
    """
    today = today or process_today()
    sprints = _sprints(today=today, sprint_number=sprint_number, count=count)
    bug_rule = _bug_rule()
    if not sprints:
        return CapacityBoard([], bug_rule)
    inputs = _inputs(sprints, bug_rule)
    board = CapacityBoard([], bug_rule)
    for position, sprint in enumerate(sprints):
        working = business_days_between(sprint.starts_on, sprint.ends_on, holidays=inputs.holidays)
        oncall = _oncall_stints(inputs, sprint)
        rows = [_group_capacity(inputs, sprint, g, oncall, working) for g in inputs.groups]
        label = _label(position, sprint, today=today, one_sprint=sprint_number is not None)
        board.sprints.append(SprintCapacity(sprint, label, rows))
    worst = max(board.sprints, key=lambda s: s.oncall_days)
    if worst.oncall_days > 0 and len(board.sprints) > 1:
        worst.loses_most = True
    return board


# -- time off and calendar imports, for the page -----------------------------------------------


def time_off_upcoming(*, today: dt.date, days: int = 120) -> list[TimeOff]:
    """Time off from today on (and what is under way), soonest first, one query."""
    return list(
        TimeOff.objects.overlapping(today, today + dt.timedelta(days=days))
        .in_bounds()
        .select_related("person", "created_by")
        .order_by("starts_on", "person__name", "pk")
    )


def calendar_imports() -> list[OncallProfile]:
    """People whose time off is imported from a calendar, with the last outcome."""
    return list(
        OncallProfile.objects.exclude(ics_url="").select_related("person").order_by("person__name")
    )
