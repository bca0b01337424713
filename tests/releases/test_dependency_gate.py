"""The board's go / no-go: dependency checks passed or acknowledged, and the feeds confirmed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from releases.dependencies.rules import Finding
from releases.dependencies.selectors import dependency_gate
from releases.dependencies.services import dependency_run_record
from releases.models import DependencyAcknowledgement, DependencyCheckRun, FeedConfirmation
from tests.factories import PersonFactory
from tests.releases.factories import ReleaseFactory

pytestmark = pytest.mark.django_db

GO_OK = Finding("go", "1.24.4", "1.24.4")
MACADMINS_OK = Finding("macadmins-extension", "v1.2.7", "v1.2.7")
GO_BLOCKER = Finding("go", "1.24.4", "1.24.6", "outdated", True, "bug")
MACADMINS_BLOCKER = Finding("macadmins-extension", "v1.2.7", "v1.3.0", "outdated", True, "bug")
GO_MAJOR_STORY = Finding("go-major", "1.24", "1.25", "outdated", False, "story")
OSQUERY_BUG = Finding("osquery", "5.12.2", "5.15.0", "outdated", False, "bug")
GO_ERROR = Finding("go", status="error", detail="go.mod has no `go` directive")


@pytest.fixture
def release():
    return ReleaseFactory(dri=PersonFactory(name="Pieter de Wit"))


def _record(release, *findings, minutes_ago=0):
    finished = timezone.now() - dt.timedelta(minutes=minutes_ago)
    return dependency_run_record(
        release=release,
        ref="main",
        findings=list(findings),
        trigger="test",
        started_at=finished - dt.timedelta(seconds=10),
        finished_at=finished,
    )


def _confirm(release):
    FeedConfirmation.objects.create(release=release, at=timezone.now())


def test_gate_not_run(release):
    gate = dependency_gate(release=release)
    assert (gate.status, gate.remaining, gate.last_run_at) == ("not_run", [], None)


def test_gate_ok_when_nothing_blocks_and_feeds_confirmed(release):
    run = _record(release, GO_OK, MACADMINS_OK, GO_MAJOR_STORY, OSQUERY_BUG)
    _confirm(release)
    gate = dependency_gate(release=release)
    assert (gate.status, gate.remaining, gate.last_run_at) == ("ok", [], run.finished_at)


def test_gate_names_each_unresolved_item_and_its_owner(release):
    _record(release, GO_BLOCKER, MACADMINS_BLOCKER, GO_MAJOR_STORY, OSQUERY_BUG)
    gate = dependency_gate(release=release)
    assert gate.status == "blocking"
    assert gate.remaining == [
        "Go 1.24.4 → 1.24.6 is a release blocker (DRI: Pieter de Wit)",
        "macadmins-extension v1.2.7 → v1.3.0 is a release blocker (DRI: Pieter de Wit)",
        "Vulnerability feeds not confirmed (DRI: Pieter de Wit)",
    ]


def test_gate_a_blocker_stays_even_with_an_acknowledgement_on_record(release):
    """An acknowledgement recorded before the rule (or by hand) does not clear Go or
    macadmins-extension: only upgrading does."""
    _record(release, GO_BLOCKER, MACADMINS_OK)
    _confirm(release)
    DependencyAcknowledgement.objects.create(
        release=release, check_name="go", latest="1.24.6", note="in #41", at=timezone.now()
    )
    assert dependency_gate(release=release).status == "blocking"


def test_gate_acknowledgement_of_another_version_does_not_count(release):
    _record(release, GO_BLOCKER, MACADMINS_OK)
    _confirm(release)
    DependencyAcknowledgement.objects.create(
        release=release, check_name="go", latest="1.24.5", note="old", at=timezone.now()
    )
    assert dependency_gate(release=release).status == "blocking"


def test_gate_error_in_a_blocking_check_is_unresolved(release):
    _record(release, GO_ERROR, MACADMINS_OK)
    _confirm(release)
    assert dependency_gate(release=release).remaining == [
        "The Go check failed: go.mod has no `go` directive (DRI: Pieter de Wit)"
    ]


def test_gate_blocking_check_missing_from_the_run_is_unresolved(release):
    _record(release, GO_OK)
    _confirm(release)
    assert dependency_gate(release=release).remaining == [
        "The macadmins-extension check did not run (DRI: Pieter de Wit)"
    ]


def test_gate_uses_the_latest_finished_run(release):
    _record(release, GO_BLOCKER, MACADMINS_OK, minutes_ago=60)
    newer = _record(release, GO_OK, MACADMINS_OK, minutes_ago=5)
    DependencyCheckRun.objects.create(release=release, ref="main", started_at=timezone.now())
    _confirm(release)
    gate = dependency_gate(release=release)
    assert (gate.status, gate.last_run_at) == ("ok", newer.finished_at)


def test_gate_ignores_other_releases(release):
    _record(ReleaseFactory(), GO_BLOCKER, MACADMINS_OK)
    assert dependency_gate(release=release).status == "not_run"


def test_gate_without_release_uses_the_latest_run_at_all(release):
    _record(release, GO_OK, MACADMINS_OK, minutes_ago=30)
    _record(None, GO_BLOCKER, MACADMINS_OK, minutes_ago=1)
    gate = dependency_gate(release=None)
    assert gate.remaining == [
        "Go 1.24.4 → 1.24.6 is a release blocker (no DRI assigned)",
        "Vulnerability feeds not confirmed (no DRI assigned)",
    ]


def test_gate_without_dri_says_so():
    release = ReleaseFactory(dri=None)
    _record(release, GO_OK, MACADMINS_OK)
    assert dependency_gate(release=release).remaining == [
        "Vulnerability feeds not confirmed (no DRI assigned)"
    ]


def test_gate_takes_at_most_four_queries(release, django_assert_max_num_queries):
    _record(release, GO_BLOCKER, MACADMINS_BLOCKER, GO_MAJOR_STORY, OSQUERY_BUG)
    DependencyAcknowledgement.objects.create(
        release=release, check_name="go", latest="1.24.6", note="x", at=timezone.now()
    )
    fresh = type(release).objects.get(pk=release.pk)  # nothing cached on it
    with django_assert_max_num_queries(4):
        gate = dependency_gate(release=fresh)
    assert len(gate.remaining) == 3  # the acknowledgement clears no Go blocker
