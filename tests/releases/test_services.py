from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from fleetops.github.models import GitHubWrite
from releases.board.selectors import release_board
from releases.board.services import (
    merge_exception_decide,
    merge_exception_request,
    release_candidate_cut,
    signoff_set_state,
)
from releases.models import (
    Activity,
    MergeException,
    Release,
    ReleaseCandidate,
    Signoff,
    SignoffEvent,
)
from tests.releases.factories import mirror_issue

pytestmark = pytest.mark.django_db


def _state(release, group) -> str:
    return Signoff.objects.get(release=release, group=group).state


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("qa-mdm", True),
        ("dri", True),
        ("boss", True),
        ("qa-software", False),
        ("em-mdm", False),
        ("engineer", False),
    ],
)
def test_signoff_permissions(org, django_user_model, who, allowed):
    actor = django_user_model.objects.get(username=who)
    release, mdm = org["release"], org["mdm"]
    if allowed:
        signoff_set_state(release=release, group=mdm, actor=actor, state="testing")
        assert _state(release, mdm) == "testing"
    else:
        with pytest.raises(PermissionDenied, match="MDM's QA lead, the release DRI or staff"):
            signoff_set_state(release=release, group=mdm, actor=actor, state="testing")
        assert _state(release, mdm) == "not_started"
        assert not SignoffEvent.objects.exists()


def test_signoff_blocked_needs_a_reason(org):
    qa = org["mdm"].qa_lead.user
    with pytest.raises(ValidationError, match="Say why"):
        signoff_set_state(
            release=org["release"], group=org["mdm"], actor=qa, state="blocked", note="  "
        )
    signoff_set_state(
        release=org["release"],
        group=org["mdm"],
        actor=qa,
        state="blocked",
        note="Enrollment broken",
    )
    signoff = Signoff.objects.get(release=org["release"], group=org["mdm"])
    assert (signoff.state, signoff.note, signoff.set_by) == ("blocked", "Enrollment broken", qa)


def test_signoff_history_is_appended(org):
    qa = org["mdm"].qa_lead.user
    for state in ("testing", "ready", "testing"):
        signoff_set_state(release=org["release"], group=org["mdm"], actor=qa, state=state)
    history = list(SignoffEvent.objects.values_list("from_state", "to_state"))
    assert history == [("not_started", "testing"), ("testing", "ready"), ("ready", "testing")]


def test_go_only_when_every_group_ready_no_blocker_and_checks_pass(org, monkeypatch):
    from releases.dependencies import selectors as dependency_selectors

    release = org["release"]
    gate = dependency_selectors.DependencyGate(status="ok")
    monkeypatch.setattr(dependency_selectors, "dependency_gate", lambda release: gate)
    board = release_board(release=release)
    assert not board.go
    assert "MDM is not started (QA lead: Pieter de Wit)" in board.remaining
    for group in (org["mdm"], org["software"]):
        signoff_set_state(release=release, group=group, actor=org["staff"], state="ready")
    assert release_board(release=Release.objects.get(pk=release.pk)).go
    mirror_issue(501, "#g-software", "~unreleased bug", ":release")
    board = release_board(release=Release.objects.get(pk=release.pk))
    assert not board.go
    assert "1 open release blocker in Software: #501 (QA lead: Ravi Subramanian)" in board.remaining


def test_go_waits_for_dependency_checks(org, monkeypatch):
    from releases.dependencies import selectors as dependency_selectors

    release = org["release"]
    for group in (org["mdm"], org["software"]):
        signoff_set_state(release=release, group=group, actor=org["staff"], state="ready")
    monkeypatch.setattr(
        dependency_selectors,
        "dependency_gate",
        lambda release: dependency_selectors.DependencyGate(status="not_run"),
    )
    assert release_board(release=release).remaining == ["Dependency checks not run (DRI: Dana Ri)"]
    blocking = dependency_selectors.DependencyGate(
        status="blocking", remaining=["Go 1.24.4 → 1.24.6 is a release blocker (DRI: Dana Ri)"]
    )
    monkeypatch.setattr(dependency_selectors, "dependency_gate", lambda release: blocking)
    assert release_board(release=release).remaining == blocking.remaining


def test_release_blocker_definition(org):
    mirror_issue(1, "#g-mdm", "~release blocker")  # blocker
    mirror_issue(2, "#g-mdm", "~unreleased bug", ":release")  # blocker
    mirror_issue(3, "#g-mdm", "~unreleased bug")  # not scheduled: not a blocker
    mirror_issue(4, "#g-mdm", "~release blocker", state="closed")  # closed
    mirror_issue(5, "#g-software", "~release blocker")  # another group
    mirror_issue(6, "#g-mdm", "~release blocker", pull=True)  # a PR is not a bug
    mirror_issue(7, "#g-mdm", "bug", "P1")
    card = next(c for c in release_board(release=org["release"]).cards if c.group.slug == "mdm")
    assert [n for n, _ in card.release_blockers] == [1, 2]
    assert card.unreleased_bugs == 2
    assert card.p1_bugs == 1


def test_signoff_goes_stale_when_a_new_blocker_appears(org):
    mirror_issue(10, "#g-mdm", "~release blocker")
    signoff_set_state(release=org["release"], group=org["mdm"], actor=org["staff"], state="ready")
    card = next(c for c in release_board(release=org["release"]).cards if c.group.slug == "mdm")
    assert not card.stale  # the blocker was known when the group said ready
    mirror_issue(11, "#g-mdm", "~release blocker")
    card = next(c for c in release_board(release=org["release"]).cards if c.group.slug == "mdm")
    assert card.stale_reason == "new release blocker #11 since ready"
    signoff_set_state(release=org["release"], group=org["mdm"], actor=org["staff"], state="ready")
    card = next(c for c in release_board(release=org["release"]).cards if c.group.slug == "mdm")
    assert not card.stale  # re-confirmed


def test_signoff_goes_stale_when_the_rc_gains_commits(org):
    release = org["release"]
    ReleaseCandidate.objects.create(
        release=release,
        branch="rc-minor-fleet-v4.75.0",
        commit_sha="a" * 40,
        head_sha="a" * 40,
        cut_at="2026-11-20T16:00:00Z",
    )
    release = Release.objects.get(pk=release.pk)
    signoff_set_state(release=release, group=org["mdm"], actor=org["staff"], state="ready")
    ReleaseCandidate.objects.update(head_sha="b" * 40)
    release = Release.objects.get(pk=release.pk)
    card = next(c for c in release_board(release=release).cards if c.group.slug == "mdm")
    assert card.stale_reason == "rc-minor-fleet-v4.75.0 has new commits since ready"


def test_all_ready_tells_the_dri_once(
    org, settings, httpserver, django_capture_on_commit_callbacks
):
    settings.SLACK_WEBHOOK_URL = httpserver.url_for("/slack")
    httpserver.expect_request("/slack", method="POST").respond_with_data("ok")
    release = org["release"]
    with django_capture_on_commit_callbacks(execute=True):
        signoff_set_state(release=release, group=org["mdm"], actor=org["staff"], state="ready")
        signoff_set_state(release=release, group=org["software"], actor=org["staff"], state="ready")
        signoff_set_state(release=release, group=org["software"], actor=org["staff"], state="ready")
    told = Activity.objects.filter(kind="all-ready")
    assert told.count() == 1
    assert "All product groups are ready for release of Fleet v4.75.0" in told.get().message
    assert told.get().slack_status == "sent"
    assert len(httpserver.log) == 1


def test_rc_cut_is_dry_run_by_default_and_idempotent(org, fake_github, main_branch, settings):
    settings.FLEETOPS_GITHUB_WRITE = False
    release = org["release"]
    Release.objects.filter(pk=release.pk).update(state="planned")
    release = Release.objects.get(pk=release.pk)
    dri = release.dri.user
    candidate = release_candidate_cut(release=release, actor=dri)
    assert candidate.branch == "rc-minor-fleet-v4.75.0"
    assert candidate.dry_run
    assert candidate.commit_sha == main_branch
    again = release_candidate_cut(release=Release.objects.get(pk=release.pk), actor=dri)
    assert again.pk == candidate.pk
    assert fake_github.writes == []
    writes = GitHubWrite.objects.order_by("action")
    assert [(w.action, w.status) for w in writes] == [
        ("actions.variable", "dry-run"),
        ("issue.create", "dry-run"),
        ("ref.create", "dry-run"),
    ]
    assert Release.objects.get(pk=release.pk).state == "release_candidate"


def test_rc_cut_live_writes_once(org, fake_github, main_branch, settings):
    settings.FLEETOPS_GITHUB_WRITE = True
    fake_github.repo("fleetdm/confidential").variables["QAWOLF_DEPLOY_TAG"] = "main"
    release = org["release"]
    Release.objects.filter(pk=release.pk).update(state="planned")
    release = Release.objects.get(pk=release.pk)
    release_candidate_cut(release=release, actor=org["staff"])
    release_candidate_cut(release=Release.objects.get(pk=release.pk), actor=org["staff"])
    assert sorted(w.path for w in fake_github.writes) == [
        "/repos/fleetdm/confidential/actions/variables/QAWOLF_DEPLOY_TAG",
        "/repos/fleetdm/fleet/git/refs",
        "/repos/fleetdm/fleet/issues",
    ]
    assert fake_github.repo("fleetdm/confidential").variables == {
        "QAWOLF_DEPLOY_TAG": "rc-minor-fleet-v4.75.0"
    }
    ref = next(w for w in fake_github.writes if w.path.endswith("/git/refs"))
    assert ref.body == {"ref": "refs/heads/rc-minor-fleet-v4.75.0", "sha": main_branch}


def test_rc_cut_only_by_the_dri_or_staff(org, fake_github):
    Release.objects.filter(pk=org["release"].pk).update(state="planned")
    with pytest.raises(PermissionDenied):
        release_candidate_cut(
            release=Release.objects.get(pk=org["release"].pk), actor=org["outsider"]
        )
    assert not ReleaseCandidate.objects.exists()


def test_merge_exception_needs_em_qa_and_dri(org, django_user_model):
    release, mdm = org["release"], org["mdm"]
    exception = merge_exception_request(
        release=release,
        group=mdm,
        pr_number=321,
        reason="Customer commitment",
        actor=org["outsider"],
    )
    with pytest.raises(PermissionDenied):
        merge_exception_decide(exception=exception, actor=org["outsider"], approve=True)
    merge_exception_decide(exception=exception, actor=mdm.engineering_manager.user, approve=True)
    merge_exception_decide(exception=exception, actor=mdm.qa_lead.user, approve=True)
    assert MergeException.objects.get().state == "pending"
    merge_exception_decide(exception=exception, actor=release.dri.user, approve=True)
    assert MergeException.objects.get().state == "approved"


def test_merge_exception_rejection_needs_a_reason(org):
    exception = merge_exception_request(
        release=org["release"], group=org["mdm"], pr_number=9, reason="x", actor=org["outsider"]
    )
    with pytest.raises(ValidationError, match="Say why"):
        merge_exception_decide(exception=exception, actor=org["release"].dri.user, approve=False)
    merge_exception_decide(
        exception=exception, actor=org["release"].dri.user, approve=False, reason="Too risky"
    )
    exception.refresh_from_db()
    assert (exception.state, exception.rejection_reason) == ("rejected", "Too risky")


def test_pushed_stories_name_whom_to_tell(org):
    from fleetops.github.models import Issue, Milestone
    from releases.board.selectors import release_pushed_stories

    story = mirror_issue(40, "story", "~pushed", "customer-acme")
    other = mirror_issue(41, "story")
    milestone = Milestone.objects.create(
        repository=story.repository, github_id=1, number=1, title="4.75.0", state="open"
    )
    Issue.objects.filter(pk__in=[story.pk, other.pk]).update(
        milestone=milestone, assignees=["hlee"]
    )
    Release.objects.filter(pk=org["release"].pk).update(milestone=milestone)
    pushed = release_pushed_stories(release=Release.objects.get(pk=org["release"].pk))
    assert [(p.number, p.stakeholders) for p in pushed] == [
        (40, ["Head of Product Design", "@hlee", "VP of Customer Success"])
    ]


def test_scheduled_cut_makes_a_dry_run_candidate_real_once_writes_are_on(
    org, fake_github, main_branch, settings
):
    from releases.board.services import release_candidate_due
    from tests.factories import SprintFactory

    sprint = SprintFactory(starts_on=dt.date(2026, 11, 23), ends_on=dt.date(2026, 12, 13))
    release = org["release"]
    Release.objects.filter(pk=release.pk).update(state="planned", kind="minor", sprint=sprint)
    at_cut = sprint.rc_cut_at + dt.timedelta(minutes=5)
    settings.FLEETOPS_GITHUB_WRITE = False
    assert release_candidate_due(now=at_cut) == [Release.objects.get(pk=release.pk)]
    release_candidate_cut(release=Release.objects.get(pk=release.pk), actor=None)
    assert release_candidate_due(now=at_cut) == []  # the preview is not cut again

    settings.FLEETOPS_GITHUB_WRITE = True
    fake_github.repo("fleetdm/confidential").variables["QAWOLF_DEPLOY_TAG"] = "main"
    assert release_candidate_due(now=at_cut) == [Release.objects.get(pk=release.pk)]
    candidate = release_candidate_cut(release=Release.objects.get(pk=release.pk), actor=None)
    assert not candidate.dry_run
    assert release_candidate_due(now=at_cut) == []
