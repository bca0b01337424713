"""The release-readiness rules (releases/board/rules.py): go / no-go and stale sign-offs."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from releases.board import rules
from releases.board.rules import GroupReadiness

STATES = ["not_started", "testing", "blocked", "ready"]
numbers = st.lists(st.integers(min_value=1, max_value=99999), max_size=6, unique=True)
shas = st.sampled_from(["", "a" * 40, "b" * 40])


@st.composite
def groups(draw) -> GroupReadiness:
    state = draw(st.sampled_from(STATES))
    return GroupReadiness(
        name=draw(st.sampled_from(["MDM", "Software", "Orchestration"])),
        state=state,
        state_label=state.replace("_", " "),
        note="flaky enrollment" if state == "blocked" else "",
        qa_lead=draw(st.one_of(st.none(), st.just("Pieter de Wit"))),
        blockers=tuple(draw(numbers)),
        stale_reason=draw(st.sampled_from(["", "new release blocker #7 since ready"])),
    )


@given(st.lists(groups(), max_size=4), st.booleans(), st.lists(st.just("Go blocks"), max_size=2))
def test_go_only_when_every_group_is_ready_unblocked_and_the_checks_pass(cards, ran, gate_items):
    remaining = rules.readiness_remaining(
        cards, dri="Dana Ri", dependency_gate_run=ran, dependency_remaining=gate_items
    )
    go = (
        bool(cards)
        and all(g.state == "ready" and not g.stale_reason and not g.blockers for g in cards)
        and ran
        and not gate_items
    )
    assert (remaining == []) == go


@given(st.lists(groups(), min_size=1, max_size=4))
def test_every_item_names_its_owner(cards):
    remaining = rules.readiness_remaining(cards, dri=None, dependency_gate_run=False)
    assert remaining[-1] == "Dependency checks not run (DRI: no DRI)"
    assert all("(QA lead: " in item for item in remaining[:-1])
    not_ready = [g for g in cards if g.state != "ready"]
    assert sum(" is " in item for item in remaining) >= len(not_ready)


def test_blocked_group_says_why_and_blockers_are_counted():
    card = GroupReadiness("MDM", "blocked", "blocked", "flaky enrollment", "Pieter", (12, 40))
    remaining = rules.readiness_remaining([card], dri="Dana", dependency_gate_run=True)
    assert remaining == [
        "MDM is blocked: flaky enrollment (QA lead: Pieter)",
        "2 open release blockers in MDM: #12, #40 (QA lead: Pieter)",
    ]


def test_no_group_is_no_go():
    assert rules.readiness_remaining([], dri="Dana", dependency_gate_run=True) == [
        "No product group signs off on this release yet"
    ]


@given(st.sampled_from(STATES[:-1]), numbers, numbers, shas, shas)
def test_only_a_ready_group_goes_stale(state, ready_blockers, blockers, head, ready_sha):
    assert (
        rules.stale_reason(
            state=state,
            ready_blockers=ready_blockers,
            blockers=blockers,
            rc_branch="rc-minor-fleet-v4.75.0",
            rc_head_sha=head,
            ready_rc_sha=ready_sha,
        )
        == ""
    )


@given(numbers, numbers, shas, shas)
def test_ready_goes_stale_on_a_new_blocker_or_new_rc_commits(ready_blockers, blockers, head, mark):
    reason = rules.stale_reason(
        state="ready",
        ready_blockers=ready_blockers,
        blockers=blockers,
        rc_branch="rc-minor-fleet-v4.75.0",
        rc_head_sha=head,
        ready_rc_sha=mark,
    )
    new = sorted(set(blockers) - set(ready_blockers))
    if new:
        assert reason.startswith("new release blocker ")
        assert all(f"#{n}" in reason for n in new)
    elif head and mark and head != mark:
        assert reason == "rc-minor-fleet-v4.75.0 has new commits since ready"
    else:
        assert reason == ""


@given(st.lists(st.sampled_from(STATES), max_size=5))
def test_all_ready_needs_a_group_and_every_one_ready(states):
    assert rules.all_ready(states) == (bool(states) and set(states) == {"ready"})


@given(st.integers(min_value=-20 * 24 * 60, max_value=20 * 24 * 60))
def test_rc_cut_is_due_for_a_week_from_its_time(minutes):
    cut = dt.datetime(2026, 11, 27, 16, 0, tzinfo=dt.UTC)
    now = cut + dt.timedelta(minutes=minutes)
    assert rules.rc_cut_due(rc_cut_at=cut, now=now) == (0 <= minutes < 7 * 24 * 60)


@given(st.booleans(), st.booleans(), st.booleans())
def test_merge_exception_needs_all_three(em, qa, dri):
    assert rules.merge_exception_approved(em=em, qa=qa, dri=dri) == (em and qa and dri)


labels = st.lists(
    st.sampled_from(["story", "bug", ":release", ":product", "customer-acme", "P1"]), unique=True
)


columns = st.sampled_from(
    ["Ready for release", "ready for release", "In progress", "Awaiting QA", "Closed", "No Status"]
)


@given(labels, columns)
def test_concluding_acts_only_on_ready_for_release(names, column):
    step = rules.conclusion_step(column=column, labels=names)
    if column.lower() != "ready for release":
        assert step == "leave"
    else:
        assert step == ("story" if "story" in names else "close")


@given(labels)
def test_concluded_story_gets_product_and_loses_release_only(names):
    after = rules.story_labels_concluded(names)
    assert set(after) == (set(names) | {":product"}) - {":release"}


@given(
    st.integers(0, 9999),
    st.integers(0, 9999),
    st.integers(0, 9999),
    st.sampled_from(["", "-tentative", "-rc1", "-TENTATIVE.2"]),
)
def test_milestone_titles_name_their_version(major, minor, patch, suffix):
    version, kind = rules.milestone_version(f"{major}.{minor}.{patch}{suffix}")
    assert version == f"{major}.{minor}.{patch}"
    assert kind == ("patch" if patch else "minor")


@given(st.text(max_size=20))
def test_milestone_titles_that_are_not_versions(title):
    parsed = rules.milestone_version(title)
    if parsed is not None:
        assert title.strip().lstrip("v")[0].isdigit()
        assert parsed[0].count(".") == 2


@pytest.mark.parametrize(
    "title", ["Sprint 42", "4.80", "4.80.0.1", "v4.80.x", "4.80.0 -x", "\u0664.\u0668.\u0660"]
)
def test_milestone_titles_refused(title):
    assert rules.milestone_version(title) is None


@given(st.sampled_from(rules.STATE_ORDER), st.booleans(), st.booleans(), st.booleans())
def test_state_from_github_never_moves_back(current, rc, tag, closed):
    state = rules.state_from_github(current=current, rc_branch=rc, tag=tag, milestone_closed=closed)
    order = rules.STATE_ORDER.index
    assert order(state) >= order(current)
    if closed:
        assert state == "concluded"
    elif tag:
        assert order(state) >= order("published")
    elif rc:
        assert order(state) >= order("release_candidate")


def test_publishing_needs_go_or_the_dris_reason():
    assert rules.publish_refusal(go=True, is_dri=False, override_reason="") == ""
    assert "only the release ritual DRI" in rules.publish_refusal(
        go=False, is_dri=False, override_reason="customer waits"
    )
    assert "say why" in rules.publish_refusal(go=False, is_dri=True, override_reason="  ")
    assert rules.publish_refusal(go=False, is_dri=True, override_reason="hotfix for acme") == ""


def test_a_ready_group_with_items_outside_ready_for_release_is_no_go():
    group = rules.GroupReadiness(
        name="MDM",
        state=rules.READY,
        state_label="ready",
        qa_lead="Pieter",
        board_not_ready=(("In progress", 2), ("Awaiting QA", 1)),
    )
    remaining = rules.readiness_remaining([group], dri="Dana", dependency_gate_run=True)
    assert remaining == [
        "MDM is marked ready, but 3 items of the milestone are not in Ready for release "
        "(In progress: 2, Awaiting QA: 1) (QA lead: Pieter)"
    ]


@given(st.lists(st.sampled_from(["ana", "bo"]), unique=True), labels)
def test_pushed_story_tells_design_the_requesters_and_customer_success(assignees, names):
    people = rules.pushed_story_stakeholders(assignees=assignees, labels=names)
    assert people[0] == "Head of Product Design"
    assert all(f"@{login}" in people for login in assignees)
    assert ("VP of Customer Success" in people) == ("customer-acme" in names)


def test_long_lists_of_numbers_name_the_first_ten_and_count_the_rest():
    """Forty open blockers make a sentence of ten numbers and a count, not of forty."""
    assert rules.numbered([1, 2, 3]) == "#1, #2, #3"
    assert rules.numbered(range(1, 11)) == ", ".join(f"#{n}" for n in range(1, 11))
    assert rules.numbered(range(1, 41)) == ", ".join(f"#{n}" for n in range(1, 11)) + " and 30 more"
    assert rules.numbered([]) == ""
    group = GroupReadiness(
        name="MDM",
        state=rules.READY,
        state_label="Ready",
        note="",
        qa_lead="Ann",
        blockers=tuple(range(100, 140)),
    )
    [line] = rules.readiness_remaining([group], dri="Dee", dependency_gate_run=True)
    assert line.startswith("40 open release blockers in MDM: #100, #101")
    assert line.endswith("#109 and 30 more (QA lead: Ann)")
    reason = rules.stale_reason(state=rules.READY, ready_blockers=[], blockers=range(1, 13))
    assert reason == (
        "new release blocker #1, #2, #3, #4, #5, #6, #7, #8, #9, #10 and 2 more since ready"
    )
