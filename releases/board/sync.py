"""Releases derived from the mirror: one per milestone named after a version.

Nobody types a version in: the sync (and the milestone webhook) call `releases_from_github`,
which creates a release for every milestone whose title is a version and moves each
release's state forward as far as GitHub knows it (RC branch, tag, closed milestone).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from fleetops.github.models import BranchHead, Milestone, Tag
from fleetops.org.models import Organization, Sprint
from releases.board import rules
from releases.board.activity import activity_record
from releases.board.models import Release, ReleaseCandidate

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class DerivedReleases:
    created: list[str]
    moved: list[str]  # "4.80.0: planned → release_candidate"

    def __str__(self) -> str:
        return f"releases: {len(self.created)} created, {len(self.moved)} moved"


def _sprint_for(milestone: Milestone, sprints: list[Sprint]) -> Sprint | None:
    """The sprint a milestone without a due date belongs to: the one it was created in, else
    the next one."""
    day = milestone.created_at.date() if milestone.created_at else timezone.localdate()
    return next((s for s in sprints if s.ends_on >= day), None)


def _milestones_by_version() -> dict[str, tuple[Milestone, str]]:
    """Version -> (milestone, kind); an exact `4.80.0` wins over `4.80.0-tentative`."""
    found: dict[str, tuple[Milestone, str]] = {}
    milestones = Milestone.objects.filter(
        repository__full_name__iexact=settings.GITHUB_REPOSITORY
    ).order_by("number")
    for milestone in milestones:
        parsed = rules.milestone_version(milestone.title)
        if parsed is None:
            continue
        version, kind = parsed
        earlier = found.get(version)
        if earlier is None or (earlier[0].title.strip() != version and milestone.title == version):
            found[version] = (milestone, kind)
    return found


def releases_from_github() -> DerivedReleases:
    """Create the releases the milestones name and move states forward; idempotent.

    Handbook, "Create a release candidate" and "Conclude current milestone": a release has a
    milestone named after its version, an RC branch `rc-minor-fleet-v<version>` (patch:
    `rc-patch-fleet-v<version>`), a tag `fleet-v<version>` once published, and its
    milestone is closed once concluded.
    """
    found = _milestones_by_version()
    if not found:
        return DerivedReleases([], [])
    branches = set(
        BranchHead.objects.filter(name__startswith="rc-").values_list("name", flat=True)
    ) | set(ReleaseCandidate.objects.filter(dry_run=False).values_list("branch", flat=True))
    tags = set(
        Tag.objects.filter(
            repository__full_name__iexact=settings.GITHUB_REPOSITORY,
            name__in=[f"fleet-v{v}" for v in found],
        ).values_list("name", flat=True)
    )
    organization = Organization.current()
    dri = organization.release_dri if organization else None
    sprints = list(Sprint.objects.order_by("starts_on"))
    existing = {r.version: r for r in Release.objects.filter(version__in=list(found))}
    created, moved = [], []
    for version, (milestone, kind) in sorted(found.items()):
        with transaction.atomic():
            release = existing.get(version)
            if release is None:
                sprint = _sprint_for(milestone, sprints)
                release = Release.objects.create(
                    version=version,
                    kind=kind,
                    milestone=milestone,
                    sprint=sprint,
                    target_date=milestone.due_on.date() if milestone.due_on else _end(sprint),
                    dri=dri,
                )
                created.append(version)
            change = _follow_github(release, milestone, branches=branches, tags=tags)
            if change:
                moved.append(f"{version}: {change}")
    return DerivedReleases(created, moved)


def _end(sprint: Sprint | None) -> dt.date | None:
    return sprint.ends_on if sprint else None


def _follow_github(release: Release, milestone: Milestone, *, branches: set, tags: set) -> str:
    """Link the milestone and move the state as far as GitHub knows; "" when nothing moved."""
    release = Release.objects.select_for_update().get(pk=release.pk)
    fields = []
    if release.milestone_id != milestone.pk and release.milestone_id is None:
        release.milestone, fields = milestone, [*fields, "milestone"]
    if milestone.due_on and release.target_date != milestone.due_on.date():
        release.target_date, fields = milestone.due_on.date(), [*fields, "target_date"]
    state = rules.state_from_github(
        current=release.state,
        rc_branch=bool(
            {f"rc-minor-fleet-v{release.version}", f"rc-patch-fleet-v{release.version}"} & branches
        ),
        tag=f"fleet-v{release.version}" in tags,
        milestone_closed=milestone.state == "closed",
    )
    before = release.state
    if state != before:
        release.state, fields = state, [*fields, "state"]
        if state in ("published", "concluded") and release.published_at is None:
            release.published_at, fields = milestone.closed_at or _now(), [*fields, "published_at"]
        if state == "concluded" and release.concluded_at is None:
            release.concluded_at, fields = milestone.closed_at or _now(), [*fields, "concluded_at"]
    if fields:
        release.save(update_fields=fields)
    if state == before:
        return ""
    activity_record(
        release=release,
        kind="state",
        message=f"Fleet v{release.version} is now {release.get_state_display()} (from GitHub).",
    )
    return f"{before} → {state}"


def _now() -> dt.datetime:
    return dt.datetime.now(tz=dt.UTC)


def releases_from_github_receiver(sender: object, *, trigger: str, **_: object) -> str:
    """`mirror_synced` receiver: derive the releases after each sync."""
    return str(releases_from_github())
