"""Writes of the schedule: overrides, swaps, time off, feed tokens, calendar imports.

Every change names who made it (`created_by`, `cancelled_by`). Overrides and swaps lock the
rotation row, so two managers editing the same weeks at once are checked one after the
other against the schedule the first one left.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from fleetops.core.bounds import RANGE_TEXT, date_in_range, moment_in_range
from fleetops.org.models import Person, process_time_zone, process_today
from fleetops.org.roles import is_staff, person_of
from oncall.capacity.rules import time_off_range_errors
from oncall.models import (
    OncallProfile,
    Override,
    Rotation,
    Swap,
    TimeOff,
    feed_secret_new,
)
from oncall.permissions import can_manage_rotation, can_manage_time_off, time_off_refusal
from oncall.schedule.ics import IcsImportError, ics_absences, ics_fetch
from oncall.schedule.rules import GAP_TIME_OFF, RotationPlan
from oncall.schedule.selectors import (
    ScheduleData,
    schedule_load,
    shift_owner,
)

logger = logging.getLogger(__name__)


IMPORT_DAYS_BACK = 31
IMPORT_DAYS_AHEAD = 366
CANCEL_CHECK_SPAN = dt.timedelta(days=400)  # the longest override the form accepts, and some


def _when(value: dt.datetime) -> str:
    """A moment for a message, in the viewer's zone (the active one)."""
    local = timezone.localtime(value)
    return f"{local:%a %b} {local.day}, {local:%H:%M}"


def _days(first: dt.date, last: dt.date) -> str:
    if first == last:
        return f"{first:%a %b} {first.day}"
    return f"{first:%b} {first.day} – {last:%b} {last.day}"  # noqa: RUF001


def _locked_rotation(rotation_id: int) -> Rotation:
    rotation = Rotation.objects.select_for_update().filter(pk=rotation_id, active=True).first()
    if rotation is None:
        raise ValidationError("That rotation does not exist or is not active.")
    return rotation


def _away_days(data: ScheduleData, person_id: int, start: dt.datetime, end: dt.datetime) -> str:
    """The person's days away that touch a range, for a refusal ("" when none)."""
    zone = data.calendar_zone
    first, last = (
        start.astimezone(zone).date(),
        (end - dt.timedelta(microseconds=1)).astimezone(zone).date(),
    )
    spans = [
        _days(max(t.starts_on, first), min(t.ends_on, last))
        for t in data.time_off
        if t.person_id == person_id and t.starts_on <= last and t.ends_on >= first
    ]
    return ", ".join(dict.fromkeys(spans))


# -- overrides and swaps ----------------------------------------------------------------------


@transaction.atomic
def override_create(
    *,
    rotation_id: int,
    person_id: int,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    actor: AbstractBaseUser,
    note: str = "",
    now: dt.datetime | None = None,
) -> Override:
    """Someone covers a range of a rotation instead of whom it names.

    Refused (nothing changes) when it ends before it starts, is over already, names
    someone outside the rotation, changes nothing, or would leave nobody on call (the
    covering person is away then). Staff and EMs may override any range; anyone else
    only a range of their own shift.
    """
    now = now or timezone.now()
    if not (moment_in_range(starts_at) and moment_in_range(ends_at)):
        raise ValidationError(f"Pick times between {RANGE_TEXT}.")
    rotation = _locked_rotation(rotation_id)
    if ends_at <= starts_at:
        raise ValidationError(
            f"The override ends ({_when(ends_at)}) before it starts ({_when(starts_at)})."
        )
    if ends_at <= now:
        raise ValidationError("That range is already over: an override changes what is ahead.")
    data = schedule_load(start=starts_at, end=ends_at, rotation_id=rotation.pk)
    plan = data.rotation(rotation.pk)
    person = data.person(person_id) or Person.objects.filter(pk=person_id).first()
    if plan is None or person is None or person_id not in plan.member_ids:
        name = person.name if person else "That person"
        raise ValidationError(
            f"{name} is not in the {rotation.name} rotation: only its members can be on call."
        )
    segments = data.segments(plan, starts_at, ends_at)
    if not can_manage_rotation(actor):
        me = person_of(actor)
        if me is None or any(s.scheduled_id != me.pk for s in segments):
            raise PermissionDenied(
                f"You may hand over only your own shifts, and {_when(starts_at)} to "
                f"{_when(ends_at)} is not all yours: staff or an engineering manager may "
                "change it."
            )
    if all(s.person_id == person_id for s in segments):
        raise ValidationError(f"{person.name} is already on call for all of that range.")
    away = _away_days(data, person_id, starts_at, ends_at)
    if away:
        raise ValidationError(
            f"{person.name} has time off on {away}: the override would leave nobody on call."
        )
    return Override.objects.create(
        rotation=rotation,
        person_id=person_id,
        starts_at=starts_at,
        ends_at=ends_at,
        note=note,
        created_by=actor,
        created_at=now,
    )


@transaction.atomic
def override_cancel(
    *, override_id: int, actor: AbstractBaseUser, now: dt.datetime | None = None
) -> Override:
    """Cancel an override (a swap's whole pair); refused if it would leave nobody on call."""
    now = now or timezone.now()
    override = Override.objects.filter(pk=override_id).select_related("rotation").first()
    if override is None:
        raise ValidationError("That override does not exist.")
    _locked_rotation(override.rotation_id)
    override = Override.objects.select_for_update().get(pk=override_id)
    if override.cancelled_at is not None:
        raise ValidationError("That override was already cancelled.")
    if not (can_manage_rotation(actor) or override.created_by_id == actor.pk):
        raise PermissionDenied("Only staff, an engineering manager or its author may cancel it.")
    if override.ends_at <= now:
        raise ValidationError("That override is over already.")
    pair = (
        list(Override.objects.select_for_update().filter(swap_id=override.swap_id))
        if override.swap_id
        else [override]
    )
    start = max(min(o.starts_at for o in pair), now)
    # An override is at most a year (the form's rule); one stored longer, from before that
    # rule, is checked over its first year only, so that it can still be cancelled.
    end = min(max(o.ends_at for o in pair), start + CANCEL_CHECK_SPAN)
    data = schedule_load(start=start, end=end, rotation_id=override.rotation_id)
    cancelled = {o.pk for o in pair}
    data.overrides = [o for o in data.overrides if o.plan.id not in cancelled]
    plan = data.rotation(override.rotation_id)
    new_gaps = [s for s in data.segments(plan, start, end) if s.gap_reason == GAP_TIME_OFF]
    if plan is not None and new_gaps:
        gap = new_gaps[0]
        who = data.person(gap.scheduled_id)
        raise ValidationError(
            f"Cancelling it would leave nobody on call from {_when(gap.starts_at)}"
            f"{f' ({who.name} has time off)' if who else ''}: add another override first."
        )
    Override.objects.filter(pk__in=cancelled).update(cancelled_at=now, cancelled_by=actor)
    if override.swap_id:
        Swap.objects.filter(pk=override.swap_id).update(cancelled_at=now, cancelled_by=actor)
    override.refresh_from_db()
    return override


def _shift_ahead(
    plan: RotationPlan, starts_at: dt.datetime, now: dt.datetime
) -> tuple[int, dt.datetime, dt.datetime]:
    """The shift that starts at `starts_at` (index, start, end); refused unless it is ahead."""
    index = plan.shift_index_at(starts_at)
    if index < 0 or plan.shift_start(index) != starts_at:
        raise ValidationError(f"{_when(starts_at)} is not the start of a shift.")
    if starts_at <= now:
        raise ValidationError(
            f"The shift of {_when(starts_at)} has started already: trade shifts still ahead."
        )
    return index, starts_at, plan.shift_start(index + 1)


@transaction.atomic
def swap_create(
    *,
    rotation_id: int,
    first_shift_starts_at: dt.datetime,
    second_shift_starts_at: dt.datetime,
    actor: AbstractBaseUser,
    note: str = "",
    now: dt.datetime | None = None,
) -> Swap:
    """Two people trade whole shifts (kept as two overrides). Staff, EMs, or either of them."""
    now = now or timezone.now()
    rotation = _locked_rotation(rotation_id)
    preview = schedule_load(start=now, end=now + dt.timedelta(seconds=1), rotation_id=rotation.pk)
    plan = preview.rotation(rotation.pk)
    if plan is None:
        raise ValidationError("That rotation has no shifts.")
    (first, first_start, first_end), (second, second_start, second_end) = (
        _shift_ahead(plan, starts_at, now)
        for starts_at in (first_shift_starts_at, second_shift_starts_at)
    )
    if first == second:
        raise ValidationError("Pick two different shifts.")
    data = schedule_load(
        start=min(first_start, second_start),
        end=max(first_end, second_end),
        rotation_id=rotation.pk,
    )
    plan = data.rotation(rotation.pk)
    owners = [shift_owner(data, plan, first), shift_owner(data, plan, second)]
    if None in owners:
        raise ValidationError("Nobody is scheduled for one of those shifts: use an override.")
    first_person, second_person = (data.person(owner) for owner in owners)
    if first_person.pk == second_person.pk:
        raise ValidationError(f"Both shifts are {first_person.name}'s: nothing to trade.")
    if not can_manage_rotation(actor):
        me = person_of(actor)
        if me is None or me.pk not in owners:
            raise PermissionDenied(
                "You may trade only your own shifts, and neither of these is yours: staff or "
                "an engineering manager may swap them."
            )
    for person, start, end in (
        (second_person, first_start, first_end),
        (first_person, second_start, second_end),
    ):
        away = _away_days(data, person.pk, start, end)
        if away:
            raise ValidationError(
                f"{person.name} has time off on {away}: the swap would leave nobody on call."
            )
    swap = Swap.objects.create(
        rotation=rotation,
        first_person=first_person,
        first_shift_starts_at=first_start,
        second_person=second_person,
        second_shift_starts_at=second_start,
        note=note,
        created_by=actor,
        created_at=now,
    )
    for person, start, end in (
        (second_person, first_start, first_end),
        (first_person, second_start, second_end),
    ):
        Override.objects.create(
            rotation=rotation,
            person=person,
            starts_at=start,
            ends_at=end,
            note=note or "swap",
            swap=swap,
            created_by=actor,
            created_at=now,
        )
    return swap


# -- time off ---------------------------------------------------------------------------------


@transaction.atomic
def time_off_create(
    *,
    person_id: int,
    starts_on: dt.date,
    ends_on: dt.date,
    actor: AbstractBaseUser,
    note: str = "",
    today: dt.date | None = None,
) -> TimeOff:
    """Enter days away for someone it counts for (the person, the EM of a group counting
    them, or staff: `oncall.permissions`), on dates someone can mean
    (`time_off_range_errors`); overlaps are refused."""
    if not (date_in_range(starts_on) and date_in_range(ends_on)):
        raise ValidationError(f"Pick days between {RANGE_TEXT}.")
    person = Person.objects.select_for_update().filter(pk=person_id).first()
    if person is None:
        raise ValidationError({"person": "That person does not exist."})
    refusal = time_off_refusal(actor, person)
    if refusal:
        raise PermissionDenied(refusal)
    if ends_on < starts_on:
        raise ValidationError(
            f"The time off ends ({ends_on:%b} {ends_on.day}) before it starts "
            f"({starts_on:%b} {starts_on.day})."
        )
    errors = time_off_range_errors(starts_on, ends_on, today=today or process_today())
    if errors:
        raise ValidationError(errors)
    overlap = (
        TimeOff.objects.filter(person=person, source=TimeOff.Source.MANUAL)
        .overlapping(starts_on, ends_on)
        .first()
    )
    if overlap is not None:
        raise ValidationError(
            f"{person.name} is already away {_days(overlap.starts_on, overlap.ends_on)}."
        )
    return TimeOff.objects.create(
        person=person,
        starts_on=starts_on,
        ends_on=ends_on,
        note=note,
        source=TimeOff.Source.MANUAL,
        created_by=actor,
    )


@transaction.atomic
def time_off_delete(*, time_off_id: int, actor: AbstractBaseUser) -> None:
    """Remove entered time off (imported time off is removed in its calendar)."""
    entry = TimeOff.objects.select_for_update().select_related("person").filter(pk=time_off_id)
    entry = entry.first()
    if entry is None:
        return
    if not (is_staff(actor) or can_manage_time_off(actor, entry.person)):
        raise PermissionDenied("Only the person, their EM, or staff may remove their time off.")
    if entry.source == TimeOff.Source.ICS:
        raise ValidationError("Imported from a calendar: remove it there and import again.")
    entry.delete()


def oncall_profile_for(*, person: Person) -> OncallProfile:
    """A person's on-call profile, made on first use."""
    profile, _ = OncallProfile.objects.get_or_create(person=person)
    return profile


@transaction.atomic
def feed_token_rotate(*, actor: AbstractBaseUser) -> OncallProfile:
    """A new secret for the actor's feed URLs: the old URLs stop working at once."""
    person = person_of(actor)
    if person is None:
        raise PermissionDenied("Only people of the organisation have calendar feeds.")
    profile = oncall_profile_for(person=person)
    profile = OncallProfile.objects.select_for_update().get(pk=profile.pk)
    profile.feed_secret = feed_secret_new()
    profile.feed_rotated_at = timezone.now()
    profile.save(update_fields=["feed_secret", "feed_rotated_at"])
    return profile


@transaction.atomic
def time_off_calendar_set(
    *, person_id: int, ics_url: str, actor: AbstractBaseUser
) -> OncallProfile:
    """Set (or clear) the calendar a person's time off is imported from, and import it."""
    person = Person.objects.filter(pk=person_id).first()
    if person is None:
        raise ValidationError({"person": "That person does not exist."})
    refusal = time_off_refusal(actor, person)
    if refusal:
        raise PermissionDenied(refusal)
    if ics_url and urlsplit(ics_url).scheme not in ("http", "https"):
        raise ValidationError("The calendar URL must start with https:// (or http://).")
    profile = oncall_profile_for(person=person)
    profile = OncallProfile.objects.select_for_update().get(pk=profile.pk)
    profile.ics_url = ics_url
    profile.save(update_fields=["ics_url"])
    if ics_url:
        # Imported here: the tasks module imports this one (a task wraps a service).
        from oncall.schedule.tasks import time_off_import_task  # noqa: PLC0415 - the cycle above

        time_off_import_task.delay_on_commit(person.pk)
    return profile


@dataclass(frozen=True)
class ImportResult:
    ok: bool
    message: str
    added: int = 0


def _import_record(profile_id: int, *, ok: bool, message: str) -> None:
    OncallProfile.objects.filter(pk=profile_id).update(
        ics_status=OncallProfile.ImportStatus.OK if ok else OncallProfile.ImportStatus.ERROR,
        ics_message=message,
        ics_imported_at=timezone.now(),
    )


def time_off_import(*, person_id: int, today: dt.date | None = None) -> ImportResult:
    """Import a person's time off from their calendar URL (.ics), replacing the last import.

    A calendar that cannot be fetched or read changes nothing: the message says which line
    is wrong or why it could not be reached, and the time off entered before is kept.
    """
    profile = OncallProfile.objects.select_related("person").filter(person_id=person_id).first()
    if profile is None or not profile.ics_url:
        return ImportResult(False, "No calendar URL is set.")
    today = today or process_today()
    first = today - dt.timedelta(days=IMPORT_DAYS_BACK)
    last = today + dt.timedelta(days=IMPORT_DAYS_AHEAD)
    host = urlsplit(profile.ics_url).hostname or "the calendar"
    try:
        absences = ics_absences(
            ics_fetch(profile.ics_url), zone=process_time_zone(), first=first, last=last
        )
    except IcsImportError as exc:
        message = f"Not imported; the time off entered before is kept. {exc}"
        _import_record(profile.pk, ok=False, message=message)
        return ImportResult(False, message)
    with transaction.atomic():
        OncallProfile.objects.select_for_update().get(pk=profile.pk)
        TimeOff.objects.filter(
            person_id=person_id, source=TimeOff.Source.ICS, ends_on__gte=first
        ).delete()
        TimeOff.objects.bulk_create(
            TimeOff(
                person_id=person_id,
                starts_on=absence.starts_on,
                ends_on=absence.ends_on,
                note=absence.summary,
                source=TimeOff.Source.ICS,
                ics_uid=absence.uid,
            )
            for absence in absences
        )
        days = sum((a.ends_on - a.starts_on).days + 1 for a in absences)
        message = (
            f"Imported {len(absences)} absence{'s' if len(absences) != 1 else ''} "
            f"({days} day{'s' if days != 1 else ''}) from {host}."
        )
        _import_record(profile.pk, ok=True, message=message)
    return ImportResult(True, message, len(absences))
