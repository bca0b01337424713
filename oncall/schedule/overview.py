"""Reads for the on-call page: now and next, the calendar of the coming weeks, fairness."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass, field

from django.utils import timezone

from fleetops.org.models import Person
from fleetops.org.rules import PACIFIC
from oncall.community.rules import (
    business_seconds_between,
    business_window,
)
from oncall.models import OncallHandoff
from oncall.schedule.offers import shift_options
from oncall.schedule.rules import (
    RotationPlan,
    Segment,
    local_midnight,
)
from oncall.schedule.selectors import (
    LOOK_AHEAD,
    LOOK_BACK,
    OncallShift,
    OverrideEntry,
    ScheduleData,
    first_on_call,
    holiday_names,
    schedule_load,
    shift_owner,
)

# -- the on-call page -------------------------------------------------------------------------


@dataclass(frozen=True)
class CalendarEntry:
    person: Person | None
    kind: str  # rotation | override | swap | gap
    starts_at: dt.datetime  # in the viewer's zone, clipped to the day
    ends_at: dt.datetime
    from_start_of_day: bool
    to_end_of_day: bool
    instead_of: Person | None  # whom the rotation named, for overrides, swaps and gaps
    gap_reason: str


@dataclass
class CalendarDay:
    date: dt.date
    entries: list[CalendarEntry]
    is_today: bool
    holiday: str

    @property
    def is_weekend(self) -> bool:
        return self.date.weekday() >= 5

    @property
    def has_gap(self) -> bool:
        return any(e.kind == "gap" for e in self.entries)

    @property
    def has_change(self) -> bool:
        return any(e.kind in ("override", "swap") for e in self.entries)

    continues: bool = False  # the same as the end of the day before: nothing changes

    @property
    def is_plain(self) -> bool:
        """Nothing changes that day (phones leave such days out)."""
        return self.continues and not self.is_today and not self.holiday


@dataclass
class ShiftRow:
    index: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    owner: Person | None
    rotation_person: Person | None
    segments: list[tuple[Segment, Person | None]]
    is_current: bool

    @property
    def swapped(self) -> bool:
        return self.owner is not None and self.owner != self.rotation_person

    @property
    def gaps(self) -> list[Segment]:
        return [s for s, _ in self.segments if s.kind == "gap"]

    @property
    def overrides(self) -> list[tuple[Segment, Person | None]]:
        return [(s, p) for s, p in self.segments if s.kind == "override"]


@dataclass
class FairnessRow:
    person: Person
    hours: float  # on call, wall clock
    business_hours: float  # of which during business hours
    share: int  # percent of all business hours on call in the period


@dataclass
class OncallOverview:
    at: dt.datetime
    shift: OncallShift | None
    plan: RotationPlan | None
    calendar: list[list[CalendarDay]]
    shifts: list[ShiftRow]
    overrides: list[tuple[OverrideEntry, Person | None]]
    fairness: list[FairnessRow]
    fairness_start: dt.date
    fairness_end: dt.date
    members: list[Person]
    gaps: list[Segment]
    zone: zoneinfo.ZoneInfo
    my_next: ShiftRow | None = None
    # Today's 9:00 and 17:00 Pacific ("9am - 5pm Pacific"), for showing in the viewer's zone.
    business_hours: tuple[dt.datetime, dt.datetime] | None = None
    data: ScheduleData | None = field(default=None, repr=False)


def oncall_calendar(
    *,
    data: ScheduleData,
    plan: RotationPlan,
    first_day: dt.date,
    weeks: int,
    today: dt.date,
    holidays: dict[dt.date, str],
    zone: zoneinfo.ZoneInfo | dt.tzinfo,
) -> list[list[CalendarDay]]:
    """Weeks of days in the viewer's `zone`, each with who is on call when.

    The rotation's handoffs stay in the rotation's zone (`plan.zone`); only the days they
    are drawn on, and the times shown, are the viewer's (ADR 0016).
    """
    end_day = first_day + dt.timedelta(weeks=weeks)
    segments = data.segments(plan, local_midnight(first_day, zone), local_midnight(end_day, zone))
    calendar: list[list[CalendarDay]] = []
    for week in range(weeks):
        days = []
        for offset in range(7):
            day = first_day + dt.timedelta(weeks=week, days=offset)
            opens, closes = (
                local_midnight(day, zone),
                local_midnight(day + dt.timedelta(days=1), zone),
            )
            entries = [
                CalendarEntry(
                    person=data.person(s.person_id),
                    kind=s.kind,
                    starts_at=max(s.starts_at, opens).astimezone(zone),
                    ends_at=min(s.ends_at, closes).astimezone(zone),
                    from_start_of_day=s.starts_at <= opens,
                    to_end_of_day=s.ends_at >= closes,
                    instead_of=data.person(
                        s.rotation_person_id if s.kind != "gap" else s.scheduled_id
                    ),
                    gap_reason=s.gap_reason,
                )
                for s in segments
                if s.starts_at < closes and s.ends_at > opens
            ]
            days.append(CalendarDay(day, entries, day == today, holidays.get(day, "")))
        calendar.append(days)
    previous = None
    for day in (d for week in calendar for d in week):
        only = day.entries[0] if len(day.entries) == 1 else None
        day.continues = (
            only is not None
            and only.from_start_of_day
            and only.to_end_of_day
            and only.kind != "gap"
            and previous is not None
            and (previous.person, previous.kind) == (only.person, only.kind)
        )
        previous = day.entries[-1] if day.entries else None
    return calendar


def oncall_shifts_upcoming(
    *, data: ScheduleData, plan: RotationPlan, at: dt.datetime, count: int = 8
) -> list[ShiftRow]:
    """The current shift and the next ones, with their owner, overrides and gaps."""
    first = max(plan.shift_index_at(at), 0)
    rows = []
    for index in range(first, first + count):
        starts_at, ends_at = plan.shift_start(index), plan.shift_start(index + 1)
        if starts_at >= data.end:
            break
        segments = data.segments(plan, starts_at, min(ends_at, data.end))
        rows.append(
            ShiftRow(
                index=index,
                starts_at=starts_at,
                ends_at=ends_at,
                owner=data.person(shift_owner(data, plan, index)),
                rotation_person=data.person(plan.shift_person(index)),
                segments=[(s, data.person(s.person_id)) for s in segments],
                is_current=starts_at <= at < ends_at,
            )
        )
    return rows


def oncall_fairness(
    *,
    data: ScheduleData,
    start: dt.datetime,
    end: dt.datetime,
    holidays: dict[dt.date, str],
    zone: zoneinfo.ZoneInfo,
) -> list[FairnessRow]:
    """On-call hours per person over a period, across the active rotations (fairness)."""
    hours: dict[int, float] = defaultdict(float)
    business: dict[int, float] = defaultdict(float)
    for plan in data.rotations:
        for person_id in plan.member_ids:
            hours.setdefault(person_id, 0.0)
        for segment in data.segments(plan, start, end):
            if segment.person_id is None:
                continue
            hours[segment.person_id] += segment.duration.total_seconds() / 3600
            business[segment.person_id] += (
                business_seconds_between(
                    segment.starts_at, segment.ends_at, holidays=holidays, zone=zone
                )
                / 3600
            )
    total = sum(business.values()) or 1
    rows = [
        FairnessRow(
            person=data.people[person_id],
            hours=round(hours[person_id], 1),
            business_hours=round(business[person_id], 1),
            share=round(100 * business[person_id] / total),
        )
        for person_id in hours
    ]
    return sorted(rows, key=lambda r: (-r.business_hours, -r.hours, r.person.name))


def oncall_overview(
    *,
    at: dt.datetime | None = None,
    weeks: int = 6,
    fairness_start: dt.date | None = None,
    fairness_end: dt.date | None = None,
    viewer_id: int | None = None,
    zone: zoneinfo.ZoneInfo | dt.tzinfo | None = None,
) -> OncallOverview:
    """What /oncall/ shows: now and next, the coming weeks, overrides, gaps, fairness.

    Days and "today" are the viewer's (`zone`, the active zone when not given); business
    hours in fairness are 9-17 Pacific (handbook). One schedule load (two queries) covers
    the calendar and the fairness period, plus one query for the holidays.
    """
    at = at or timezone.now()
    zone = zone or timezone.get_current_timezone()
    today = at.astimezone(zone).date()
    first_day = today - dt.timedelta(days=today.weekday())
    fairness_end = fairness_end or today
    fairness_start = fairness_start or fairness_end - dt.timedelta(weeks=13)
    window_start = min(local_midnight(fairness_start, zone), at - LOOK_BACK)
    window_end = max(
        local_midnight(fairness_end + dt.timedelta(days=1), zone),
        local_midnight(first_day + dt.timedelta(weeks=weeks), zone),
        at + LOOK_AHEAD,
    )
    data = schedule_load(start=window_start, end=window_end)
    holidays = holiday_names(
        first=min(fairness_start, first_day) - dt.timedelta(days=7),
        last=max(fairness_end, first_day + dt.timedelta(weeks=weeks)),
    )
    plan = data.rotation()
    shift = first_on_call(data, at)
    overview = OncallOverview(
        at=at,
        shift=shift,
        plan=plan,
        calendar=[],
        shifts=[],
        overrides=[],
        fairness=oncall_fairness(
            data=data,
            start=local_midnight(fairness_start, zone),
            end=local_midnight(fairness_end + dt.timedelta(days=1), zone),
            holidays=holidays,
            zone=PACIFIC,
        ),
        fairness_start=fairness_start,
        fairness_end=fairness_end,
        members=[],
        gaps=[],
        zone=zone,
        data=data,
        business_hours=business_window(at.astimezone(PACIFIC).date(), zone=PACIFIC),
    )
    if plan is None:
        return overview
    horizon_end = local_midnight(first_day + dt.timedelta(weeks=weeks), zone)
    overview.calendar = oncall_calendar(
        data=data,
        plan=plan,
        first_day=first_day,
        weeks=weeks,
        today=today,
        holidays=holidays,
        zone=zone,
    )
    overview.shifts = oncall_shifts_upcoming(data=data, plan=plan, at=at)
    overview.my_next = next(
        (r for r in overview.shifts if r.owner is not None and r.owner.pk == viewer_id), None
    )
    overview.overrides = [
        (o, data.person(o.plan.person_id))
        for o in data.overrides
        if o.plan.rotation_id == plan.id and o.plan.ends_at > at and o.plan.swap_id is None
    ]
    overview.members = [data.people[i] for i in plan.member_ids]
    overview.gaps = [s for s in data.segments(plan, at, horizon_end) if s.kind == "gap"]
    return overview


# -- reads for the page's forms and lists ---------------------------------------------------


@dataclass(frozen=True)
class RosterEntry:
    id: int
    name: str
    members: list[Person]


def rotation_roster(*, data: ScheduleData | None = None) -> list[RosterEntry]:
    """Active rotations with their active members in order (one query, none given data)."""
    if data is None:
        now = timezone.now()
        data = schedule_load(start=now, end=now, changes=False)
    return [
        RosterEntry(plan.id, plan.name, [data.people[i] for i in plan.member_ids])
        for plan in data.rotations
    ]


SHIFT_CHOICES_AHEAD = dt.timedelta(weeks=26)


def shift_choices(
    *, at: dt.datetime | None = None, count: int = 12, data: ScheduleData | None = None
) -> list[tuple[str, str]]:
    """The coming shifts of the first active rotation, for the swap form: (start, label).

    Two queries, none when given loaded data (the shifts it reaches).
    """
    at = at or timezone.now()
    if data is None:
        data = schedule_load(start=at, end=at + SHIFT_CHOICES_AHEAD)
    plan = data.rotation()
    if plan is None:
        return []
    return [(option.value, option.label) for option in shift_options(data, plan, at, count)]


def handoff_recent(*, limit: int = 5) -> list[OncallHandoff]:
    """The latest handoffs (the on-call activity feed), one query."""
    return list(
        OncallHandoff.objects.select_related("rotation", "outgoing", "incoming").order_by(
            "-handoff_at", "-pk"
        )[:limit]
    )
