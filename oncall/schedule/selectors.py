"""Reads of the schedule: loading it, who is on call now and next, and small reads.

Everything about who is on call goes through `schedule_load` (two queries: the active
rotations with their members, then the overrides and time off of the range) and the pure
arithmetic in `oncall/schedule/rules.py`, so the page header, the pages, the feeds and the
capacity numbers can never disagree. Capacity and community import `schedule_load` (and
`holiday_names`) from here.
"""

from __future__ import annotations

import datetime as dt
import hmac
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import (
    BigIntegerField,
    CharField,
    DateTimeField,
    F,
    QuerySet,
    Value,
)
from django.db.models.functions import Cast
from django.utils import timezone

from fleetops.core.bounds import parse_int
from fleetops.org.models import (
    Holiday,
    Person,
    process_time_zone,
)
from oncall.models import OncallProfile, Override, Rotation, TimeOff
from oncall.schedule.current import shift_now
from oncall.schedule.rules import (
    OverridePlan,
    RotationPlan,
    Segment,
    person_runs,
    segments_between,
    time_off_intervals,
)

PERSON_FIELDS = ("id", "user_id", "name", "github_login", "time_zone", "active")
ROTATION_FIELDS = ("id", "name", "time_zone", "starts_on", "handoff_time", "shift_weeks")


# -- loading -------------------------------------------------------------------------------


@dataclass(frozen=True)
class TimeOffEntry:
    id: int
    person_id: int
    starts_on: dt.date
    ends_on: dt.date
    note: str
    source: str
    created_by: str
    created_at: dt.datetime

    @property
    def days(self) -> int:
        return (self.ends_on - self.starts_on).days + 1


@dataclass(frozen=True)
class OverrideEntry:
    plan: OverridePlan
    created_by: str

    @property
    def id(self) -> int:
        return self.plan.id


@dataclass
class ScheduleData:
    """What the schedule of a range depends on, loaded in two queries."""

    start: dt.datetime
    end: dt.datetime
    rotations: list[RotationPlan]
    people: dict[int, Person]
    overrides: list[OverrideEntry]
    time_off: list[TimeOffEntry]
    calendar_zone: zoneinfo.ZoneInfo
    _away: dict[int, list[tuple[dt.datetime, dt.datetime]]] | None = field(default=None, repr=False)

    @property
    def away(self) -> dict[int, list[tuple[dt.datetime, dt.datetime]]]:
        if self._away is None:
            days: dict[int, list[tuple[dt.date, dt.date]]] = defaultdict(list)
            for entry in self.time_off:
                days[entry.person_id].append((entry.starts_on, entry.ends_on))
            self._away = {
                person: time_off_intervals(ranges, zone=self.calendar_zone)
                for person, ranges in days.items()
            }
        return self._away

    def rotation(self, rotation_id: int | None = None) -> RotationPlan | None:
        if rotation_id is None:
            return self.rotations[0] if self.rotations else None
        return next((r for r in self.rotations if r.id == rotation_id), None)

    def segments(
        self, plan: RotationPlan, start: dt.datetime | None = None, end: dt.datetime | None = None
    ) -> list[Segment]:
        return segments_between(
            plan,
            start or self.start,
            end or self.end,
            overrides=[o.plan for o in self.overrides],
            time_off=self.away,
        )

    def person(self, person_id: int | None) -> Person | None:
        return self.people.get(person_id) if person_id is not None else None


def _person(row: dict, prefix: str) -> Person | None:
    if row.get(f"{prefix}id") is None:
        return None
    return Person.from_db(
        "default", list(PERSON_FIELDS), [row[f"{prefix}{f}"] for f in PERSON_FIELDS]
    )


def _rotation_plans(rotation_id: int | None, people: dict[int, Person]) -> list[RotationPlan]:
    """The active rotations with their active members in order (one query); every member,
    active or not, is added to `people`."""
    rotations = Rotation.objects.filter(active=True)
    if rotation_id is not None:
        rotations = rotations.filter(pk=rotation_id)
    rows = rotations.order_by("id", "members__position", "members__id").values(
        *ROTATION_FIELDS, *(f"members__person__{f}" for f in PERSON_FIELDS)
    )
    plans: dict[int, dict] = {}
    for row in rows:
        plan = plans.setdefault(row["id"], {"row": row, "members": []})
        person = _person(row, "members__person__")
        if person is not None:
            people[person.pk] = person
            if person.active:
                plan["members"].append(person.pk)
    return [
        RotationPlan(
            id=rotation_id_,
            name=info["row"]["name"],
            zone=zoneinfo.ZoneInfo(info["row"]["time_zone"]),
            starts_on=info["row"]["starts_on"],
            handoff_time=info["row"]["handoff_time"],
            shift_weeks=info["row"]["shift_weeks"],
            member_ids=tuple(info["members"]),
        )
        for rotation_id_, info in plans.items()
    ]


CHANGE_COLUMNS = (
    "id",
    "note",
    "created_at",
    "created_by__username",
    *(f"person__{f}" for f in PERSON_FIELDS),
    "kind",
    "rotation_ref",
    "range_start",
    "range_end",
    "swap_ref",
    "origin",
)


def _change_rows(start: dt.datetime, end: dt.datetime, zone: zoneinfo.ZoneInfo) -> QuerySet:
    """Live overrides and time off of the range as one UNION ALL with the same columns,
    time off's dates cast to datetimes for it (one query)."""
    first_day = start.astimezone(zone).date()
    last_day = end.astimezone(zone).date()
    overrides = (
        Override.objects.live()
        .in_bounds()
        .filter(rotation__active=True, starts_at__lt=end, ends_at__gt=start)
        .annotate(
            kind=Value("override", output_field=CharField()),
            rotation_ref=F("rotation_id"),
            range_start=F("starts_at"),
            range_end=F("ends_at"),
            swap_ref=F("swap_id"),
            origin=Value("", output_field=CharField()),
        )
    )
    time_off = (
        TimeOff.objects.overlapping(first_day, last_day)
        .in_bounds()
        .annotate(
            kind=Value("time_off", output_field=CharField()),
            rotation_ref=Value(None, output_field=BigIntegerField()),
            range_start=Cast("starts_on", DateTimeField()),
            range_end=Cast("ends_on", DateTimeField()),
            swap_ref=Value(None, output_field=BigIntegerField()),
            origin=F("source"),
        )
    )
    return (
        overrides.order_by()
        .values(*CHANGE_COLUMNS)
        .union(time_off.order_by().values(*CHANGE_COLUMNS), all=True)
        .order_by()
    )


def _add_change(data: ScheduleData, row: dict) -> None:
    """One row of the union: an override or a time-off entry."""
    person = _person(row, "person__")
    data.people.setdefault(person.pk, person)
    by = row["created_by__username"] or ""
    if row["kind"] == "override":
        plan = OverridePlan(
            id=row["id"],
            rotation_id=row["rotation_ref"],
            person_id=person.pk,
            starts_at=row["range_start"],
            ends_at=row["range_end"],
            created_at=row["created_at"],
            swap_id=row["swap_ref"],
            note=row["note"],
        )
        data.overrides.append(OverrideEntry(plan=plan, created_by=by))
        return
    data.time_off.append(
        TimeOffEntry(
            id=row["id"],
            person_id=person.pk,
            starts_on=_as_date(row["range_start"]),
            ends_on=_as_date(row["range_end"]),
            note=row["note"],
            source=row["origin"],
            created_by=by,
            created_at=row["created_at"],
        )
    )


def schedule_load(
    *,
    start: dt.datetime,
    end: dt.datetime,
    rotation_id: int | None = None,
    changes: bool = True,
) -> ScheduleData:
    """Active rotations with their members, and the overrides and time off of the range.

    Two queries (one with `changes=False`): the header shows who is on call on every page,
    within its budget of two. Overrides and time off share the second query.
    """
    zone = process_time_zone()
    people: dict[int, Person] = {}
    plans = _rotation_plans(rotation_id, people)
    data = ScheduleData(
        start=start,
        end=end,
        rotations=plans,
        people=people,
        overrides=[],
        time_off=[],
        calendar_zone=zone,
    )
    if not changes or (not plans and rotation_id is not None):
        return data
    for row in _change_rows(start, end, zone):
        _add_change(data, row)
    data.overrides.sort(key=lambda o: (o.plan.starts_at, o.plan.id))
    data.time_off.sort(key=lambda t: (t.starts_on, t.id))
    return data


def _as_date(value: dt.datetime | dt.date | str) -> dt.date:
    """A date that went through the UNION as a datetime at midnight (UTC on every backend)."""
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).date() if value.tzinfo else value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


# -- now and next ------------------------------------------------------------------------------


@dataclass(frozen=True)
class OncallShift:
    """Who is on call in a rotation at a moment, since and until when, and who is next."""

    rotation: str
    rotation_id: int
    person: Person | None
    starts_at: dt.datetime | None
    ends_at: dt.datetime | None  # None: beyond the horizon we looked at (a one-person rotation)
    next_person: Person | None
    next_starts_at: dt.datetime | None
    kind: str  # rotation | override | swap | gap
    gap_reason: str = ""


# Wide enough for the longest shift (8 weeks) behind and two of them ahead.
LOOK_BACK = dt.timedelta(weeks=9)
LOOK_AHEAD = dt.timedelta(weeks=17)
# How long a computed current shift may answer at most, whatever its segments: the window
# it was computed in moves with time (a run longer than the look-ahead gains its end).
STRETCH_MAX = dt.timedelta(hours=1)


def shift_at(data: ScheduleData, plan: RotationPlan, at: dt.datetime) -> OncallShift:
    """The on-call answer of one rotation at `at`, from loaded data."""
    segments = data.segments(plan)
    runs = person_runs(segments)
    current = next((i for i, run in enumerate(runs) if run[1] <= at < run[2]), None)
    if current is None:
        return OncallShift(plan.name, plan.id, None, None, None, None, None, "gap")
    person_id, starts_at, ends_at = runs[current]
    segment = next(s for s in segments if s.starts_at <= at < s.ends_at)
    following = next((run for run in runs[current + 1 :] if run[0] is not None), None)
    return OncallShift(
        rotation=plan.name,
        rotation_id=plan.id,
        person=data.person(person_id),
        starts_at=starts_at if starts_at > data.start else None,
        ends_at=ends_at if ends_at < data.end else None,
        next_person=data.person(following[0]) if following else None,
        next_starts_at=following[1] if following else None,
        kind=segment.kind,
        gap_reason=segment.gap_reason,
    )


def oncall_shift_current(*, at: dt.datetime | None = None) -> OncallShift | None:
    """The current shift of the active rotation(s): the first that has someone on call.

    None when there is no active rotation; a shift with `person=None` when nobody is on call.
    Two queries for a moment `at`; for now, one while neither the schedule's version nor
    the stretch of time it is in has changed (`oncall.schedule.current`, ADR 0024).
    """
    if at is None:
        return shift_now(_shift_computed)
    return _shift_computed(at)[0]


def _shift_computed(at: dt.datetime) -> tuple[OncallShift | None, dt.datetime, dt.datetime]:
    """The shift at `at`, and the stretch [from, until) around `at` in which it holds.

    Within one segment of every active rotation the answer does not change; the stretch
    also stays inside the loaded window, whose edges bound what a shift can say.
    """
    data = schedule_load(start=at - LOOK_BACK, end=at + LOOK_AHEAD)
    since, until = at - STRETCH_MAX, at + STRETCH_MAX
    for plan in data.rotations:
        for segment in data.segments(plan):
            if segment.ends_at <= at:
                since = max(since, segment.ends_at)
            elif segment.starts_at > at:
                until = min(until, segment.starts_at)
                break
            else:
                since, until = max(since, segment.starts_at), min(until, segment.ends_at)
                break
    shift = first_on_call(data, at)
    if shift is not None and shift.starts_at is not None:  # it leaves the window behind then
        until = min(until, shift.starts_at + LOOK_BACK)
    return shift, since, until


def first_on_call(data: ScheduleData, at: dt.datetime) -> OncallShift | None:
    """The shift of the first rotation that has someone on call at `at` (None: no rotation)."""
    shifts = [shift_at(data, plan, at) for plan in data.rotations]
    if not shifts:
        return None
    return next((s for s in shifts if s.person is not None), shifts[0])


def oncall_person_now(*, at: dt.datetime | None = None) -> Person | None:
    """The person on call at `at` (default now) across the active rotations, or None.

    Overrides, swaps and time off are applied. Releases assign the bugs that the
    dependency checks file to this person.
    """
    shift = oncall_shift_current(at=at)
    return shift.person if shift else None


def shift_owner(data: ScheduleData, plan: RotationPlan, index: int) -> int | None:
    """Whose shift `index` is: the rotation's person, or whom a swap gave it to."""
    starts_at = plan.shift_start(index)
    swaps = [
        o.plan
        for o in data.overrides
        if o.plan.swap_id is not None
        and o.plan.rotation_id == plan.id
        and o.plan.starts_at <= starts_at < o.plan.ends_at
    ]
    latest = max(swaps, key=lambda o: o.rank, default=None)
    return latest.person_id if latest else plan.shift_person(index)


def holiday_names(*, first: dt.date, last: dt.date) -> dict[dt.date, str]:
    """Company holidays between two dates, by date (one query): business clocks stop."""
    return dict(Holiday.objects.between(first, last).values_list("date", "name"))


# -- profiles and feeds ----------------------------------------------------------------------


def oncall_profile_of(*, person: Person | None) -> OncallProfile | None:
    """A person's on-call profile if they have one (one query; a read never makes one)."""
    if person is None:
        return None
    return OncallProfile.objects.filter(person=person).first()


def feed_profile(*, token: str) -> OncallProfile | None:
    """The profile a feed token belongs to: `<id>.<secret>`, compared in constant time."""
    raw_id, _, secret = token.partition(".")
    profile_id = parse_int(raw_id, low=1)
    # compare_digest takes ASCII text only: anything else cannot be a secret we made.
    if profile_id is None or not secret or not secret.isascii():
        return None
    profile = OncallProfile.objects.select_related("person__user").filter(pk=profile_id).first()
    if profile is None or not hmac.compare_digest(profile.feed_secret, secret):
        return None
    user = profile.person.user
    if not profile.person.active or user is None or not user.is_active:
        return None
    return profile


FEED_BACK = dt.timedelta(weeks=4)
FEED_AHEAD = dt.timedelta(weeks=26)


def oncall_feed_entries(
    *,
    rotation_id: int | None = None,
    person_id: int | None = None,
    at: dt.datetime | None = None,
) -> tuple[list[tuple[RotationPlan, Segment, Person | None, Person | None]], str] | None:
    """What a calendar feed shows: a rotation's stretches (gaps too) or one person's.

    None when the rotation does not exist or is inactive. Four weeks back, 26 ahead.
    """
    at = at or timezone.now()
    data = schedule_load(start=at - FEED_BACK, end=at + FEED_AHEAD, rotation_id=rotation_id)
    if rotation_id is not None and not data.rotations:
        return None
    entries = []
    for plan in data.rotations:
        for segment in data.segments(plan):
            if person_id is not None and segment.person_id != person_id:
                continue
            named = segment.rotation_person_id if segment.kind != "gap" else segment.scheduled_id
            entries.append((plan, segment, data.person(segment.person_id), data.person(named)))
    name = data.rotations[0].name if rotation_id is not None else "My on-call shifts"
    return entries, name
