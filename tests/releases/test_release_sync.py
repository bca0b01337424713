"""Releases and their states derived from the milestones, RC branches and tags."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from fleetops.github.models import BranchHead, Milestone, Tag
from fleetops.github.signals import mirror_synced_send
from fleetops.github.upsert import repository_get
from fleetops.org.models import Organization, Sprint
from releases.board.models import Release
from releases.board.sync import releases_from_github
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def _milestone(number: int, title: str, *, state: str = "open", due: dt.date | None = None):
    return Milestone.objects.create(
        repository=repository_get("fleetdm/fleet"),
        github_id=1000 + number,
        number=number,
        title=title,
        state=state,
        due_on=dt.datetime.combine(due, dt.time(), tzinfo=dt.UTC) if due else None,
        created_at=dt.datetime(2026, 11, 10, tzinfo=dt.UTC),
        closed_at=timezone.now() if state == "closed" else None,
    )


@pytest.fixture
def dri(db):
    person = PersonFactory(name="Hannah Lee", github_login="hlee")
    Organization.objects.create(pk=1, github_login="fleetdm", release_dri=person)
    return person


def test_a_release_per_version_milestone_with_kind_date_and_dri(dri):
    Sprint.objects.create(number=7, starts_on=dt.date(2026, 11, 2), ends_on=dt.date(2026, 11, 20))
    _milestone(1, "4.80.0", due=dt.date(2026, 12, 4))
    _milestone(2, "4.80.1-tentative")
    _milestone(3, "Sprint 42 cleanup")
    result = releases_from_github()
    assert sorted(result.created) == ["4.80.0", "4.80.1"]
    minor, patch = Release.objects.order_by("version")
    assert (minor.kind, minor.target_date, minor.dri, minor.milestone.title) == (
        "minor",
        dt.date(2026, 12, 4),
        dri,
        "4.80.0",
    )
    # No due date: the sprint calendar (the sprint the milestone was made in) says when.
    assert (patch.kind, patch.target_date, patch.sprint.number) == (
        "patch",
        dt.date(2026, 11, 20),
        7,
    )
    assert releases_from_github().created == []  # idempotent
    assert Release.objects.count() == 2


def test_states_follow_branches_tags_and_closed_milestones(dri):
    repo = repository_get("fleetdm/fleet")
    _milestone(1, "4.80.0")
    _milestone(2, "4.81.0")
    _milestone(3, "4.82.0", state="closed")
    _milestone(4, "4.83.0")
    BranchHead.objects.create(
        repository=repo, name="rc-minor-fleet-v4.80.0", sha="a" * 40, fetched_at=timezone.now()
    )
    Tag.objects.create(repository=repo, name="fleet-v4.81.0", commit_sha="b" * 40)
    releases_from_github()
    states = dict(Release.objects.values_list("version", "state"))
    assert states == {
        "4.80.0": "release_candidate",
        "4.81.0": "published",
        "4.82.0": "concluded",
        "4.83.0": "planned",
    }


def test_a_state_a_person_set_never_moves_back(dri):
    _milestone(1, "4.80.0")
    releases_from_github()
    Release.objects.filter(version="4.80.0").update(state="ready")
    repo = repository_get("fleetdm/fleet")
    BranchHead.objects.create(
        repository=repo, name="rc-minor-fleet-v4.80.0", sha="a" * 40, fetched_at=timezone.now()
    )
    assert releases_from_github().moved == []
    assert Release.objects.get(version="4.80.0").state == "ready"


def test_the_sync_signal_derives_the_releases(dri):
    _milestone(1, "4.90.0")
    summaries = mirror_synced_send(trigger="sync")
    assert summaries == ["releases: 1 created, 0 moved"]
    assert Release.objects.filter(version="4.90.0", dri=dri).exists()
