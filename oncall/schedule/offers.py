"""What the on-call page's schedule forms offer the signed-in person, and their defaults.

ADR 0004, "Rights are data": staff and EMs may override or swap any shift
(`can_manage_rotation`); anyone else hands over a range of their own shifts to another
member of their rotation, or trades one of their own shifts with a colleague's. So an
engineer is offered their own shifts and their colleagues only, and nothing when they have
no shift ahead. Every default is a change the services accept as offered: a range that is
all the person's own, a colleague who is not away then, two shifts of different people
whose owners are not away on the other's shift.

Reads only the loaded schedule (no query).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from fleetops.org.models import Person
from oncall.schedule.rules import RotationPlan
from oncall.schedule.selectors import ScheduleData, shift_owner

SHIFT_OPTIONS = 12


@dataclass(frozen=True)
class ShiftOption:
    """A whole shift ahead (not started yet), as the swap form offers it."""

    starts_at: dt.datetime
    ends_at: dt.datetime
    owner_id: int | None
    label: str  # the dates and whose shift it is
    span: str = ""  # the dates only (for the person's own shifts)

    @property
    def value(self) -> str:
        return self.starts_at.isoformat()


@dataclass
class ScheduleOffer:
    """The choices and defaults of the override and swap forms for one person."""

    manages: bool  # may change any shift (staff, an EM)
    rotation_id: int | None = None  # the rotation the forms act on
    rotations: list[tuple[int, str]] = field(default_factory=list)
    members: list[Person] = field(default_factory=list)  # every member of `rotations`
    cover: list[Person] = field(default_factory=list)  # who may be named to cover
    override_initial: dict[str, object] | None = None  # None: no override form
    own_ranges: list[tuple[dt.datetime, dt.datetime]] = field(default_factory=list)
    shifts: list[ShiftOption] = field(default_factory=list)  # every shift ahead
    first_shifts: list[ShiftOption] = field(default_factory=list)
    second_shifts: list[ShiftOption] = field(default_factory=list)
    swap_initial: dict[str, object] | None = None  # None: no swap form
    why_not: str = ""  # why nothing is offered, for the page

    @property
    def member_ids(self) -> list[int]:
        return [p.pk for p in self.members]


def shift_options(
    data: ScheduleData, plan: RotationPlan, at: dt.datetime, count: int = SHIFT_OPTIONS
) -> list[ShiftOption]:
    """The next whole shifts of a rotation (the one under way excluded), with their owner."""
    options = []
    index = max(plan.shift_index_at(at) + 1, 0)
    for offset in range(count):
        starts_at = plan.shift_start(index + offset)
        ends_at = plan.shift_start(index + offset + 1)
        if ends_at > data.end:
            break
        owner = data.person(shift_owner(data, plan, index + offset))
        # In the viewer's zone, like every time on the page (the form says so).
        local_start, local_end = timezone.localtime(starts_at), timezone.localtime(ends_at)
        span = f"{local_start:%a %b} {local_start.day} – {local_end:%a %b} {local_end.day}"  # noqa: RUF001
        label = f"{span} · {owner.name if owner else 'nobody'}"
        options.append(ShiftOption(starts_at, ends_at, owner.pk if owner else None, label, span))
    return options


def _away(data: ScheduleData, person_id: int | None, start: dt.datetime, end: dt.datetime) -> bool:
    return person_id is not None and any(
        first < end and last > start for first, last in data.away.get(person_id, [])
    )


def _next_hour(at: dt.datetime) -> dt.datetime:
    return at.replace(minute=0, second=0, microsecond=0) + dt.timedelta(hours=1)


def _next_minute(at: dt.datetime) -> dt.datetime:
    """`at`, or the next whole minute (the form's inputs have minutes, no seconds)."""
    whole = at.replace(second=0, microsecond=0)
    return whole if whole == at else whole + dt.timedelta(minutes=1)


def _own_ranges(
    data: ScheduleData, plan: RotationPlan, person_id: int, at: dt.datetime
) -> list[tuple[dt.datetime, dt.datetime]]:
    """The stretches ahead the rotation (with swaps and overrides) gives the person."""
    ranges: list[tuple[dt.datetime, dt.datetime]] = []
    for segment in data.segments(plan, at, data.end):
        if segment.scheduled_id != person_id:
            continue
        if ranges and ranges[-1][1] == segment.starts_at:
            ranges[-1] = (ranges[-1][0], segment.ends_at)
        else:
            ranges.append((max(segment.starts_at, at), segment.ends_at))
    return ranges


def _first_free(
    data: ScheduleData, people: list[Person], start: dt.datetime, end: dt.datetime, plan
) -> Person | None:
    """The first of `people` not away in the range and not already on call for all of it."""
    segments = data.segments(plan, start, end)
    for person in people:
        if _away(data, person.pk, start, end):
            continue
        if segments and all(s.person_id == person.pk for s in segments):
            continue
        return person
    return None


def _swap_pair(
    data: ScheduleData, firsts: list[ShiftOption], seconds: list[ShiftOption]
) -> tuple[ShiftOption, ShiftOption] | None:
    """Two shifts of different people that each could take the other's (nobody away)."""
    for first in firsts:
        for second in seconds:
            if second is first or None in (first.owner_id, second.owner_id):
                continue
            if first.owner_id == second.owner_id:
                continue
            if _away(data, second.owner_id, first.starts_at, first.ends_at):
                continue
            if _away(data, first.owner_id, second.starts_at, second.ends_at):
                continue
            return first, second
    return None


def _manager_offer(data: ScheduleData, plan: RotationPlan, at: dt.datetime) -> ScheduleOffer:
    offer = ScheduleOffer(manages=True, rotation_id=plan.id)
    offer.rotations = [(r.id, r.name) for r in data.rotations]
    offer.members = list(
        {data.people[i].pk: data.people[i] for r in data.rotations for i in r.member_ids}.values()
    )
    offer.cover = offer.members
    members = [data.people[i] for i in plan.member_ids]
    starts_at = _next_hour(at)
    ends_at = starts_at + dt.timedelta(days=1)
    cover = _first_free(data, members, starts_at, ends_at, plan)
    if members:
        offer.override_initial = {
            "rotation": str(plan.id),
            "person": (cover or members[0]).pk,
            "starts_at": starts_at,
            "ends_at": ends_at,
        }
    offer.shifts = offer.first_shifts = offer.second_shifts = shift_options(data, plan, at)
    pair = _swap_pair(data, offer.shifts, offer.shifts)
    if pair:
        offer.swap_initial = {
            "rotation": str(plan.id),
            "first_shift": pair[0].value,
            "second_shift": pair[1].value,
        }
    return offer


def _engineer_offer(
    data: ScheduleData, plan: RotationPlan, me: Person, at: dt.datetime
) -> ScheduleOffer:
    offer = ScheduleOffer(manages=False, rotation_id=plan.id, rotations=[(plan.id, plan.name)])
    offer.members = [data.people[i] for i in plan.member_ids]
    after_me = plan.member_ids.index(me.pk) + 1 if me.pk in plan.member_ids else 0
    order = plan.member_ids[after_me:] + plan.member_ids[:after_me]
    offer.cover = [data.people[i] for i in order if i != me.pk]
    offer.own_ranges = _own_ranges(data, plan, me.pk, at)
    if offer.cover and offer.own_ranges:
        first, last = offer.own_ranges[0]
        starts_at = _next_hour(at) if first <= at else _next_minute(first)
        if starts_at >= last:
            starts_at = _next_minute(first)
        if starts_at < last:
            cover = _first_free(data, offer.cover, starts_at, last, plan)
            offer.override_initial = {
                "rotation": str(plan.id),
                "person": (cover or offer.cover[0]).pk,
                "starts_at": starts_at,
                "ends_at": last,
            }
    offer.shifts = shift_options(data, plan, at)
    offer.first_shifts = [s for s in offer.shifts if s.owner_id == me.pk]
    offer.second_shifts = [s for s in offer.shifts if s.owner_id not in (me.pk, None)]
    pair = _swap_pair(data, offer.first_shifts, offer.second_shifts)
    if offer.first_shifts and offer.second_shifts:
        first, second = pair or (offer.first_shifts[0], offer.second_shifts[0])
        offer.swap_initial = {
            "rotation": str(plan.id),
            "first_shift": first.value,
            "second_shift": second.value,
        }
    if offer.override_initial is None and offer.swap_initial is None:
        offer.why_not = (
            f"You have no shift ahead in the {plan.name} rotation to hand over or trade."
            if offer.cover
            else f"Nobody else is in the {plan.name} rotation to hand a shift over to."
        )
    return offer


def schedule_offer(
    *, data: ScheduleData, manages: bool, person: Person | None, at: dt.datetime
) -> ScheduleOffer:
    """What the override and swap forms offer: everything to staff and EMs (the page's
    rotation first), an engineer their own shifts in the first rotation they are in."""
    if manages:
        plan = data.rotation()
        if plan is None:
            return ScheduleOffer(manages=True, why_not="There is no active rotation.")
        return _manager_offer(data, plan, at)
    if person is None:
        return ScheduleOffer(
            manages=False,
            why_not="This account is no person of the organisation, so it has no shifts.",
        )
    plan = next((r for r in data.rotations if person.pk in r.member_ids), None)
    if plan is None:
        return ScheduleOffer(
            manages=False,
            why_not="You are in no on-call rotation: there is no shift of yours to change.",
        )
    return _engineer_offer(data, plan, person, at)
