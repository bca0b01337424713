"""Writes of community work: closing a stale community issue through the GitHub gateway."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from fleetops.github.gateway import issue_comment_create, issue_update
from fleetops.github.models import GitHubWrite
from fleetops.org.roles import person_of
from oncall.community.rules import stale_dedupe_prefix
from oncall.community.selectors import community_issues_stale
from oncall.permissions import can_manage_rotation
from oncall.schedule.selectors import (
    LOOK_AHEAD,
    LOOK_BACK,
    schedule_load,
    shift_at,
)

logger = logging.getLogger(__name__)


# -- stale community issues -------------------------------------------------------------------

STALE_COMMENT = (
    "Hi @{author}, thanks again for opening this issue! We asked for a few more details a "
    "week ago and haven't heard back, so we're closing it for now. You're very welcome to "
    "re-open it with any updates (for example your Fleet and osquery versions, and what you "
    "see in the logs) and we'll take another look."
)
STALE_REASON = "Handbook: close a stale community issue after one week with no reply"


@dataclass(frozen=True)
class StaleClose:
    number: int
    comment: GitHubWrite
    close: GitHubWrite | None


def _may_close_stale(actor: AbstractBaseUser, now: dt.datetime) -> bool:
    if can_manage_rotation(actor):
        return True
    me = person_of(actor)
    if me is None:
        return False
    data = schedule_load(start=now - LOOK_BACK, end=now + LOOK_AHEAD)
    return any(
        (shift := shift_at(data, plan, now)).person is not None and shift.person.pk == me.pk
        for plan in data.rotations
    )


def stale_issue_close(
    *, number: int, actor: AbstractBaseUser, now: dt.datetime | None = None
) -> StaleClose:
    """Close a stale community issue with a polite comment, through the GitHub gateway.

    Handbook, "Close a stale community issue". Dry-run unless FLEETOPS_GITHUB_WRITE=1; the
    dedupe keys make a second click (or a second person) a no-op. Staff, an EM, or whoever
    is on call now may do it.
    """
    now = now or timezone.now()
    if not _may_close_stale(actor, now):
        raise PermissionDenied("Only the on-call engineer, an EM or staff may close it.")
    stale = next((s for s in community_issues_stale(now=now) if s.issue.number == number), None)
    if stale is None:
        raise ValidationError(f"#{number} is not a stale community issue (any more).")
    prefix = stale_dedupe_prefix(number, stale.asked_at)
    comment = issue_comment_create(
        number=number,
        body=STALE_COMMENT.format(author=stale.issue.author_login),
        reason=STALE_REASON,
        actor=actor,
        dedupe_key=f"{prefix}:comment",
    )
    if comment.status == GitHubWrite.Status.FAILED:
        return StaleClose(number, comment, None)  # never close without the comment
    close = issue_update(
        number=number,
        changes={"state": "closed", "state_reason": "not_planned"},
        reason=STALE_REASON,
        actor=actor,
        dedupe_key=f"{prefix}:close",
    )
    return StaleClose(number, comment, close)
