"""Writes on a group's sign-off card: moves, notes, the blocked reason; each kept in its history.

Every change is a `SignoffEvent` (the card's timeline) and an entry in the release's activity
feed, under the release's row lock, so concurrent changes land one after the other.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from fleetops.org import roles
from fleetops.org.models import ProductGroup
from releases.board import rules
from releases.board.activity import activity_record
from releases.board.counts import group_release_blockers
from releases.board.models import Release, ReleaseCandidate, Signoff, SignoffEvent
from releases.permissions import can_note, ensure_can_sign

NOTE_MAX = 2000
BLOCKED_REASON_NEEDED = "Say why the group is blocked."


def ensure_not_concluded(release: Release, what: str) -> None:
    """A concluded release is history: nothing on it changes any more."""
    if release.state == Release.State.CONCLUDED:
        raise ValidationError(
            f"Fleet v{release.version} is concluded: its milestone is closed, so {what} "
            "no longer makes sense. Use the current release."
        )


def _locked(release: Release, group: ProductGroup) -> tuple[Release, Signoff]:
    release = Release.objects.select_for_update().get(pk=release.pk)
    signoff, _ = Signoff.objects.select_for_update().get_or_create(release=release, group=group)
    return release, signoff


def _label(state: str) -> str:
    return str(Signoff.State(state).label).lower() if state in Signoff.State.values else state


@transaction.atomic
def signoff_set_state(
    *, release: Release, group: ProductGroup, actor: AbstractBaseUser, state: str, note: str = ""
) -> Signoff:
    """Move a group's card; only its QA lead, the release DRI or staff may.

    Handbook, "Indicate your product group is release-ready": the QA lead marks the group
    ready; the DRI starts the release once every QA lead has. The release row is locked
    first, so concurrent moves land one after the other and "all ready" is told once.
    """
    release = Release.objects.select_for_update().get(pk=release.pk)
    ensure_can_sign(actor, release, group)
    ensure_not_concluded(release, "moving a sign-off")
    if state not in Signoff.State.values:
        raise ValidationError(f"{state!r} is not a sign-off state.")
    note = note.strip()
    if state == Signoff.State.BLOCKED and not note:
        raise ValidationError({"note": BLOCKED_REASON_NEEDED})
    release, signoff = _locked(release, group)
    was_all_ready = _all_ready(release)
    previous = signoff.state
    now = timezone.now()
    signoff.state, signoff.note = state, note
    signoff.set_by, signoff.set_at = actor, now
    if state == Signoff.State.READY:
        signoff.ready_blockers = sorted(i.number for i in group_release_blockers(group=group))
        candidate = ReleaseCandidate.objects.filter(release=release).first()
        signoff.ready_rc_sha = candidate.head_sha if candidate else ""
    signoff.save()
    SignoffEvent.objects.create(
        signoff=signoff, from_state=previous, to_state=state, note=note, actor=actor, at=now
    )
    who = roles.display_name(actor)
    verb = "re-confirmed" if previous == state else "moved"
    activity_record(
        release=release,
        kind="signoff",
        actor=actor,
        message=f"{who} {verb} {group.name} to {_label(state)}" + (f": {note}" if note else "."),
    )
    if not was_all_ready and _all_ready(release):
        dri = release.dri.name if release.dri else "the release DRI"
        activity_record(
            release=release,
            kind="all-ready",
            actor=actor,
            announce=True,
            message=(
                f"All product groups are ready for release of Fleet v{release.version} "
                f"(last: {group.name}, by {who}). {dri}: start the release process."
            ),
        )
    return signoff


def _all_ready(release: Release) -> bool:
    return rules.all_ready(release.signoffs.values_list("state", flat=True))


def _clean_text(text: str, empty: str) -> str:
    text = text.strip()
    if not text:
        raise ValidationError({"note": empty})
    if len(text) > NOTE_MAX:
        raise ValidationError({"note": f"Keep it under {NOTE_MAX} characters."})
    return text


@transaction.atomic
def signoff_note_add(
    *, release: Release, group: ProductGroup, actor: AbstractBaseUser, note: str
) -> SignoffEvent:
    """Add a note to a group's card without moving it (its QA lead and EM, the DRI, staff)."""
    release = Release.objects.select_for_update().get(pk=release.pk)
    if not can_note(actor, release, group):
        raise PermissionDenied(
            f"Only {group.name}'s QA lead or EM, the release DRI or staff "
            "can add notes to its card."
        )
    ensure_not_concluded(release, "adding a note")
    note = _clean_text(note, "Write the note first.")
    release, signoff = _locked(release, group)
    return _record_in_place(
        release,
        signoff,
        SignoffEvent.Kind.NOTE,
        note,
        actor,
        f"{roles.display_name(actor)} noted on {group.name}: {note}",
    )


@transaction.atomic
def signoff_reason_edit(
    *, release: Release, group: ProductGroup, actor: AbstractBaseUser, note: str
) -> Signoff:
    """Change why a blocked group is blocked, without moving its card (who may move it)."""
    release = Release.objects.select_for_update().get(pk=release.pk)
    ensure_can_sign(actor, release, group)
    ensure_not_concluded(release, "editing the blocked reason")
    note = _clean_text(note, BLOCKED_REASON_NEEDED)
    release, signoff = _locked(release, group)
    if signoff.state != Signoff.State.BLOCKED:
        raise ValidationError(
            f"{group.name} is {_label(signoff.state)}, not blocked: there is no reason to edit."
        )
    if note == signoff.note:
        return signoff  # nothing changed: no history entry, no activity
    signoff.note = note
    signoff.save(update_fields=["note"])
    _record_in_place(
        release,
        signoff,
        SignoffEvent.Kind.REASON,
        note,
        actor,
        f"{roles.display_name(actor)} changed why {group.name} is blocked: {note}",
    )
    return signoff


def _record_in_place(
    release: Release, signoff: Signoff, kind: str, note: str, actor: AbstractBaseUser, message: str
) -> SignoffEvent:
    """A card's history entry that does not move it (a note, a reason), and its activity."""
    event = SignoffEvent.objects.create(
        signoff=signoff,
        kind=kind,
        from_state=signoff.state,
        to_state=signoff.state,
        note=note,
        actor=actor,
        at=timezone.now(),
    )
    activity_record(release=release, kind=f"signoff-{kind}", actor=actor, message=message)
    return event
