"""The handbook's release-readiness rules, pure: no ORM, no I/O, no settings.

A newcomer looking for "when is a release go?" reads this module; the selectors gather the
facts (sign-offs, open blockers, the dependency gate) and the services record changes.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

# The board's column names, normalized (pure constants of the boards' own rules).
from fleetops.github.boards.rules import READY_FOR_RELEASE

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
    # Items of the release's milestone on the group's board outside "Ready for release":
    # (column, how many), e.g. (("In progress", 2), ("Awaiting QA", 1)).
    board_not_ready: tuple[tuple[str, int], ...] = ()


NUMBERS_SHOWN = 10  # issue numbers in one sentence; the card links to the rest


def numbered(numbers: Iterable[int], shown: int = NUMBERS_SHOWN) -> str:
    """`#1, #2, #3`; past `shown` numbers, the first ones and how many more."""
    numbers = list(numbers)
    text = ", ".join(f"#{n}" for n in numbers[:shown])
    return text if len(numbers) <= shown else f"{text} and {len(numbers) - shown} more"


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
        return f"new release blocker {numbered(new)} since ready"
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
    have run and passed or been acknowledged. A group marked ready while items of the
    milestone sit outside its board's "Ready for release" column is not ready ("Conclude
    current milestone" acts on that column only). Go is an empty list.
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
        if group.state == READY and group.board_not_ready:
            count = sum(n for _, n in group.board_not_ready)
            where = ", ".join(f"{column}: {n}" for column, n in group.board_not_ready)
            remaining.append(
                f"{group.name} is marked ready, but {count} item{'s' if count > 1 else ''} of "
                f"the milestone {'are' if count > 1 else 'is'} not in {READY_FOR_RELEASE} "
                f"({where}) (QA lead: {qa})"
            )
        if group.blockers:
            count = len(group.blockers)
            remaining.append(
                f"{count} open release blocker{'s' if count > 1 else ''} in {group.name}: "
                f"{numbered(group.blockers)} (QA lead: {qa})"
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


# -- releases derived from GitHub -------------------------------------------------------------

# A milestone named after a version: `4.80.0`, and older titles such as `4.80.0-tentative`.
MILESTONE_VERSION_RE = re.compile(
    r"^v?(\d{1,4})\.(\d{1,4})\.(\d{1,4})(?:-[0-9A-Za-z][0-9A-Za-z.-]*)?$", re.ASCII
)
# Release states, in the order a release moves through them.
STATE_ORDER = ("planned", "release_candidate", "qa", "ready", "published", "concluded")


def milestone_version(title: str) -> tuple[str, str] | None:
    """The release (version, "minor" | "patch") a milestone's title names, or None.

    Handbook: minor releases are `4.N.0` (their RC branch `rc-minor-fleet-v4.N.0`); a patch
    release `4.N.P` with P > 0 is cut on `rc-patch-fleet-v4.N.P`.
    """
    match = MILESTONE_VERSION_RE.match(title.strip())
    if match is None:
        return None
    major, minor, patch = (int(part) for part in match.groups())
    return f"{major}.{minor}.{patch}", "patch" if patch else "minor"


def state_from_github(*, current: str, rc_branch: bool, tag: bool, milestone_closed: bool) -> str:
    """The release's state once what GitHub knows is taken in; never a step back.

    Release candidate once its `rc-…-fleet-v<version>` branch exists, published once the tag
    `fleet-v<version>` exists, concluded once the milestone is closed. A state a person set
    further along (QA, ready) stays: GitHub not knowing it is no reason to undo it.
    """
    known = "planned"
    if rc_branch:
        known = "release_candidate"
    if tag:
        known = "published"
    if milestone_closed:
        known = "concluded"
    rank = STATE_ORDER.index
    return known if rank(known) > rank(current) else current


# -- concluding the milestone -----------------------------------------------------------------


def conclusion_step(*, column: str, labels: Iterable[str]) -> str:
    """What concluding does to one board item of the milestone: "story", "close" or "leave".

    Handbook, "Conclude current milestone": 2. "Select all items in "Ready for release" that
    have the `story` label. Apply the `:product` label and remove the `:release` label."
    3. "Select all remaining items in the "Ready for release" column and move them to the
    "Closed" column." Items in any other column are not touched.
    """
    if column.strip().lower() != READY_FOR_RELEASE.lower():
        return "leave"
    return "story" if "story" in set(labels) else "close"


def story_labels_concluded(labels: Iterable[str]) -> list[str]:
    """Step 2's labels for a story: `:product` added, `:release` removed, nothing else."""
    return sorted({*labels, ":product"} - {":release"})


# -- gates ------------------------------------------------------------------------------------


def publish_refusal(*, go: bool, is_dri: bool, override_reason: str) -> str:
    """Why the release may not be marked published by hand ("" when it may).

    Handbook, "Indicate your product group is release-ready": the DRI starts the release
    once every QA lead has marked their group ready. Published needs go; otherwise only the
    release ritual DRI may override, and says why.
    """
    if go:
        return ""
    if not is_dri:
        return "The release is not go: only the release ritual DRI may publish it anyway."
    if not override_reason.strip():
        return "The release is not go: say why you publish it anyway (the override's reason)."
    return ""


def pushed_story_stakeholders(*, assignees: Iterable[str], labels: Iterable[str]) -> list[str]:
    """Handbook, "Notify stakeholders when a user story is pushed to the next release": the
    Head of Product Design and the requesters (here: the story's assignees); with a
    `customer-` label, also the VP of Customer Success."""
    people = ["Head of Product Design", *(f"@{login}" for login in assignees)]
    if any(label.startswith("customer-") for label in labels):
        people.append("VP of Customer Success")
    return people
