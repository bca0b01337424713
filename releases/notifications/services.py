"""Tell a pushed story's stakeholders, once, through the gateway and the Slack notifier."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from fleetops.core import slack
from fleetops.github import gateway
from fleetops.github.models import GitHubWrite, Issue
from fleetops.org import roles
from releases.board.activity import activity_record
from releases.board.models import Release
from releases.notifications import rules
from releases.notifications.models import PushedStoryNotice
from releases.notifications.selectors import PushedStoryPreview, pushed_story_preview


@dataclass(frozen=True)
class PushedNotifyOutcome:
    write: GitHubWrite
    notice: PushedStoryNotice | None  # None for a dry run or a failed comment

    @property
    def status(self) -> str:
        return self.write.status


def can_notify_pushed(user: AbstractBaseUser | None, release: Release) -> bool:
    """The handbook makes it the product group EM's job; the release DRI and staff may too."""
    return roles.is_staff(user) or roles.is_dri(user, release) or roles.is_engineering_manager(user)


def pushed_story_notify(
    *, release: Release, number: int, actor: AbstractBaseUser
) -> PushedNotifyOutcome:
    """Comment on a pushed story mentioning the Head of Product Design and its requesters, and
    for a `customer-` label tell the customer-success lead on Slack; once per story.

    Handbook, "Notify stakeholders when a user story is pushed to the next release". A dry
    run records the comment as a preview and tells nobody; only a real comment counts.
    """
    if not can_notify_pushed(actor, release):
        raise PermissionDenied("Only an EM, the release DRI or staff notify stakeholders.")
    story = (
        Issue.objects.open()
        .issues()
        .filter(repository__full_name=settings.GITHUB_REPOSITORY, number=number)
        .filter(labels__name=rules.PUSHED)
        .filter(labels__name=rules.STORY)
        .select_related("repository", "milestone")
        .first()
    )
    if story is None:
        raise ValidationError(f"#{number} is not an open story labelled ~pushed.")
    earlier = PushedStoryNotice.objects.filter(story_number=number).first()
    if earlier is not None:
        raise ValidationError(f"#{number}'s stakeholders were told on {earlier.notified_at:%b %d}.")
    preview = pushed_story_preview(story)
    write = gateway.issue_comment_create(
        number=number,
        body=preview.comment,
        reason=f"Story #{number} was pushed: tell its stakeholders",
        actor=actor,
        dedupe_key=f"pushed-story:{number}",
    )
    if write.status == GitHubWrite.Status.DRY_RUN:
        activity_record(
            release=release,
            kind="pushed-preview",
            actor=actor,
            message=f"Dry run: would comment on #{number}: {preview.comment}",
        )
        return PushedNotifyOutcome(write, None)
    if write.status == GitHubWrite.Status.FAILED:
        activity_record(
            release=release,
            kind="pushed-failed",
            actor=actor,
            message=f"Could not comment on pushed story #{number}: {write.error[:200]}",
        )
        return PushedNotifyOutcome(write, None)
    return PushedNotifyOutcome(write, _notice_record(release, number, preview, write, actor))


def _notice_record(
    release: Release,
    number: int,
    preview: PushedStoryPreview,
    write: GitHubWrite,
    actor: AbstractBaseUser,
) -> PushedStoryNotice:
    try:
        with transaction.atomic():
            notice = PushedStoryNotice.objects.create(
                release=release,
                story_number=number,
                comment=preview.comment,
                slack_text=preview.slack_text,
                write=write,
                notified_by=actor,
                notified_at=timezone.now(),
            )
            activity_record(
                release=release,
                kind="pushed-story",
                actor=actor,
                message=f"Told pushed story #{number}'s stakeholders: "
                + ", ".join(preview.mentioned),
            )
            if preview.slack_text:  # posted after commit; a failure is recorded, never raised
                activity_record(
                    release=release,
                    kind="pushed-story-slack",
                    actor=actor,
                    message=preview.slack_text,
                    announce=True,
                    purpose=slack.CUSTOMER_SUCCESS,
                )
    except IntegrityError:  # told at the same moment by another request
        return PushedStoryNotice.objects.get(story_number=number)
    return notice
