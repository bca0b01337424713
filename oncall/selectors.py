"""Reads of on-call: who is on call now and next, the calendar, fairness, the SLA lists.

Everything about who is on call goes through `schedule_load` (two queries: the active
rotations with their members, then the overrides and time off of the range) and the pure
arithmetic in `oncall/schedule.py`, so the page header, the pages, the feeds and the
capacity numbers can never disagree.
"""

from __future__ import annotations

import datetime as dt
import hmac
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import (
    BigIntegerField,
    CharField,
    Count,
    DateTimeField,
    F,
    Max,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
    Window,
)
from django.db.models.functions import Cast
from django.utils import timezone

from fleetops.core.bounds import parse_int
from fleetops.github.models import (
    MEMBER_ASSOCIATIONS,
    GitHubWrite,
    Issue,
    IssueComment,
    IssueQuerySet,
)
from fleetops.org.models import (
    Holiday,
    Person,
    ProductGroup,
    Sprint,
    process_time_zone,
    process_today,
)
from oncall.business_hours import (
    BUSINESS_DAY_SECONDS,
    BUSINESS_END,
    BUSINESS_HOUR_SECONDS,
    BUSINESS_START,
    business_days_between,
    business_duration_text,
    business_seconds_between,
    is_business_day,
)
from oncall.models import OncallHandoff, OncallProfile, Override, Rotation, TimeOff
from oncall.schedule import (
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


def schedule_load(
    *,
    start: dt.datetime,
    end: dt.datetime,
    rotation_id: int | None = None,
    changes: bool = True,
) -> ScheduleData:
    """Active rotations with their members, and the overrides and time off of the range.

    Two queries (one with `changes=False`): the header shows who is on call on every page,
    within its budget of two. Overrides and time off share the second query
    (a UNION ALL with the same columns), time off's dates cast to datetimes for it.
    """
    zone = process_time_zone()
    rotations = Rotation.objects.filter(active=True)
    if rotation_id is not None:
        rotations = rotations.filter(pk=rotation_id)
    rows = rotations.order_by("id", "members__position", "members__id").values(
        *ROTATION_FIELDS, *(f"members__person__{f}" for f in PERSON_FIELDS)
    )
    plans: dict[int, dict] = {}
    people: dict[int, Person] = {}
    for row in rows:
        plan = plans.setdefault(row["id"], {"row": row, "members": []})
        person = _person(row, "members__person__")
        if person is not None:
            people[person.pk] = person
            if person.active:
                plan["members"].append(person.pk)
    rotation_plans = [
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
    data = ScheduleData(
        start=start,
        end=end,
        rotations=rotation_plans,
        people=people,
        overrides=[],
        time_off=[],
        calendar_zone=zone,
    )
    if not changes or (not rotation_plans and rotation_id is not None):
        return data
    first_day = start.astimezone(zone).date()
    last_day = end.astimezone(zone).date()
    columns = (
        "id",
        "note",
        "created_at",
        "created_by__username",
        *(f"person__{f}" for f in PERSON_FIELDS),
    )
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
    extra = ("kind", "rotation_ref", "range_start", "range_end", "swap_ref", "origin")
    union = (
        overrides.order_by()
        .values(*columns, *extra)
        .union(time_off.order_by().values(*columns, *extra), all=True)
        .order_by()
    )
    for row in union:
        person = _person(row, "person__")
        people.setdefault(person.pk, person)
        by = row["created_by__username"] or ""
        if row["kind"] == "override":
            data.overrides.append(
                OverrideEntry(
                    plan=OverridePlan(
                        id=row["id"],
                        rotation_id=row["rotation_ref"],
                        person_id=person.pk,
                        starts_at=row["range_start"],
                        ends_at=row["range_end"],
                        created_at=row["created_at"],
                        swap_id=row["swap_ref"],
                        note=row["note"],
                    ),
                    created_by=by,
                )
            )
        else:
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
    Two queries.
    """
    at = at or timezone.now()
    data = schedule_load(start=at - LOOK_BACK, end=at + LOOK_AHEAD)
    return _first_on_call(data, at)


def _first_on_call(data: ScheduleData, at: dt.datetime) -> OncallShift | None:
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


# -- the on-call page -------------------------------------------------------------------------


@dataclass(frozen=True)
class CalendarEntry:
    person: Person | None
    kind: str  # rotation | override | swap | gap
    starts_at: dt.datetime  # in the rotation's zone, clipped to the day
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
    data: ScheduleData | None = field(default=None, repr=False)


def _local_midnight(day: dt.date, zone: zoneinfo.ZoneInfo) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), tzinfo=zone).astimezone(dt.UTC)


def oncall_calendar(
    *,
    data: ScheduleData,
    plan: RotationPlan,
    first_day: dt.date,
    weeks: int,
    today: dt.date,
    holidays: dict[dt.date, str],
) -> list[list[CalendarDay]]:
    """Weeks of days (in the rotation's zone), each with who is on call when."""
    zone = plan.zone
    end_day = first_day + dt.timedelta(weeks=weeks)
    segments = data.segments(plan, _local_midnight(first_day, zone), _local_midnight(end_day, zone))
    calendar: list[list[CalendarDay]] = []
    for week in range(weeks):
        days = []
        for offset in range(7):
            day = first_day + dt.timedelta(weeks=week, days=offset)
            opens, closes = (
                _local_midnight(day, zone),
                _local_midnight(day + dt.timedelta(days=1), zone),
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
                business_seconds_between(segment.starts_at, segment.ends_at, holidays=holidays)
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
) -> OncallOverview:
    """What /oncall/ shows: now and next, the coming weeks, overrides, gaps, fairness.

    One schedule load (two queries) covers the calendar and the fairness period, plus one
    query for the holidays.
    """
    at = at or timezone.now()
    zone = process_time_zone()
    today = at.astimezone(zone).date()
    first_day = today - dt.timedelta(days=today.weekday())
    fairness_end = fairness_end or today
    fairness_start = fairness_start or fairness_end - dt.timedelta(weeks=13)
    window_start = min(_local_midnight(fairness_start, zone), at - LOOK_BACK)
    window_end = max(
        _local_midnight(fairness_end + dt.timedelta(days=1), zone),
        _local_midnight(first_day + dt.timedelta(weeks=weeks), zone),
        at + LOOK_AHEAD,
    )
    data = schedule_load(start=window_start, end=window_end)
    holidays = holiday_names(
        first=min(fairness_start, first_day) - dt.timedelta(days=7),
        last=max(fairness_end, first_day + dt.timedelta(weeks=weeks)),
    )
    plan = data.rotation()
    shift = _first_on_call(data, at)
    overview = OncallOverview(
        at=at,
        shift=shift,
        plan=plan,
        calendar=[],
        shifts=[],
        overrides=[],
        fairness=oncall_fairness(
            data=data,
            start=_local_midnight(fairness_start, zone),
            end=_local_midnight(fairness_end + dt.timedelta(days=1), zone),
            holidays=holidays,
        ),
        fairness_start=fairness_start,
        fairness_end=fairness_end,
        members=[],
        gaps=[],
        zone=plan.zone if plan else zone,
        data=data,
    )
    if plan is None:
        return overview
    horizon_end = _local_midnight(first_day + dt.timedelta(weeks=weeks), plan.zone)
    overview.calendar = oncall_calendar(
        data=data, plan=plan, first_day=first_day, weeks=weeks, today=today, holidays=holidays
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


def holiday_names(*, first: dt.date, last: dt.date) -> dict[dt.date, str]:
    """Company holidays between two dates, by date (one query): business clocks stop."""
    return dict(Holiday.objects.between(first, last).values_list("date", "name"))


# -- community items and their SLAs -----------------------------------------------------------

FIRST_RESPONSE_SLA = BUSINESS_HOUR_SECONDS  # 1-hour response during business hours
FOLLOW_UP_SLA = BUSINESS_DAY_SECONDS  # never more than one business day without follow-up
STALE_AFTER = dt.timedelta(days=7)  # "after one week with no reply, close the issue"
COMMUNITY_LIST_LIMIT = 25  # rows per list on the page (oldest first); totals beside them


@dataclass(frozen=True)
class CommunityItem:
    issue: Issue
    since: dt.datetime  # when the clock started
    business_seconds: int
    sla_seconds: int

    @property
    def overdue(self) -> bool:
        return self.business_seconds > self.sla_seconds

    @property
    def age_text(self) -> str:
        return business_duration_text(self.business_seconds)


@dataclass
class CommunityQueue:
    waiting: list[CommunityItem]
    waiting_total: int
    quiet_pull_requests: list[CommunityItem]
    stale: list[StaleIssue]
    clock_stopped: str = ""  # why SLA clocks are not running now ("" when they are)
    quiet_total: int = 0
    stale_total: int = 0

    @property
    def overdue_count(self) -> int:
        return sum(1 for item in self.waiting if item.overdue)


@dataclass(frozen=True)
class StaleIssue:
    issue: Issue
    asked_at: dt.datetime  # the member's last comment
    asked_by: str
    writes: tuple[GitHubWrite, ...] = ()

    @property
    def dedupe_prefix(self) -> str:
        return stale_dedupe_prefix(self.issue.number, self.asked_at)


STALE_KEY = "oncall:stale"


def stale_dedupe_prefix(number: int, asked_at: dt.datetime) -> str:
    """One close per quiet spell: the key names the issue and the member's question."""
    return f"{STALE_KEY}:{number}:{asked_at.astimezone(dt.UTC):%Y%m%dT%H%M%SZ}"


def _community_open() -> IssueQuerySet:
    return (
        Issue.objects.open()
        .community()
        .filter(repository__full_name=settings.GITHUB_REPOSITORY)
        .select_related("repository")
    )


def community_waiting(
    *, now: dt.datetime, holidays: dict[dt.date, str], limit: int = COMMUNITY_LIST_LIMIT
) -> tuple[list[CommunityItem], int]:
    """Open community issues and PRs no member has answered yet, oldest first, and how many
    there are in all (one query).

    Handbook, on-call support SLA: a 1-hour response time during business hours.
    """
    waiting = (
        _community_open()
        .filter(first_member_response_at__isnull=True)
        .annotate(total=Window(Count("pk")))
        .order_by("created_at", "number")[:limit]
    )
    issues = list(waiting)
    items = [
        CommunityItem(
            issue=issue,
            since=issue.created_at,
            business_seconds=business_seconds_between(issue.created_at, now, holidays=holidays),
            sla_seconds=FIRST_RESPONSE_SLA,
        )
        for issue in issues
    ]
    return items, issues[0].total if issues else 0


def community_pull_requests_quiet(
    *, now: dt.datetime, holidays: dict[dt.date, str]
) -> list[CommunityItem]:
    """Open community PRs with no member follow-up for more than one business day (one query).

    Handbook, "Review a community pull request": the goal is to not go more than one
    business day without following up with the contributor. The clock runs from the last
    comment by a member (or the opening); drafts are parked on purpose and left out. The
    mirror holds conversation comments, not review comments, so a review alone does not
    count as a follow-up.
    """
    pulls = (
        _community_open()
        .pull_requests()
        .filter(draft=False)
        .annotate(
            last_member_at=Max(
                "comments__created_at",
                filter=Q(
                    comments__author_association__in=MEMBER_ASSOCIATIONS,
                    comments__author_is_bot=False,
                ),
            )
        )
        .order_by("created_at", "number")
    )
    items = []
    for pull in pulls:
        since = pull.last_member_at or pull.created_at
        seconds = business_seconds_between(since, now, holidays=holidays)
        if seconds > FOLLOW_UP_SLA:
            items.append(CommunityItem(pull, since, seconds, FOLLOW_UP_SLA))
    return sorted(items, key=lambda item: item.since)


def community_issues_stale(*, now: dt.datetime) -> list[StaleIssue]:
    """Open community issues where a member asked for more context a week ago, unanswered.

    Handbook, "Close a stale community issue": leave a comment asking the author for more
    context; after one week with no reply, close the issue with a comment letting them
    know they are welcome to re-open it with any updates. The mirror keeps comments without
    their text, so "a member asked" means: the last comment by a person (bots ignored) is a
    member's (MEMBER or OWNER), it is at least 7 days old, and so the author has not
    commented since. Two queries whatever the data: the issues (with who asked), and what
    fleetops sent since the oldest question (dry-run or not), to show beside them.
    """
    human = Q(comments__author_is_bot=False)
    member = human & Q(comments__author_association__in=MEMBER_ASSOCIATIONS)
    asker = (
        IssueComment.objects.filter(
            issue_id=OuterRef("pk"), author_association__in=MEMBER_ASSOCIATIONS, author_is_bot=False
        )
        .order_by("-created_at", "-github_id")
        .values("author_login")[:1]
    )
    issues = list(
        _community_open()
        .issues()
        .annotate(
            last_human_at=Max("comments__created_at", filter=human),
            last_member_at=Max("comments__created_at", filter=member),
            asked_by=Subquery(asker),
        )
        .filter(last_member_at__isnull=False, last_member_at=F("last_human_at"))
        .filter(last_member_at__lte=now - STALE_AFTER)
        .order_by("last_member_at", "number")
    )
    oldest = min((i.last_member_at for i in issues), default=now)
    writes: dict[str, list[GitHubWrite]] = defaultdict(list)
    for write in GitHubWrite.objects.filter(
        dedupe_key__startswith=f"{STALE_KEY}:", created_at__gte=oldest
    ).order_by("created_at", "pk"):
        writes[write.dedupe_key.rsplit(":", 1)[0]].append(write)
    return [
        StaleIssue(
            issue=issue,
            asked_at=issue.last_member_at,
            asked_by=issue.asked_by or "",
            writes=tuple(writes.get(stale_dedupe_prefix(issue.number, issue.last_member_at), ())),
        )
        for issue in issues
    ]


def community_queue(*, now: dt.datetime | None = None) -> CommunityQueue:
    """The on-call engineer's community work: waiting, quiet PRs, stale issues."""
    now = now or timezone.now()
    zone = process_time_zone()
    holidays = holiday_names(
        first=now.astimezone(zone).date() - dt.timedelta(days=800), last=now.astimezone(zone).date()
    )
    waiting, total = community_waiting(now=now, holidays=holidays)
    local = now.astimezone(zone)
    if local.date() in holidays:
        stopped = f"today is a holiday ({holidays[local.date()]})"
    elif local.weekday() >= 5:
        stopped = "it is the weekend"
    elif not BUSINESS_START <= local.time() < BUSINESS_END:
        stopped = "it is outside business hours (9:00-17:00 Pacific)"
    else:
        stopped = ""
    quiet = community_pull_requests_quiet(now=now, holidays=holidays)
    stale = community_issues_stale(now=now)
    return CommunityQueue(
        waiting=waiting,
        waiting_total=total,
        quiet_pull_requests=quiet[:COMMUNITY_LIST_LIMIT],
        stale=stale[:COMMUNITY_LIST_LIMIT],
        clock_stopped=stopped,
        quiet_total=len(quiet),
        stale_total=len(stale),
    )


def handoff_summary(*, now: dt.datetime | None = None) -> dict:
    """What a handoff tells the outgoing and incoming engineers: open and overdue items."""
    queue = community_queue(now=now)

    def item(entry: CommunityItem) -> dict:
        issue = entry.issue
        return {
            "number": issue.number,
            "title": issue.title,
            "url": issue.html_url,
            "kind": "pull request" if issue.is_pull_request else "issue",
            "age": entry.age_text,
        }

    return {
        "waiting": queue.waiting_total,
        "overdue": queue.overdue_count,
        "oldest": [item(e) for e in queue.waiting[:5]],
        "quiet_pull_requests": queue.quiet_total,
        "quiet": [item(e) for e in queue.quiet_pull_requests[:5]],
        "stale": queue.stale_total,
    }


# -- capacity ---------------------------------------------------------------------------------

BUG_SHARE = Decimal("0.5")  # "50% of each sprint's capacity goes to bugs and eng. stories"


def _round_half_up(value: Decimal | float) -> int:
    return int(Decimal(str(value)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _number(value: float) -> int | float:
    """Whole numbers as ints, the rest to one decimal (on-call days can be partial)."""
    value = round(value, 1)
    return int(value) if value == int(value) else value


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
        return max(self.engineer_days - self.oncall_days - self.time_off_days, 0)

    @property
    def percent(self) -> float:
        if not self.engineer_days:
            return 0
        return _number(100 * self.available_days / self.engineer_days)

    @property
    def points(self) -> int:
        """The nominal sprint capacity scaled by the engineer-days left."""
        if not self.engineer_days:
            return 0
        return _round_half_up(
            Decimal(self.group.sprint_capacity)
            * Decimal(str(round(self.available_days, 4)))
            / Decimal(self.engineer_days)
        )

    @property
    def bug_points(self) -> int | None:
        """Handbook capacity rule: half for bugs and engineering-initiated stories while the
        average open bug is older than 32 days; None when no KPIs are recorded yet."""
        if self.bug_rule is None:
            return None
        return _round_half_up(Decimal(self.points) * BUG_SHARE) if self.bug_rule else 0

    def as_json(self) -> dict:
        return {
            "group": self.group.name,
            "engineers": len(self.engineers),
            "working_days": self.working_days,
            "oncall_days": _number(self.oncall_days),
            "time_off_days": self.time_off_days,
            "available_days": _number(self.available_days),
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
        return _number(sum(g.oncall_days for g in self.groups))

    @property
    def available_days(self) -> float:
        return _number(sum(g.available_days for g in self.groups))

    @property
    def engineer_days(self) -> int:
        return sum(g.engineer_days for g in self.groups)

    @property
    def percent(self) -> float:
        return _number(100 * self.available_days / self.engineer_days) if self.engineer_days else 0


@dataclass
class CapacityBoard:
    sprints: list[SprintCapacity]
    bug_rule: bool | None


def _bug_rule() -> bool | None:
    """The weekly KPIs' over-bug-goal flag of the latest recorded week (None: none yet)."""
    from kpis.selectors import kpi_bug_goal_exceeded

    return kpi_bug_goal_exceeded()


def capacity_board(
    *, today: dt.date | None = None, sprint_number: int | None = None, count: int = 3
) -> CapacityBoard:
    """Each product group's capacity in the current and next two sprints (or one sprint).

    Handbook, "Schedule developer on-call workload": EMs reduce estimated capacity for
    each sprint by the on-call rotation, and "Assume developer on-call alias": the on-call
    engineer does not work on sprint issues. Engineers are a group's active members other
    than its EM and QA lead; working days are weekdays minus holidays; on-call days are the
    business hours an engineer is on call / 8; time off counts working days away. Constant
    queries: sprints, groups and members, holidays, the schedule (two), the KPI flag.
    """
    today = today or process_today()
    if sprint_number is not None:
        sprints = list(Sprint.objects.filter(number=sprint_number))
    else:
        sprints = list(Sprint.objects.filter(ends_on__gte=today).order_by("starts_on")[:count])
    bug_rule = _bug_rule()
    if not sprints:
        return CapacityBoard([], bug_rule)
    groups = list(
        ProductGroup.objects.order_by("name").prefetch_related(
            Prefetch("members", queryset=Person.objects.active().order_by("name"))
        )
    )
    zone = process_time_zone()
    first, last = sprints[0].starts_on, sprints[-1].ends_on
    holidays = holiday_names(first=first, last=last)
    data = schedule_load(
        start=_local_midnight(first, zone), end=_local_midnight(last + dt.timedelta(days=1), zone)
    )
    away_by_person: dict[int, list[TimeOffEntry]] = defaultdict(list)
    for entry in data.time_off:
        away_by_person[entry.person_id].append(entry)
    people = {m.pk: m for g in groups for m in g.members.all()}

    board = CapacityBoard([], bug_rule)
    labels = ["current", "next", "after next"]
    for position, sprint in enumerate(sprints):
        start = _local_midnight(sprint.starts_on, zone)
        end = _local_midnight(sprint.ends_on + dt.timedelta(days=1), zone)
        working = business_days_between(sprint.starts_on, sprint.ends_on, holidays=holidays)
        oncall: dict[int, list[OncallStint]] = defaultdict(list)
        for plan in data.rotations:
            for segment in data.segments(plan, start, end):
                person = people.get(segment.person_id) if segment.person_id else None
                if person is None:
                    continue
                seconds = business_seconds_between(
                    segment.starts_at, segment.ends_at, holidays=holidays
                )
                stints = oncall[person.pk]
                if stints and stints[-1].ends_at == segment.starts_at:
                    last_stint = stints.pop()
                    stints.append(
                        OncallStint(
                            person,
                            last_stint.starts_at,
                            segment.ends_at,
                            last_stint.days + seconds / BUSINESS_DAY_SECONDS,
                            last_stint.kind,
                        )
                    )
                else:
                    stints.append(
                        OncallStint(
                            person,
                            segment.starts_at,
                            segment.ends_at,
                            seconds / BUSINESS_DAY_SECONDS,
                            segment.kind,
                        )
                    )
        rows = []
        for group in groups:
            leads = {group.engineering_manager_id, group.qa_lead_id}
            engineers = [m for m in group.members.all() if m.pk not in leads]
            stints = [s for e in engineers for s in oncall.get(e.pk, []) if s.days > 0]
            away, away_days = [], 0
            for engineer in engineers:
                days_off: set[dt.date] = set()
                for entry in away_by_person.get(engineer.pk, []):
                    first_day = max(entry.starts_on, sprint.starts_on)
                    last_day = min(entry.ends_on, sprint.ends_on)
                    if last_day < first_day:
                        continue
                    days = {
                        first_day + dt.timedelta(days=n)
                        for n in range((last_day - first_day).days + 1)
                    }
                    days = {d for d in days if is_business_day(d, holidays=holidays)}
                    away.append(
                        AwayStint(
                            engineer,
                            entry.starts_on,
                            entry.ends_on,
                            len(days - days_off),
                            entry.note,
                            entry.source,
                        )
                    )
                    days_off |= days
                away_days += len(days_off)
            rows.append(
                GroupCapacity(
                    group=group,
                    engineers=engineers,
                    working_days=working,
                    oncall_days=sum(s.days for s in stints),
                    time_off_days=away_days,
                    oncall=sorted(stints, key=lambda s: s.starts_at),
                    away=away,
                    bug_rule=bug_rule,
                )
            )
        label = labels[position] if sprint_number is None and position < len(labels) else ""
        if sprint_number is not None and sprint.starts_on <= today <= sprint.ends_on:
            label = "current"
        board.sprints.append(SprintCapacity(sprint, label, rows))
    worst = max(board.sprints, key=lambda s: s.oncall_days)
    if worst.oncall_days > 0 and len(board.sprints) > 1:
        worst.loses_most = True
    return board


# -- small reads for forms, feeds and lists ---------------------------------------------------


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
    choices = []
    index = max(plan.shift_index_at(at) + 1, 0)
    for offset in range(count):
        starts_at = plan.shift_start(index + offset)
        ends_at = plan.shift_start(index + offset + 1)
        if ends_at > data.end:
            break
        owner = data.person(shift_owner(data, plan, index + offset))
        local_start, local_end = starts_at.astimezone(plan.zone), ends_at.astimezone(plan.zone)
        label = (
            f"{local_start:%a %b} {local_start.day} – {local_end:%a %b} {local_end.day}"  # noqa: RUF001
            f" · {owner.name if owner else 'nobody'}"
        )
        choices.append((starts_at.isoformat(), label))
    return choices


def handoff_recent(*, limit: int = 5) -> list[OncallHandoff]:
    """The latest handoffs (the on-call activity feed), one query."""
    return list(
        OncallHandoff.objects.select_related("rotation", "outgoing", "incoming").order_by(
            "-handoff_at", "-pk"
        )[:limit]
    )


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
