"""The handbook's release-readiness rules, pure: no ORM, no I/O, no settings.

A newcomer looking for "when is a release go?" reads this module; the selectors gather the
facts (sign-offs, open blockers, the dependency gate) and the services record changes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

# The sign-off states, as stored (`Signoff.State`).
READY = "ready"
BLOCKED = "blocked"
# The release candidate is cut in the week after the sprint's last Friday 8:00 AM Pacific.
RC_CUT_WINDOW = dt.timedelta(days=7)


@dataclass(frozen=True)
class GroupReadiness:
    """What the go / no-go reads of one product group's card."""

    name: str
    state: str
    state_label: str  # "not started", "blocked", ...
    note: str = ""
    qa_lead: str | None = None
    blockers: tuple[int, ...] = ()  # open release blockers' numbers
    stale_reason: str = ""


def stale_reason(
    *,
    state: str,
    ready_blockers: Iterable[int],
    blockers: Iterable[int],
    rc_branch: str = "",
    rc_head_sha: str = "",
    ready_rc_sha: str = "",
) -> str:
    """Why a group's "ready" no longer holds ("" when it does, or when it is not ready).

    Handbook, "Indicate your product group is release-ready": the QA lead marks the group
    ready for release. A "ready" given before a new release blocker appeared, or before new
    commits landed on the release candidate branch, was not given for what ships: the QA
    lead must re-confirm.
    """
    if state != READY:
        return ""
    new = sorted(set(blockers) - set(ready_blockers))
    if new:
        return "new release blocker " + ", ".join(f"#{n}" for n in new) + " since ready"
    if rc_branch and ready_rc_sha and rc_head_sha and rc_head_sha != ready_rc_sha:
        return f"{rc_branch} has new commits since ready"
    return ""


def readiness_remaining(
    groups: list[GroupReadiness],
    *,
    dri: str | None,
    dependency_gate_run: bool,
    dependency_remaining: Iterable[str] = (),
) -> list[str]:
    """What stands between the release and "go", one sentence per item, naming its owner.

    Handbook, "Indicate your product group is release-ready": "the release ritual DRI
    starts the release once all QA leads have" marked their group ready; open release
    blockers (`~release blocker`, or `~unreleased bug` with `:release`) block it; and
    "Confirm latest versions of dependencies" before release QA: the dependency checks must
    have run and passed or been acknowledged. Go is an empty list.
    """
    remaining = []
    for group in groups:
        qa = group.qa_lead or "no QA lead"
        if group.state != READY:
            what = group.state_label
            if group.state == BLOCKED:
                what += f": {group.note}"
            remaining.append(f"{group.name} is {what} (QA lead: {qa})")
        elif group.stale_reason:
            remaining.append(f"{group.name} must re-confirm: {group.stale_reason} (QA lead: {qa})")
        if group.blockers:
            count = len(group.blockers)
            numbers = ", ".join(f"#{number}" for number in group.blockers)
            remaining.append(
                f"{count} open release blocker{'s' if count > 1 else ''} in {group.name}: "
                f"{numbers} (QA lead: {qa})"
            )
    if not groups:
        remaining.append("No product group signs off on this release yet")
    if not dependency_gate_run:
        remaining.append(f"Dependency checks not run (DRI: {dri or 'no DRI'})")
    else:
        remaining.extend(dependency_remaining)
    return remaining


def all_ready(states: Iterable[str]) -> bool:
    """Every product group's QA lead marked it ready (and there is at least one group)."""
    states = list(states)
    return bool(states) and all(state == READY for state in states)


def rc_cut_due(*, rc_cut_at: dt.datetime, now: dt.datetime) -> bool:
    """Handbook, "Create a release candidate": on the last Friday of each sprint at 8:00 AM
    Pacific. Due from that moment, for a week (a late worker still cuts it; an old sprint's
    release is not cut by surprise)."""
    return rc_cut_at <= now < rc_cut_at + RC_CUT_WINDOW


def merge_exception_approved(*, em: bool, qa: bool, dri: bool) -> bool:
    """Handbook, "Request release candidate feature merge exception": "EM, QA lead, and
    release ritual DRI must all approve the feature work PR before it is merged into the
    release candidate branch"."""
    return em and qa and dri


@dataclass(frozen=True)
class ConclusionChange:
    """What concluding the milestone does to one open issue."""

    action: str  # "relabel" | "close"
    detail: str
    changes: dict


def conclusion_change(labels: Iterable[str]) -> ConclusionChange:
    """Handbook, "Conclude current milestone": open stories in the milestone go back to the
    drafting board (add `:product`, remove `:release`); everything else was released: close it.
    """
    labels = sorted(labels)
    if "story" in labels:
        new = sorted({*labels, ":product"} - {":release"})
        return ConclusionChange(
            "relabel",
            "story back to the drafting board: add :product, remove :release",
            {"labels": new},
        )
    return ConclusionChange(
        "close", "released: close it", {"state": "closed", "state_reason": "completed"}
    )


def pushed_story_stakeholders(*, assignees: Iterable[str], labels: Iterable[str]) -> list[str]:
    """Handbook, "Notify stakeholders when a user story is pushed to the next release": the
    Head of Product Design and the requesters (here: the story's assignees); with a
    `customer-` label, also the VP of Customer Success."""
    people = ["Head of Product Design", *(f"@{login}" for login in assignees)]
    if any(label.startswith("customer-") for label in labels):
        people.append("VP of Customer Success")
    return people
