"""Shift arithmetic: who is on call when, from a rotation's plan and what people decided.

Handbook, "Assume developer on-call alias": the on-call developer is responsible for
"successfully transferring the on-call persona to the next developer" (the changing of the
guard), and "the on-call engineer is not expected to work on sprint issues during their
on-call assignment". On-call hands off on Mondays (a rotation's handoff day and time).

Pure: no ORM, no I/O, no settings. `oncall/schedule/selectors.py` (`schedule_load`) loads
the plan, the overrides and the time off (two queries) and asks this module for the
segments of a range.

Layers, bottom to top:

1. The rotation: shift k starts at the handoff time on `starts_on + k * shift length`, in
   the rotation's time zone, and belongs to the k-th active member (round robin). Handoffs
   are wall-clock times, so across a daylight-saving change a weekly shift lasts 167 or
   169 hours and the handoff stays at 9:00. Before `starts_on` nobody is on call.
2. Swaps: two overrides covering each other's whole shifts.
3. Overrides: someone covers a range. They win over swaps; among themselves the newer wins.
4. Time off: a person away on a day (process time zone, whole day) is not on call then,
   whoever named them. That leaves a gap, which the pages flag in red.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import zoneinfo
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from fleetops.core.bounds import clamp_date

GAP_BEFORE_START = "the rotation has not started"
GAP_NO_MEMBERS = "the rotation has no active members"
GAP_TIME_OFF = "time off"


@dataclass(frozen=True)
class RotationPlan:
    id: int
    name: str
    zone: zoneinfo.ZoneInfo
    starts_on: dt.date
    handoff_time: dt.time
    shift_weeks: int
    member_ids: tuple[int, ...]  # active members in order

    @property
    def period(self) -> dt.timedelta:
        return dt.timedelta(weeks=self.shift_weeks)

    def shift_start(self, index: int) -> dt.datetime:
        """When shift `index` starts (UTC); shift 0 starts on `starts_on`."""
        day = self.starts_on + dt.timedelta(weeks=self.shift_weeks * index)
        return dt.datetime.combine(day, self.handoff_time, tzinfo=self.zone).astimezone(dt.UTC)

    def shift_index_at(self, at: dt.datetime) -> int:
        """The shift running at `at` (negative before the first handoff)."""
        local_day = at.astimezone(self.zone).date()
        index = (local_day - self.starts_on).days // (7 * self.shift_weeks)
        while self.shift_start(index) > at:
            index -= 1
        while self.shift_start(index + 1) <= at:
            index += 1
        return index

    def shift_person(self, index: int) -> int | None:
        if index < 0 or not self.member_ids:
            return None
        return self.member_ids[index % len(self.member_ids)]


@dataclass(frozen=True)
class OverridePlan:
    id: int
    rotation_id: int
    person_id: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    created_at: dt.datetime
    swap_id: int | None = None
    note: str = ""

    @property
    def rank(self) -> tuple[bool, dt.datetime, int]:
        """Overrides win over swaps; the newer wins within each."""
        return (self.swap_id is None, self.created_at, self.id)


@dataclass(frozen=True)
class Segment:
    """A stretch of time with one answer to "who is on call"."""

    rotation_id: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    person_id: int | None  # on call (None: nobody, a gap)
    scheduled_id: int | None  # named by rotation, swaps and overrides, before time off
    rotation_person_id: int | None  # named by the plain rotation
    shift_index: int
    override_id: int | None = None
    swap_id: int | None = None
    gap_reason: str = ""

    @property
    def kind(self) -> str:
        if self.person_id is None:
            return "gap"
        if self.override_id is not None:
            return "swap" if self.swap_id is not None else "override"
        return "rotation"

    @property
    def duration(self) -> dt.timedelta:
        return self.ends_at - self.starts_at

    def _key(self) -> tuple:
        return (
            self.person_id,
            self.scheduled_id,
            self.rotation_person_id,
            self.shift_index,
            self.override_id,
            self.swap_id,
            self.gap_reason,
        )


def local_midnight(day: dt.date, zone: zoneinfo.ZoneInfo) -> dt.datetime:
    """The start of `day` in `zone`, in UTC."""
    return dt.datetime.combine(day, dt.time(0), tzinfo=zone).astimezone(dt.UTC)


def time_off_intervals(
    days: Iterable[tuple[dt.date, dt.date]], *, zone: zoneinfo.ZoneInfo
) -> list[tuple[dt.datetime, dt.datetime]]:
    """Whole days away (inclusive date ranges) as UTC intervals, merged and sorted.

    Dates outside the supported years are clamped into them first, so a stored range that
    ends on 9999-12-31 still gives an interval (to the end of 2100), not an overflow.
    """
    intervals = sorted(
        (
            dt.datetime.combine(clamp_date(first), dt.time(0), tzinfo=zone).astimezone(dt.UTC),
            dt.datetime.combine(
                clamp_date(last) + dt.timedelta(days=1), dt.time(0), tzinfo=zone
            ).astimezone(dt.UTC),
        )
        for first, last in days
    )
    merged: list[tuple[dt.datetime, dt.datetime]] = []
    for start, end in intervals:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _inside(intervals: Sequence[tuple[dt.datetime, dt.datetime]], at: dt.datetime) -> bool:
    position = bisect.bisect_right(intervals, (at, dt.datetime.max.replace(tzinfo=dt.UTC))) - 1
    return position >= 0 and intervals[position][0] <= at < intervals[position][1]


def segments_between(
    plan: RotationPlan,
    start: dt.datetime,
    end: dt.datetime,
    *,
    overrides: Sequence[OverridePlan] = (),
    time_off: Mapping[int, Sequence[tuple[dt.datetime, dt.datetime]]] | None = None,
) -> list[Segment]:
    """Who is on call from `start` to `end`, as consecutive segments covering the range.

    `overrides` are the rotation's live overrides (others are ignored); `time_off` maps a
    person's id to their merged away-intervals (see `time_off_intervals`).
    """
    if end <= start:
        return []
    time_off = time_off or {}
    mine = [
        o for o in overrides if o.rotation_id == plan.id and o.ends_at > start and o.starts_at < end
    ]
    cuts = {start, end}
    index = plan.shift_index_at(start)
    while (boundary := plan.shift_start(index + 1)) < end:
        cuts.add(boundary)
        index += 1
    for override in mine:
        cuts.update(t for t in (override.starts_at, override.ends_at) if start < t < end)
    people = set(plan.member_ids) | {o.person_id for o in mine}
    for person_id in people:
        for away_start, away_end in time_off.get(person_id, ()):
            cuts.update(t for t in (away_start, away_end) if start < t < end)
    moments = sorted(cuts)

    segments: list[Segment] = []
    for piece_start, piece_end in itertools.pairwise(moments):
        shift = plan.shift_index_at(piece_start)
        named = plan.shift_person(shift)
        covering = max(
            (o for o in mine if o.starts_at <= piece_start < o.ends_at),
            key=lambda o: o.rank,
            default=None,
        )
        scheduled = covering.person_id if covering else named
        reason = ""
        if scheduled is None:
            reason = GAP_BEFORE_START if shift < 0 else GAP_NO_MEMBERS
        elif _inside(time_off.get(scheduled, ()), piece_start):
            reason = GAP_TIME_OFF
        segment = Segment(
            rotation_id=plan.id,
            starts_at=piece_start,
            ends_at=piece_end,
            person_id=None if reason else scheduled,
            scheduled_id=scheduled,
            rotation_person_id=named,
            shift_index=shift,
            override_id=covering.id if covering else None,
            swap_id=covering.swap_id if covering else None,
            gap_reason=reason,
        )
        if segments and segments[-1]._key() == segment._key():
            segment = replace(segments.pop(), ends_at=piece_end)
        segments.append(segment)
    return segments


def person_runs(segments: Sequence[Segment]) -> list[tuple[int | None, dt.datetime, dt.datetime]]:
    """Consecutive segments of the same person joined: (person id, from, until)."""
    runs: list[tuple[int | None, dt.datetime, dt.datetime]] = []
    for segment in segments:
        if runs and runs[-1][0] == segment.person_id and runs[-1][2] == segment.starts_at:
            runs[-1] = (segment.person_id, runs[-1][1], segment.ends_at)
        else:
            runs.append((segment.person_id, segment.starts_at, segment.ends_at))
    return runs


def shifts_between(
    plan: RotationPlan, start: dt.datetime, end: dt.datetime
) -> list[tuple[int, dt.datetime, dt.datetime]]:
    """The rotation's shifts overlapping the range: (index, starts at, ends at)."""
    index = max(plan.shift_index_at(start), 0)
    shifts = []
    while (shift_start := plan.shift_start(index)) < end:
        shifts.append((index, shift_start, plan.shift_start(index + 1)))
        index += 1
    return shifts
