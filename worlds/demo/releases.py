"""Demo releases: past ones published, one in its RC period showing every sign-off state.

The release in QA is the previous sprint's minor version: its RC was cut on that sprint's
last Friday (dry run). MDM is blocked with a reason, Software is ready, Orchestration said
ready before a new release blocker appeared (stale), Security & compliance is testing.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from django.db import transaction

from fleetops.github.gateway import branch_create, issue_create
from fleetops.github.models import Issue, Milestone
from fleetops.org.models import Person, ProductGroup, Sprint
from releases.board.counts import group_release_blockers
from releases.board.services import release_signoffs_ensure
from releases.models import (
    Activity,
    MergeException,
    Release,
    ReleaseCandidate,
    Signoff,
    SignoffEvent,
)
from worlds.demo.context import DemoContext
from worlds.demo.dependencies import seed_dependencies
from worlds.demo.github.vocabulary import MINOR_AT_ANCHOR

PAST_RELEASES = 5
DRI_LOGIN = "hlee"


def _version(sprint: Sprint) -> str:
    return f"4.{MINOR_AT_ANCHOR + sprint.number - 1}.0"


def _sha(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest()


@transaction.atomic
def seed(ctx: DemoContext) -> None:
    current = Sprint.objects.containing(ctx.today).first()
    if current is None:
        return
    dri = Person.objects.filter(github_login=DRI_LOGIN).first()
    sprints = list(
        Sprint.objects.filter(
            number__gte=current.number - PAST_RELEASES - 1, number__lte=current.number + 1
        )
    )
    milestones = {
        m.title: m for m in Milestone.objects.filter(title__in=[_version(s) for s in sprints])
    }
    in_qa = None
    for sprint in sprints:
        version = _version(sprint)
        if sprint.number < current.number - 1:
            state = Release.State.CONCLUDED
        elif sprint.number == current.number - 1:
            state = Release.State.QA
        else:
            state = Release.State.PLANNED
        target = sprint.ends_on + dt.timedelta(days=3)
        if state == Release.State.QA:
            target = max(target, ctx.today + dt.timedelta(days=1))
        release, created = Release.objects.get_or_create(
            version=version,
            defaults={
                "sprint": sprint,
                "milestone": milestones.get(version),
                "target_date": target,
                "dri": dri,
                "state": state,
                "published_at": (
                    dt.datetime.combine(target, dt.time(18), tzinfo=dt.UTC)
                    if state == Release.State.CONCLUDED
                    else None
                ),
                "concluded_at": (
                    dt.datetime.combine(target, dt.time(20), tzinfo=dt.UTC)
                    if state == Release.State.CONCLUDED
                    else None
                ),
            },
        )
        release_signoffs_ensure(release=release)
        if state == Release.State.CONCLUDED and created:
            release.signoffs.update(state=Signoff.State.READY, set_at=release.published_at)
        if state == Release.State.QA:
            in_qa = release
    if in_qa is not None and not ReleaseCandidate.objects.filter(release=in_qa).exists():
        _release_in_qa(ctx, in_qa)
    if in_qa is not None:
        seed_dependencies(ctx, in_qa)
    ctx.summary.append(
        f"releases: {Release.objects.count()} (v{in_qa.version} in QA with every sign-off state)"
        if in_qa
        else f"releases: {Release.objects.count()}"
    )


def _release_in_qa(ctx: DemoContext, release: Release) -> None:
    sprint = release.sprint
    cut_at = sprint.rc_cut_at
    sha = _sha(f"main@{cut_at.isoformat()}")
    reason = f"release candidate of Fleet v{release.version}"
    writes = [
        branch_create(
            name=release.rc_branch_name,
            sha=sha,
            reason=reason,
            dedupe_key=f"rc:{release.version}:branch",
        ),
        issue_create(
            title=f"Release QA: Fleet v{release.version}",
            body="Release QA checklist (demo).",
            labels=[":release"],
            assignees=[release.dri.github_login] if release.dri else [],
            reason=reason,
            dedupe_key=f"rc:{release.version}:qa-issue",
        ),
    ]
    candidate = ReleaseCandidate.objects.create(
        release=release,
        branch=release.rc_branch_name,
        commit_sha=sha,
        head_sha=sha,
        cut_at=cut_at,
        dry_run=True,
        trigger="schedule",
    )
    candidate.writes.set(writes)
    Activity.objects.create(
        release=release,
        kind="rc-cut",
        at=cut_at,
        message=(
            f"Release candidate `{release.rc_branch_name}` cut from main at {sha[:7]} for "
            f"Fleet v{release.version}. Dry run: nothing was written to GitHub."
        ),
    )
    _signoffs_staged(release, sha, cut_at)


def _signoffs_staged(release: Release, sha: str, cut_at: dt.datetime) -> None:
    """Every sign-off state on the board: blocked, ready, ready but stale, testing."""
    groups = {g.slug: g for g in ProductGroup.objects.select_related("qa_lead")}
    moments = iter(cut_at + dt.timedelta(hours=h) for h in (2, 3, 4, 5, 20, 26, 49, 70, 74))

    def move(
        slug: str, state: str, note: str = "", ready_blockers: list[int] | None = None
    ) -> None:
        group = groups.get(slug)
        if group is None:
            return
        signoff = Signoff.objects.get(release=release, group=group)
        at = next(moments)
        user = group.qa_lead.user if group.qa_lead else None
        SignoffEvent.objects.create(
            signoff=signoff, from_state=signoff.state, to_state=state, note=note, actor=user, at=at
        )
        signoff.state, signoff.note, signoff.set_by, signoff.set_at = state, note, user, at
        signoff.ready_blockers = ready_blockers or []
        signoff.ready_rc_sha = sha if state == Signoff.State.READY else ""
        signoff.save()

    for slug in groups:
        move(slug, Signoff.State.TESTING)
    if "mdm" in groups:
        blockers = [i.number for i in group_release_blockers(group=groups["mdm"])]
        note = "Setup experience fails on macOS 26 beta hosts"
        if blockers:
            note += f" (#{blockers[0]})"
        move("mdm", Signoff.State.BLOCKED, note)
    if "software" in groups:
        move(
            "software",
            Signoff.State.READY,
            ready_blockers=[i.number for i in group_release_blockers(group=groups["software"])],
        )
    if "orchestration" in groups:
        # Ready before the newest blocker was filed: the board shows the sign-off stale.
        current = [i.number for i in group_release_blockers(group=groups["orchestration"])]
        move("orchestration", Signoff.State.READY, ready_blockers=current[:-1])
    if "software" in groups and groups["software"].engineering_manager:
        MergeException.objects.get_or_create(
            release=release,
            pr_number=_demo_pr(release),
            defaults={
                "group": groups["software"],
                "requested_at": cut_at + dt.timedelta(hours=30),
                "reason": "Customer-promised install retries; the PR missed the cut by an hour.",
                "requested_by": groups["software"].engineering_manager.user,
                "em_approved_by": groups["software"].engineering_manager,
            },
        )
    Release.objects.filter(pk=release.pk).update(board_version=1)


def _demo_pr(release: Release) -> int:
    pr = (
        Issue.objects.open()
        .pull_requests()
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    return pr or 1
