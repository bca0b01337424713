"""Concluding the milestone from the boards: only "Ready for release", each write once."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import PermissionDenied

from fleetops.github.models import GitHubWrite
from releases.board.conclusion import (
    ConclusionRefused,
    conclusion_preview,
    release_conclude,
)
from releases.board.models import Activity, Release
from releases.board.selectors import release_board
from tests.releases.boards import CONFIDENTIAL, REPO

pytestmark = pytest.mark.django_db


def _column(fake, item) -> str:
    board, found = fake.boards.find_item(item.id)
    return board.option_name(found.status)


def _issue(fake, number: int):
    return fake.repo(REPO).issues[number]


def _untouched(m) -> None:
    """Other milestones, no milestone, archived items, another repository: never touched."""
    for name in ("other_milestone", "no_milestone", "archived", "confidential"):
        assert _column(m.fake, m.items[name]) == "✅ Ready for release", name
    for name in ("in_progress", "awaiting_qa", "drafting_other"):
        assert _column(m.fake, m.items[name]) != "Closed", name
    for number in (9004, 9005, 9006, 9007, 9008):
        assert _issue(m.fake, number).state == "open", number
    assert _issue(m.fake, 9008).labels == ["story", "#g-software"]


def test_preview_plans_exactly_the_handbooks_steps(milestoned):
    result = conclusion_preview(release=milestoned.release)
    assert [(o.write.step, o.write.what, o.status) for o in result.outcomes] == [
        ("2", "story #9001: add :product, remove :release", "planned"),
        ("3", "close #9002", "planned"),
        ("3", "move #9002 to Closed on MDM sprint", "planned"),
        ("3", "move #9003 to Closed on MDM sprint", "planned"),
        ("4", "move #9001 to Confirm and celebrate on Drafting", "planned"),
        ("5", "close milestone 4.75.0", "planned"),
        ("7", "set QAWOLF_DEPLOY_TAG of fleetdm/confidential to main", "planned"),
    ]
    assert [i.as_json() for i in result.left_open] == [
        {"repository": REPO, "number": 9004, "column": "In progress"},
        {"repository": REPO, "number": 9008, "column": "Awaiting QA"},
    ]
    assert milestoned.fake.writes == []


def test_dry_run_is_a_preview_then_real_writes_happen_once(milestoned, settings):
    m, dri = milestoned, milestoned.release.dri.user
    settings.FLEETOPS_GITHUB_WRITE = False
    dry = release_conclude(release=m.release, actor=dri)
    assert {o.status for o in dry.outcomes} == {"dry-run"}
    assert m.fake.writes == []
    assert Release.objects.get(pk=m.release.pk).state == "published"  # a preview concludes nothing

    settings.FLEETOPS_GITHUB_WRITE = True
    real = release_conclude(release=m.release, actor=dri)
    assert {o.status for o in real.outcomes} == {"done"}
    assert real.concluded
    assert sorted(_issue(m.fake, 9001).labels) == sorted(["story", ":product", "#g-mdm"])
    assert (_issue(m.fake, 9002).state, _issue(m.fake, 9003).state) == ("closed", "open")
    assert _column(m.fake, m.items["bug"]) == "Closed"
    assert _column(m.fake, m.items["pr"]) == "Closed"
    assert _column(m.fake, m.items["story"]) == "✅ Ready for release"  # labels only
    assert _column(m.fake, m.items["drafting_story"]) == "Confirm and celebrate"
    assert _column(m.fake, m.items["drafting_other"]) == "Drafting"
    assert m.milestone("4.75.0").state == "closed"
    assert m.milestone("4.76.0").state == "open"
    assert m.fake.repo(CONFIDENTIAL).variables == {"QAWOLF_DEPLOY_TAG": "main"}
    _untouched(m)
    assert len(m.fake.writes) == 7
    assert Activity.objects.filter(release=m.release, kind="concluded").count() == 1
    mdm = next(c for c in release_board(release=m.release).cards if c.group.slug == "mdm")
    # The moved items are done, not waiting: only #9004 is still outside the column.
    assert [(col, [i.number for i in items]) for col, items in mdm.board_not_ready] == [
        ("In progress", [9004])
    ]

    again = release_conclude(release=Release.objects.get(pk=m.release.pk), actor=dri)
    assert len(m.fake.writes) == 7  # a second apply writes nothing
    assert {o.status for o in again.outcomes} == {"skipped"}
    assert Activity.objects.filter(release=m.release, kind="concluded").count() == 1


def test_a_failure_halfway_resumes_without_repeating(milestoned, settings):
    m, dri = milestoned, milestoned.release.dri.user
    settings.FLEETOPS_GITHUB_WRITE = True
    m.fake.fail_next(1, status=502, path_contains=f"/milestones/{m.milestone('4.75.0').number}")
    first = release_conclude(release=m.release, actor=dri)
    assert [o.status for o in first.outcomes] == ["done"] * 5 + ["failed", "planned"]
    assert not first.concluded
    assert Release.objects.get(pk=m.release.pk).state == "published"
    assert m.fake.repo(CONFIDENTIAL).variables == {"QAWOLF_DEPLOY_TAG": "rc-minor-fleet-v4.75.0"}

    second = release_conclude(release=Release.objects.get(pk=m.release.pk), actor=dri)
    assert [o.status for o in second.outcomes] == ["skipped"] * 5 + ["done", "done"]
    assert second.concluded
    succeeded = [
        (w.method, w.path, json.dumps(w.body, sort_keys=True))
        for w in m.fake.writes
        if w.status < 400
    ]
    assert len(succeeded) == len(set(succeeded)) == 7  # each write once
    assert m.milestone("4.75.0").state == "closed"
    _untouched(m)


def test_conclusion_needs_a_published_release(milestoned, settings):
    settings.FLEETOPS_GITHUB_WRITE = True
    Release.objects.filter(pk=milestoned.release.pk).update(state="ready")
    with pytest.raises(ConclusionRefused, match="after the release is published"):
        release_conclude(
            release=Release.objects.get(pk=milestoned.release.pk),
            actor=milestoned.release.dri.user,
        )
    assert milestoned.fake.writes == []
    assert not GitHubWrite.objects.exists()


@pytest.mark.parametrize("who", ["qa-mdm", "em-mdm", "engineer"])
def test_only_the_dri_or_staff_conclude(milestoned, django_user_model, who):
    with pytest.raises(PermissionDenied):
        release_conclude(
            release=milestoned.release, actor=django_user_model.objects.get(username=who)
        )
    assert not GitHubWrite.objects.exists()
