"""Who is on call now, computed once per schedule version and stretch of time (ADR 0024).

Every page's header asks who is on call; computing it loads the active rotations and the
overrides and time off of half a year (two queries and a few milliseconds of Python). The
answer changes only when something it reads is written, or when time crosses a segment
boundary (a handoff, an override's start or end). So the process keeps the last answer
with the schedule version it was computed at (`ScheduleVersion`, changed by database
triggers on every write, whoever writes) and the stretch of time in which it holds, and
answers from it while both still match: one query of one row.

The version is read before the schedule: an answer may be newer than its version, never
older. Without the version row (another database, or a flush that has not been followed
by a write yet) every call computes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING

from django.utils import timezone

from oncall.models import ScheduleVersion

if TYPE_CHECKING:
    from oncall.schedule.selectors import OncallShift

Computed = tuple["OncallShift | None", dt.datetime, dt.datetime]

# (version, since, until, shift): replaced as a whole, so threads never see half of it.
_last: tuple[int, dt.datetime, dt.datetime, OncallShift | None] | None = None


def schedule_version() -> int | None:
    """The current schedule version, or None when the row is missing (one query)."""
    return ScheduleVersion.objects.filter(pk=1).values_list("value", flat=True).first()


def shift_now(compute: Callable[[dt.datetime], Computed]) -> OncallShift | None:
    global _last
    version = schedule_version()
    now = timezone.now()
    last = _last
    if version is not None and last is not None:
        seen, since, until, shift = last
        if seen == version and since <= now < until:
            return shift
    shift, since, until = compute(now)
    if version is not None:
        _last = (version, since, until, shift)
    return shift


def forget() -> None:
    """Drop the kept answer (tests that change the clock or the database under it)."""
    global _last
    _last = None
