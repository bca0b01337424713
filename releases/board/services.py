"""Writes of the releases app: sign-offs, release candidates, merge exceptions, conclusion."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from fleetops.core import slack
from fleetops.core.bounds import INT32_MAX
from fleetops.core.errors import error_sentence
from fleetops.github import gateway
from fleetops.github.client import GitHubError
from fleetops.github.models import BranchHead, GitHubWrite, Issue
from fleetops.github.refs import branch_head_refresh, pulls_against_refresh
from fleetops.org import roles
from fleetops.org.models import ProductGroup
from releases.board import rules
from releases.board.activity import activity_record, release_bump
from releases.board.conclusion import qawolf_write
from releases.board.models import (
    MergeException,
    Release,
    ReleaseCandidate,
    Signoff,
)
from releases.board.plans import (
    FAILED,
    SKIPPED,
    PlannedWrite,
    WriteOutcome,
    all_done,
    plan_apply,
    plan_preview,
)
from releases.board.selectors import release_board
from releases.board.signoffs import ensure_not_concluded
from releases.board.signoffs import signoff_note_add as signoff_note_add  # re-exported
from releases.board.signoffs import signoff_reason_edit as signoff_reason_edit  # re-exported
from releases.board.signoffs import signoff_set_state as signoff_set_state  # re-exported
from releases.dependencies.tasks import dependency_checks_run_task
from releases.permissions import ensure_can_drive, exception_roles

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


QA_CHECKLIST = """Release QA for Fleet v{version}, from `{branch}`.

Product groups (each QA lead marks their group ready on the fleetops release board):
{groups}

Before kicking off release QA:
- [ ] Dependencies confirmed (Go, macadmins-extension, osquery, vulnerability feeds, fleetd)
- [ ] `QAWOLF_DEPLOY_TAG` set to `{branch}`: QA Wolf tests the release candidate every morning
- [ ] Only unreleased bug fixes are cherry-picked into `{branch}`; feature work needs an
      approved merge exception
"""


def candidate_plan(*, release: Release, sha: str) -> list[PlannedWrite]:
    """Handbook, "Create a release candidate": the branch `rc-minor-fleet-v4.x.x` from main,
    the release QA issue, and `QAWOLF_DEPLOY_TAG` of the QA repository set to the branch."""
    branch = release.rc_branch_name
    reason = f"release candidate of Fleet v{release.version}"
    groups = "\n".join(
        f"- [ ] {g.name} ({g.github_label}), QA lead "
        + (g.qa_lead.name if g.qa_lead else "unassigned")
        for g in ProductGroup.objects.active().select_related("qa_lead")
    )
    issue = {
        "title": f"Release QA: Fleet v{release.version}",
        "body": QA_CHECKLIST.format(version=release.version, branch=branch, groups=groups),
        "labels": [":release"],
        "assignees": [release.dri.github_login] if release.dri else [],
    }
    repo = f"/repos/{settings.GITHUB_REPOSITORY}"
    ref = {"ref": f"refs/heads/{branch}", "sha": sha}
    branch_key, issue_key = f"rc:{release.version}:branch", f"rc:{release.version}:qa-issue"

    def create_branch(actor: AbstractBaseUser | None) -> GitHubWrite:
        return gateway.branch_create(
            name=branch, sha=sha, reason=reason, actor=actor, dedupe_key=branch_key
        )

    def create_issue(actor: AbstractBaseUser | None) -> GitHubWrite:
        return gateway.issue_create(**issue, reason=reason, actor=actor, dedupe_key=issue_key)

    return [
        PlannedWrite(
            "branch", f"create {branch}", branch_key, "POST", f"{repo}/git/refs", ref, create_branch
        ),
        PlannedWrite(
            "qa-issue",
            "file the release QA issue",
            issue_key,
            "POST",
            f"{repo}/issues",
            issue,
            create_issue,
        ),
        qawolf_write(
            release=release, value=branch, key=f"rc:{release.version}:qawolf", step="qawolf"
        ),
    ]


def main_head_known() -> str:
    """main's head as the mirror last read it ("" if never): for a plan, without GitHub."""
    head = BranchHead.objects.filter(
        repository__full_name__iexact=settings.GITHUB_REPOSITORY, name=DEFAULT_BRANCH
    ).first()
    return head.sha if head else ""


def _branch_cut_at(release: Release) -> str:
    """The commit a real, done branch write of this release used ("" if none): a cut that
    failed after the branch was made resumes at that commit, not at main's newer head."""
    write = GitHubWrite.objects.filter(
        dedupe_key=f"rc:{release.version}:branch", status=GitHubWrite.Status.DONE
    ).first()
    return str(write.payload.get("sha", "")) if write else ""


def release_candidate_cut(
    *, release: Release, actor: AbstractBaseUser | None = None, trigger: str = "button"
) -> ReleaseCandidate:
    """Cut the release candidate (see `release_candidate_apply`); the candidate."""
    return release_candidate_apply(release=release, actor=actor, trigger=trigger)[0]


def release_candidate_apply(
    *, release: Release, actor: AbstractBaseUser | None = None, trigger: str = "button"
) -> tuple[ReleaseCandidate, list[WriteOutcome]]:
    """Cut the release candidate: its branch from main, the release QA issue, QA Wolf's tag,
    the announcement.

    Handbook, "Create a release candidate": on the last Friday of each sprint at 8:00 AM
    Pacific. Writes go through the gateway (dry-run unless FLEETOPS_GITHUB_WRITE=1), each
    once among real writes. A dry-run candidate is a preview: with writes on, the next cut
    makes it real; a real cut that failed halfway resumes; a complete one is returned.
    """
    if actor is not None:  # the right first: a refused user is told so, cut or not
        ensure_can_drive(actor, release, "cut the release candidate")
    live = settings.FLEETOPS_GITHUB_WRITE
    existing = ReleaseCandidate.objects.filter(release=release).first()
    if existing is not None and (existing.dry_run and not live):
        return existing, plan_preview(candidate_plan(release=release, sha=existing.commit_sha))
    if existing is not None and not existing.dry_run:
        plan = candidate_plan(release=release, sha=existing.commit_sha)
        if all_done(preview := plan_preview(plan)):
            return existing, [WriteOutcome(o.write, SKIPPED) for o in preview]
        sha = existing.commit_sha
    else:
        if existing is None and release.state not in (
            Release.State.PLANNED,
            Release.State.RELEASE_CANDIDATE,
        ):
            raise ReleaseError(
                f"Fleet v{release.version} is {release.get_state_display()}: no RC cut."
            )
        try:
            sha = _branch_cut_at(release) or branch_head_refresh(branch=DEFAULT_BRANCH).sha
        except GitHubError as exc:
            logger.warning("RC cut: %s not read", DEFAULT_BRANCH, exc_info=exc)
            raise ReleaseError(f"Cannot read {DEFAULT_BRANCH}: {error_sentence(exc)}") from exc
    outcomes = plan_apply(candidate_plan(release=release, sha=sha), actor=actor)
    failed = next((o for o in outcomes if o.status == FAILED), None)
    if failed is not None:
        raise ReleaseError(f"Could not {failed.write.what}: {failed.error}")
    return _candidate_record(release, sha, actor, trigger, live), outcomes


def _candidate_record(
    release: Release, sha: str, actor: AbstractBaseUser | None, trigger: str, live: bool
) -> ReleaseCandidate:
    """Record the candidate (or make a dry-run one real) and announce the cut once each."""
    branch = release.rc_branch_name
    keys = [f"rc:{release.version}:{step}" for step in ("branch", "qa-issue", "qawolf")]
    with transaction.atomic():
        locked = Release.objects.select_for_update().get(pk=release.pk)
        candidate = ReleaseCandidate.objects.filter(release=locked).first()
        if candidate is not None and (not candidate.dry_run or not live):
            return candidate
        fields = {
            "branch": branch,
            "commit_sha": sha,
            "head_sha": sha,
            "cut_at": timezone.now(),
            "cut_by": actor if actor and actor.is_authenticated else None,
            "dry_run": not live,
            "trigger": trigger,
        }
        candidate, _ = ReleaseCandidate.objects.update_or_create(release=locked, defaults=fields)
        candidate.writes.set(
            GitHubWrite.objects.filter(dedupe_key__in=keys).exclude(
                status=GitHubWrite.Status.FAILED
            )
        )
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
                f"Release candidate `{branch}` cut from {DEFAULT_BRANCH} at {sha[:7]} for "
                f"Fleet v{locked.version}; QA Wolf tests it every morning."
                + ("" if live else " Dry run: nothing was written to GitHub.")
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
    """Minor releases whose sprint's RC cut time has come (within a week) and have no RC.

    A dry-run candidate is a preview, not a cut: once writes are on, its release is due
    again, so the scheduled cut makes it real.
    """
    now = now or timezone.now()
    uncut = Q(state=Release.State.PLANNED, candidate__isnull=True)
    if settings.FLEETOPS_GITHUB_WRITE:
        uncut |= Q(candidate__dry_run=True)
    releases = (
        Release.objects.in_flight()
        .filter(uncut, kind=Release.Kind.MINOR, sprint__isnull=False)
        .select_related("sprint")
    )
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
    ensure_not_concluded(release, "a merge exception")
    if not 1 <= pr_number <= INT32_MAX:
        raise ValidationError({"pr_number": f"#{pr_number} is not a pull request number."})
    if not reason.strip():
        raise ValidationError(
            {"reason": "Say why this feature work must go into the release candidate."}
        )
    if MergeException.objects.filter(release=release, pr_number=pr_number).exists():
        raise ValidationError({"pr_number": f"#{pr_number} already has a merge exception request."})
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
    held = exception_roles(actor, exception.group, exception.release)
    if person is None or not held:
        raise PermissionDenied(
            f"Only {exception.group.name}'s EM, its QA lead or the release DRI decide this."
        )
    ensure_not_concluded(exception.release, "deciding a merge exception")
    if exception.state != MergeException.State.PENDING:
        raise ValidationError(f"This exception is already {exception.state}.")
    now = timezone.now()
    if not approve:
        if not reason.strip():
            raise ValidationError({"reason": "Say why the exception is rejected."})
        exception.state, exception.rejected_by = MergeException.State.REJECTED, person
        exception.rejection_reason, exception.decided_at = reason.strip(), now
        verdict = f"rejected by {person.name}: {reason.strip()}"
    else:
        held = [role for role in held if getattr(exception, f"{role}_approved_by_id") is None]
        if not held:
            raise ValidationError(f"You already approved #{exception.pr_number}.")
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


@transaction.atomic
def release_set_state(
    *, release: Release, state: str, actor: AbstractBaseUser, override_reason: str = ""
) -> Release:
    """The DRI moves the release through its states (published stamps the time).

    Gate: "published" needs go (every group ready, no open release blocker, dependency checks
    passed); otherwise only the release ritual DRI may override it, with a reason that is
    stored and shown. Concluding happens through the conclusion, never by hand.
    """
    ensure_can_drive(actor, release, "change the release's state")
    if state not in Release.State.values:
        raise ValidationError(f"{state!r} is not a release state.")
    release = Release.objects.select_for_update().get(pk=release.pk)
    ensure_not_concluded(release, "changing its state")
    if state == Release.State.CONCLUDED:
        raise ValidationError("Conclude the milestone on the conclusion page: it writes to GitHub.")
    fields = ["state", "published_at"]
    message = f"Fleet v{release.version} is now {Release.State(state).label}."
    if state == Release.State.PUBLISHED and release.state != state:
        go = release_board(release=release).go
        refusal = rules.publish_refusal(
            go=go, is_dri=roles.is_dri(actor, release), override_reason=override_reason
        )
        if refusal:
            # A missing reason is the DRI's to fix in the override field; the rest is not.
            can_fix = roles.is_dri(actor, release) and not override_reason.strip()
            raise ValidationError({"override_reason": refusal} if can_fix else refusal)
        if not go:
            release.publish_override_reason = override_reason.strip()
            release.publish_override_by = actor
            release.publish_override_at = timezone.now()
            fields += ["publish_override_reason", "publish_override_by", "publish_override_at"]
            message = (
                f"Fleet v{release.version} is now published although the board said no-go: "
                f"override by the release DRI ({override_reason.strip()})."
            )
    release.state = state
    if state == Release.State.PUBLISHED and release.published_at is None:
        release.published_at = timezone.now()
    release.save(update_fields=fields)
    activity_record(release=release, kind="state", actor=actor, message=message)
    return release


def candidate_preview(*, release: Release) -> list[WriteOutcome]:
    """The RC cut's writes as they stand, without GitHub (main's head as last read)."""
    candidate = ReleaseCandidate.objects.filter(release=release).first()
    sha = candidate.commit_sha if candidate and not candidate.dry_run else ""
    return plan_preview(
        candidate_plan(release=release, sha=sha or _branch_cut_at(release) or main_head_known())
    )
