"""The release's activity feed, which both sub-domains write to, and the board's version stamp.

Every change the board shows bumps `Release.board_version` (viewers poll it as an ETag);
an entry the team must hear about is also announced on Slack, after commit (never while a
row lock is held), through the one notifier in `fleetops/core/slack.py`.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import F
from django.utils import timezone

from fleetops.core.slack import RELEASES, slack_announce_after_commit
from releases.board.models import Activity, Release


def release_bump(release: Release) -> None:
    """Mark the release's board changed (its viewers' next poll redraws it)."""
    Release.objects.filter(pk=release.pk).update(board_version=F("board_version") + 1)


def activity_record(
    *,
    release: Release,
    kind: str,
    message: str,
    actor: AbstractBaseUser | None = None,
    announce: bool = False,
    purpose: str = RELEASES,
) -> Activity:
    """Add to the release's activity feed; with `announce`, also post it to Slack after commit,
    to the webhook of `purpose` (fleetops/core/slack.py)."""
    entry = Activity.objects.create(
        release=release,
        kind=kind,
        message=message,
        at=timezone.now(),
        actor=actor if actor is not None and actor.is_authenticated else None,
    )
    if announce:
        slack_announce_after_commit(
            message,
            purpose=purpose,
            record=lambda status: Activity.objects.filter(pk=entry.pk).update(slack_status=status),
        )
    release_bump(release)
    return entry
