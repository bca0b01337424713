"""The dependency rules (releases/dependencies/rules.py): which finding calls for what."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from releases.dependencies import rules
from releases.dependencies.rules import Action, Check, Status, git_ref_problem
from releases.dependencies.versions import Pinned, Version

small = st.integers(min_value=0, max_value=30)
versions = st.builds(Version, st.just(1), small, small)
stable_lists = st.lists(versions, min_size=1, max_size=8)


def _pinned(version: Version) -> Pinned:
    return Pinned(version=version, raw=str(version), line=3)


@given(versions, stable_lists)
def test_go_newer_minor_is_a_release_blocking_bug(current, stable):
    patch, _ = rules.go_findings(pinned=_pinned(current), stable=stable, ref="main")
    newer_same_line = any(v.line == current.line and v > current for v in stable)
    assert (patch.status == Status.OUTDATED) == newer_same_line
    assert patch.release_blocker == newer_same_line
    assert (patch.action == Action.BUG) == newer_same_line
    assert patch.check == Check.GO


@given(versions, stable_lists)
def test_go_newer_major_is_a_story_that_never_blocks(current, stable):
    _, major = rules.go_findings(pinned=_pinned(current), stable=stable, ref="main")
    newer_line = max(stable).line > current.line
    assert (major.status == Status.OUTDATED) == newer_line
    assert (major.action == Action.STORY) == newer_line
    assert major.release_blocker is False


@given(versions, versions)
def test_macadmins_newer_release_is_a_release_blocking_bug(pinned, latest):
    finding = rules.macadmins_finding(
        pinned=_pinned(pinned), latest_tag=f"v{latest}", latest=latest, ref="main"
    )
    outdated = latest > pinned
    assert (finding.status == Status.OUTDATED) == outdated
    assert finding.release_blocker == outdated
    assert (finding.action == Action.BUG) == outdated


@given(versions, versions)
def test_osquery_newer_release_is_a_bug_but_never_a_blocker(pinned, latest):
    finding = rules.osquery_finding(
        pinned=_pinned(pinned), latest_tag=str(latest), latest=latest, ref="main"
    )
    assert (finding.status == Status.OUTDATED) == (latest > pinned)
    assert (finding.action == Action.BUG) == (latest > pinned)
    assert finding.release_blocker is False


paths = st.sampled_from(["orbit/cmd/desktop/main.go", "ee/fleetd-chrome/x.ts", "server/a.go"])


@given(st.sampled_from([Check.ORBIT, Check.FLEETD_CHROME]), st.lists(paths, max_size=5))
def test_fleetd_changes_call_for_a_release_qa_issue(check, changed):
    files = [{"filename": name, "status": "modified"} for name in changed]
    finding = rules.fleetd_finding(
        check=check,
        tag="orbit-v1.2.0",
        ref="main",
        files=files,
        commits=[],
        total_commits=len(files),
        repository="fleetdm/fleet",
    )
    under = [f for f in files if f["filename"].startswith(rules.FLEETD_COMPONENTS[check][1])]
    assert (finding.action == Action.FLEETD_RELEASE_QA) == bool(under)
    assert finding.data["files"] == under
    assert (
        finding.data["compare_url"]
        == "https://github.com/fleetdm/fleet/compare/orbit-v1.2.0...main"
    )
    assert finding.release_blocker is False


def test_fleetd_truncated_comparison_without_a_match_needs_a_look_by_hand():
    files = [{"filename": f"server/{n}.go"} for n in range(rules.GITHUB_COMPARE_FILE_LIMIT)]
    finding = rules.fleetd_finding(
        check=Check.ORBIT,
        tag="orbit-v1.2.0",
        ref="main",
        files=files,
        commits=[],
        total_commits=900,
        repository="fleetdm/fleet",
    )
    assert (finding.status, finding.action) == (Status.MANUAL, Action.CONFIRM)


def _result(check, status, *, blocker=False, action=Action.NONE, latest="1.24.6"):
    return SimpleNamespace(
        check_name=check,
        current="1.24.4",
        latest=latest,
        status=status,
        release_blocker=blocker,
        action=action,
        detail="go.dev did not answer",
    )


outcomes = st.sampled_from(["missing", "ok", "error", "blocker"])


@given(outcomes, outcomes, st.booleans(), st.booleans())
def test_gate_holds_for_unacknowledged_blockers_errors_and_unconfirmed_feeds(
    go, macadmins, acknowledged, confirmed
):
    results = {}
    for check, outcome in ((Check.GO, go), (Check.MACADMINS, macadmins)):
        if outcome == "ok":
            results[check] = _result(check, Status.OK)
        elif outcome == "error":
            results[check] = _result(check, Status.ERROR)
        elif outcome == "blocker":
            results[check] = _result(check, Status.OUTDATED, blocker=True, action=Action.BUG)
    acks = {(Check.GO, "1.24.6"), (Check.MACADMINS, "1.24.6")} if acknowledged else set()
    remaining = rules.gate_remaining(
        results=results, acknowledged=acks, feeds_confirmed=confirmed, owner="DRI: Dana"
    )
    holds = [
        outcome in ("missing", "blocker")  # an acknowledgement never clears a blocker
        for outcome in (go, macadmins)
    ]
    # Checks that failed for the same reason are one item, however many they are.
    failed = 1 if "error" in (go, macadmins) else 0
    assert len(remaining) == sum(holds) + failed + (not confirmed)
    assert all(item.endswith("(DRI: Dana)") for item in remaining)


def test_an_acknowledgement_covers_only_the_version_acknowledged():
    newer = {Check.GO: _result(Check.GO, Status.OUTDATED, blocker=True, latest="1.24.7")}
    remaining = rules.gate_remaining(
        results=newer,
        acknowledged={(Check.GO, "1.24.6")},
        feeds_confirmed=True,
        owner="DRI: Dana",
    )
    assert remaining[0] == "Go 1.24.4 → 1.24.7 is a release blocker (DRI: Dana)"


@given(
    st.sampled_from(rules.CHECK_ORDER),
    st.sampled_from(list(Status)),
    st.booleans(),
    st.sampled_from(list(Action)),
    st.booleans(),
)
def test_verdict_a_blocker_stays_a_blocker_others_can_be_acknowledged(
    check, status, blocker, action, acknowledged
):
    result = _result(check, status, blocker=blocker, action=action)
    key = rules.verdict_key(result, acknowledged=acknowledged, confirmed=False)
    if check == Check.FEEDS:
        assert key == "manual"
    elif status == Status.OUTDATED and action != Action.FLEETD_RELEASE_QA:
        if blocker:
            assert key == "blocker"  # handbook: upgraded before publishing, never acknowledged
        else:
            assert key == ("acknowledged" if acknowledged else "outdated")
    else:
        assert key not in ("blocker", "acknowledged")
    assert rules.verdict_key(None, acknowledged=acknowledged, confirmed=True) == "pending"


@given(st.sampled_from(rules.CHECK_ORDER))
def test_issue_is_about_the_version_asked_for_or_fleetds_base_tag(check):
    result = _result(check, Status.OUTDATED)
    expected = result.current if check in rules.FLEETD_COMPONENTS else result.latest
    assert rules.issue_version(result) == expected


def test_issue_labels_follow_the_handbook():
    assert "~release blocker" in rules.ISSUE_LABELS[Check.GO]
    assert "~release blocker" in rules.ISSUE_LABELS[Check.MACADMINS]
    assert "~release blocker" not in rules.ISSUE_LABELS[Check.OSQUERY]
    assert rules.ISSUE_LABELS[Check.GO_MAJOR] == ["story", ":product"]


@given(st.booleans(), st.one_of(st.none(), st.just("Olu")), st.booleans())
def test_feeds_are_confirmed_by_hand(may_affect, oncall, for_release):
    unconfirmed = rules.feeds_finding_of(confirmed=None, for_release=for_release)
    assert (unconfirmed.status, unconfirmed.action) == (Status.MANUAL, Action.CONFIRM)
    confirmed = rules.feeds_finding_of(
        confirmed="Confirmed by Dana.", may_affect_feeds=may_affect, oncall=oncall
    )
    assert confirmed.status == Status.OK
    assert ("(on call) was notified" in confirmed.detail) == bool(may_affect and oncall)


@given(st.text(max_size=300))
def test_git_ref_problem_never_raises_and_names_the_problem(text):
    problem = git_ref_problem(text)
    assert problem is None or problem.startswith("the ref")


@given(st.from_regex(r"[a-z0-9][a-z0-9_-]{0,20}(/[a-z0-9][a-z0-9_-]{0,20}){0,3}", fullmatch=True))
def test_git_ref_problem_accepts_ordinary_branch_names(name):
    assert git_ref_problem(name) is None


@pytest.mark.parametrize("ref", ["main", "rc-minor-fleet-v4.80.0", "fleet-v4.79.1", "a" * 40])
def test_git_ref_problem_accepts_real_refs(ref):
    assert git_ref_problem(ref) is None
