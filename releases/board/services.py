"""Writes of the releases app: sign-offs, release candidates, merge exceptions, conclusion."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from fleetops.core import slack
from fleetops.github import gateway
from fleetops.github.client import GitHubError
from fleetops.github.models import GitHubWrite, Issue
from fleetops.github.refs import branch_head_refresh, pulls_against_refresh
from fleetops.org import roles
from fleetops.org.models import ProductGroup
from releases.board import rules
from releases.board.activity import activity_record, release_bump
from releases.board.models import (
    MergeException,
    Release,
    ReleaseCandidate,
    Signoff,
    SignoffEvent,
)
from releases.board.selectors import group_release_blockers
from releases.dependencies.tasks import dependency_checks_run_task
from releases.permissions import ensure_can_drive, ensure_can_sign

logger = logging.getLogger(__name__)
DEFAULT_BRANCH = "main"


class ReleaseError(Exception):
    """A release action that cannot be done, with the reason a person can act on."""


def release_signoffs_ensure(*, release: Release) -> int:
    """Give the release a sign-off for every product group that has none yet."""
    have = set(release.signoffs.values_list("group_id", flat=True))
    missing = [
        Signoff(release=release, group=group) for group in ProductGroup.objects.exclude(pk__in=have)
    ]
    Signoff.objects.bulk_create(missing, ignore_conflicts=True)
    return len(missing)


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
    if state not in Signoff.State.values:
        raise ValidationError(f"{state!r} is not a sign-off state.")
    note = note.strip()
    if state == Signoff.State.BLOCKED and not note:
        raise ValidationError("Say why the group is blocked.")
    signoff, _ = Signoff.objects.select_for_update().get_or_create(release=release, group=group)
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
    release_bump(release)
    if not was_all_ready and _all_ready(release):
        who = roles.person_of(actor)
        dri = release.dri.name if release.dri else "the release DRI"
        activity_record(
            release=release,
            kind="all-ready",
            actor=actor,
            announce=True,
            message=(
                f"All product groups are ready for release of Fleet v{release.version} "
                f"(last: {group.name}, by {who.name if who else actor.get_username()}). "
                f"{dri}: start the release process."
            ),
        )
    return signoff


def _all_ready(release: Release) -> bool:
    return rules.all_ready(release.signoffs.values_list("state", flat=True))


QA_CHECKLIST = """Release QA for Fleet v{version}, from `{branch}`.

Product groups (each QA lead marks their group ready on the fleetops release board):
{groups}

Before kicking off release QA:
- [ ] Dependencies confirmed (Go, macadmins-extension, osquery, vulnerability feeds, fleetd)
- [ ] `QAWOLF_DEPLOY_TAG` set to `{branch}`: QA Wolf tests the release candidate every morning
- [ ] Only unreleased bug fixes are cherry-picked into `{branch}`; feature work needs an
      approved merge exception
"""


def _candidate_writes(
    *, release: Release, branch: str, sha: str, actor: AbstractBaseUser | None
) -> list[GitHubWrite]:
    """The RC branch from main's head and the release QA issue, through the gateway (once each)."""
    reason = f"release candidate of Fleet v{release.version}"
    groups = "\n".join(
        f"- [ ] {g.name} ({g.github_label}), QA lead "
        + (g.qa_lead.name if g.qa_lead else "unassigned")
        for g in ProductGroup.objects.select_related("qa_lead")
    )
    return [
        gateway.branch_create(
            name=branch,
            sha=sha,
            reason=reason,
            actor=actor,
            dedupe_key=f"rc:{release.version}:branch",
        ),
        gateway.issue_create(
            title=f"Release QA: Fleet v{release.version}",
            body=QA_CHECKLIST.format(version=release.version, branch=branch, groups=groups),
            labels=[":release"],
            assignees=[release.dri.github_login] if release.dri else [],
            reason=reason,
            actor=actor,
            dedupe_key=f"rc:{release.version}:qa-issue",
        ),
    ]


def release_candidate_cut(
    *, release: Release, actor: AbstractBaseUser | None = None, trigger: str = "button"
) -> ReleaseCandidate:
    """Cut the release candidate: its branch from main, the release QA issue, the announcement.

    Handbook, "Create a release candidate": on the last Friday of each sprint at 8:00 AM
    Pacific. Writes go through the gateway (dry-run unless FLEETOPS_GITHUB_WRITE=1), each at
    most once; a second cut returns the first candidate.
    """
    if actor is not None:  # the right first: a refused user is told so, cut or not
        ensure_can_drive(actor, release, "cut the release candidate")
    existing = ReleaseCandidate.objects.filter(release=release).first()
    if existing is not None:
        return existing
    if release.state not in (Release.State.PLANNED, Release.State.RELEASE_CANDIDATE):
        raise ReleaseError(f"Fleet v{release.version} is {release.get_state_display()}: no RC cut.")
    branch = release.rc_branch_name
    try:
        head = branch_head_refresh(branch=DEFAULT_BRANCH)
    except GitHubError as exc:
        raise ReleaseError(f"Cannot read {DEFAULT_BRANCH} from GitHub: {exc}") from exc
    writes = _candidate_writes(release=release, branch=branch, sha=head.sha, actor=actor)
    failed = [w for w in writes if w.status == GitHubWrite.Status.FAILED]
    if failed:
        raise ReleaseError(f"GitHub refused {failed[0].action}: {failed[0].error}")
    with transaction.atomic():
        locked = Release.objects.select_for_update().get(pk=release.pk)
        existing = ReleaseCandidate.objects.filter(release=locked).first()
        if existing is not None:
            return existing
        dry_run = not settings.FLEETOPS_GITHUB_WRITE
        candidate = ReleaseCandidate.objects.create(
            release=locked,
            branch=branch,
            commit_sha=head.sha,
            head_sha=head.sha,
            cut_at=timezone.now(),
            cut_by=actor if actor and actor.is_authenticated else None,
            dry_run=dry_run,
            trigger=trigger,
        )
        candidate.writes.set(writes)
        if locked.state == Release.State.PLANNED:
            locked.state = Release.State.RELEASE_CANDIDATE
            locked.save(update_fields=["state"])
        release_signoffs_ensure(release=locked)
        activity_record(
            release=locked,
            kind="rc-cut",
            actor=actor,
            announce=True,
            message=(
                f"Release candidate `{branch}` cut from {DEFAULT_BRANCH} at {head.sha[:7]} for "
                f"Fleet v{locked.version}."
                + (" Dry run: nothing was written to GitHub." if dry_run else "")
                + " Only unreleased bug fixes go in now; feature work needs a merge exception."
            ),
        )
        transaction.on_commit(lambda: _checks_after_cut(locked.pk))
    return candidate


def _checks_after_cut(release_id: int) -> None:
    """Handbook: confirm the latest versions of dependencies before release QA starts."""
    try:
        dependency_checks_run_task.delay(release_id, "rc-cut")
    except Exception as exc:  # the queue being down must not undo a cut
        logger.warning("dependency checks not queued after the RC cut: %s", exc)


def release_candidate_due(*, now: dt.datetime | None = None) -> list[Release]:
    """Minor releases whose sprint's RC cut time has come (within a week) and have no RC."""
    now = now or timezone.now()
    releases = Release.objects.filter(
        kind=Release.Kind.MINOR,
        state=Release.State.PLANNED,
        candidate__isnull=True,
        sprint__isnull=False,
    ).select_related("sprint")
    return [r for r in releases if rules.rc_cut_due(rc_cut_at=r.sprint.rc_cut_at, now=now)]


def release_candidate_head_refresh(*, release: Release) -> bool:
    """Re-read the RC branch's head and the PRs against it; True when something changed."""
    candidate = ReleaseCandidate.objects.filter(release=release).first()
    if candidate is None or candidate.dry_run:
        return False  # a dry-run branch does not exist on GitHub
    head = branch_head_refresh(branch=candidate.branch)
    before = set(
        Issue.objects.filter(is_pull_request=True, base_ref=candidate.branch).values_list(
            "number", flat=True
        )
    )
    after = set(pulls_against_refresh(base=candidate.branch))
    changed = head.sha != candidate.head_sha or before != after
    if changed:
        ReleaseCandidate.objects.filter(pk=candidate.pk).update(head_sha=head.sha)
        release_bump(release)
    return changed


# Feature-merge exceptions. Handbook: "EM, QA lead, and release ritual DRI must all approve
# the feature work PR before it is merged into the release candidate branch."


def _approvers(release: Release, group: ProductGroup) -> str:
    """Who must approve (the EM, the QA lead, the release DRI), for the request's Slack message."""
    people = (group.engineering_manager, group.qa_lead, release.dri)
    names = list(dict.fromkeys(person.name for person in people if person is not None))
    return f" To approve: {', '.join(names)}." if names else ""


@transaction.atomic
def merge_exception_request(
    *,
    release: Release,
    group: ProductGroup,
    pr_number: int,
    reason: str,
    actor: AbstractBaseUser,
) -> MergeException:
    if not reason.strip():
        raise ValidationError("Say why this feature work must go into the release candidate.")
    if MergeException.objects.filter(release=release, pr_number=pr_number).exists():
        raise ValidationError(f"#{pr_number} already has a merge exception request.")
    exception = MergeException.objects.create(
        release=release,
        group=group,
        pr_number=pr_number,
        reason=reason.strip(),
        requested_by=actor,
        requested_at=timezone.now(),
    )
    activity_record(
        release=release,
        kind="exception",
        actor=actor,
        message=f"Merge exception requested for #{pr_number} ({group.name}): {reason.strip()}"
        + _approvers(release, group),
        announce=True,
        purpose=slack.MERGE_EXCEPTIONS,
    )
    return exception


@transaction.atomic
def merge_exception_decide(
    *, exception: MergeException, actor: AbstractBaseUser, approve: bool, reason: str = ""
) -> MergeException:
    """Record the EM's, QA lead's or DRI's decision; approved once all three approved."""
    exception = (
        MergeException.objects.select_for_update()
        .select_related("group", "release")
        .get(pk=exception.pk)
    )
    person = roles.person_of(actor)
    held = roles.group_roles(actor, exception.group, exception.release)
    if person is None or not held:
        raise PermissionDenied(
            f"Only {exception.group.name}'s EM, its QA lead or the release DRI decide this."
        )
    if exception.state != MergeException.State.PENDING:
        raise ValidationError(f"This exception is already {exception.state}.")
    now = timezone.now()
    if not approve:
        if not reason.strip():
            raise ValidationError("Say why the exception is rejected.")
        exception.state, exception.rejected_by = MergeException.State.REJECTED, person
        exception.rejection_reason, exception.decided_at = reason.strip(), now
        verdict = f"rejected by {person.name}: {reason.strip()}"
    else:
        for role in held:
            setattr(exception, f"{role}_approved_by", person)
        verdict = f"approved by {person.name} ({', '.join(r.upper() for r in held)})"
        if rules.merge_exception_approved(
            em=bool(exception.em_approved_by_id),
            qa=bool(exception.qa_approved_by_id),
            dri=bool(exception.dri_approved_by_id),
        ):
            exception.state, exception.decided_at = MergeException.State.APPROVED, now
            verdict += "; approved by all three, it may be merged into the RC"
    exception.save()
    activity_record(
        release=exception.release,
        kind="exception",
        actor=actor,
        message=f"Merge exception for #{exception.pr_number}: {verdict}.",
    )
    return exception


# Concluding the milestone. Handbook, "Conclude current milestone".


@dataclass(frozen=True)
class PlannedChange:
    action: str  # "relabel" | "close" | "close-milestone"
    number: int
    title: str
    detail: str
    changes: dict

    @property
    def key(self) -> str:
        return f"{self.action}:{self.number}"


def conclusion_plan(*, release: Release) -> list[PlannedChange]:
    """The GitHub changes concluding the release's milestone calls for, in order."""
    milestone = release.milestone
    if milestone is None:
        return []
    plan: list[PlannedChange] = []
    issues = (
        Issue.objects.open()
        .filter(milestone=milestone)
        .prefetch_related("labels")
        .order_by("number")
    )
    for issue in issues:
        change = rules.conclusion_change(label.name for label in issue.labels.all())
        plan.append(
            PlannedChange(change.action, issue.number, issue.title, change.detail, change.changes)
        )
    plan.append(
        PlannedChange(
            "close-milestone",
            milestone.number,
            milestone.title,
            "close the milestone",
            {"state": "closed"},
        )
    )
    return plan


def release_conclude(*, release: Release, actor: AbstractBaseUser) -> list[GitHubWrite]:
    """Apply the conclusion plan through the gateway (each change at most once)."""
    ensure_can_drive(actor, release, "conclude the milestone")
    if release.state not in (Release.State.PUBLISHED, Release.State.CONCLUDED):
        raise ReleaseError("Conclude the milestone after the release is published.")
    writes = []
    for change in conclusion_plan(release=release):
        key = f"conclude:{release.version}:{change.key}"
        reason = f"conclude milestone {release.version}: {change.detail}"
        if change.action == "close-milestone":
            writes.append(
                gateway.milestone_close(
                    number=change.number, reason=reason, actor=actor, dedupe_key=key
                )
            )
        else:
            writes.append(
                gateway.issue_update(
                    number=change.number,
                    changes=change.changes,
                    reason=reason,
                    actor=actor,
                    dedupe_key=key,
                )
            )
    with transaction.atomic():
        Release.objects.filter(pk=release.pk).update(
            state=Release.State.CONCLUDED, concluded_at=timezone.now()
        )
        failed = sum(w.status == GitHubWrite.Status.FAILED for w in writes)
        activity_record(
            release=release,
            kind="concluded",
            actor=actor,
            announce=True,
            message=(
                f"Milestone {release.version} concluded: {len(writes)} GitHub change(s)"
                + (f", {failed} failed (retry to apply them)" if failed else "")
                + (" (dry run)" if not settings.FLEETOPS_GITHUB_WRITE else "")
                + "."
            ),
        )
    return writes


@transaction.atomic
def release_set_state(*, release: Release, state: str, actor: AbstractBaseUser) -> Release:
    """The DRI moves the release through its states (published stamps the time)."""
    ensure_can_drive(actor, release, "change the release's state")
    if state not in Release.State.values:
        raise ValidationError(f"{state!r} is not a release state.")
    release = Release.objects.select_for_update().get(pk=release.pk)
    release.state = state
    if state == Release.State.PUBLISHED and release.published_at is None:
        release.published_at = timezone.now()
    release.save(update_fields=["state", "published_at"])
    activity_record(
        release=release,
        kind="state",
        actor=actor,
        message=f"Fleet v{release.version} is now {release.get_state_display()}.",
    )
    return release
