"""The issues the dependency checks call for, drafted in the handbook's words (reads only).

A draft is what would be filed: its title, body, labels, assignees (the release ritual DRI
and the on-call engineer) and the key that keeps it from being filed twice
(`depcheck:<check>:<version>`). The page shows drafts as previews; `services.py` files them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from fleetops.org.models import Person
from releases.board.models import Release
from releases.dependencies.models import DependencyCheckResult
from releases.dependencies.rules import (
    CHECK_ORDER,
    FLEETD_COMPONENTS,
    HANDBOOK_URL,
    ISSUE_LABELS,
    OSQUERY_FLAGS_PR,
    OSQUERY_FLAGS_URL,
    WATCHED_EXTENSION,
    WATCHED_OSQUERY,
    Check,
    DependencyCheckError,
    Status,
    check_label,
    fileable,
    issue_version,
)
from releases.dependencies.sources import oncall_person
from releases.dependencies.versions import MACADMINS_MODULE, OSQUERY_WORKFLOW


@dataclass(frozen=True)
class IssueDraft:
    """The exact issue a check calls for, and the versions it covers."""

    title: str
    body: str
    labels: list[str]
    assignees: list[str]
    dedupe_key: str
    targets: list[tuple[str, str]]  # (check, version) rows of DependencyIssue it stands for
    check: str

    @property
    def request(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "body": self.body,
            "labels": self.labels,
            "assignees": self.assignees,
        }

    @property
    def titles(self) -> list[str]:
        """Titles an earlier, hand-filed issue for the same thing may have."""
        plain = self.title.removesuffix(" (release blocker)").removesuffix(" (story)")
        return list(dict.fromkeys([self.title, plain]))


def _assignees(release: Release | None, oncall: Person | None) -> tuple[list[str], list[str]]:
    """GitHub logins of the release DRI and the on-call engineer, and sentences for the body."""
    logins: list[str] = []
    lines: list[str] = []
    dri = release.dri if release is not None else None
    if dri is not None and dri.github_login:
        logins.append(dri.github_login)
        lines.append(f"Assigned to the release ritual DRI, @{dri.github_login} ({dri.name}).")
    else:
        lines.append("No release ritual DRI is known to fleetops: assign them by hand.")
    if oncall is not None and oncall.github_login:
        if oncall.github_login.lower() not in (login.lower() for login in logins):
            logins.append(oncall.github_login)
        lines.append(
            f"Assigned to the current on-call engineer, @{oncall.github_login} ({oncall.name})."
        )
    else:
        lines.append("No on-call engineer is known to fleetops right now: assign them by hand.")
    return logins, lines


def _found_lines(result: DependencyCheckResult, release: Release | None) -> list[str]:
    data = result.data or {}
    lines = [
        f"- Check: {check_label(result.check_name)} (fleetops dependency checks, run "
        f"{result.run.started_at.astimezone(dt.UTC):%Y-%m-%d %H:%M} UTC)",
        f"- Ref: `{result.run.ref}`",
    ]
    if result.check_name not in FLEETD_COMPONENTS:
        where = f" (`{data['file']}` line {data['line']})" if data.get("file") else ""
        lines.append(f"- Ours: {result.current}{where}")
        lines.append(f"- Latest: {result.latest}")
    if release is not None:
        lines.append(f"- Release: Fleet v{release.version}")
    return lines


_LOOK_UP = object()


def _issue_wording(result: DependencyCheckResult) -> tuple[str, list[str]]:
    """The title and the handbook's words of the issue a Go, macadmins or osquery result needs."""
    check = result.check_name
    if check == Check.GO:
        title = f"Upgrade Go to {result.latest} (release blocker)"
        what = [
            f"Fleet's `go.mod` says `go {result.current}`; the latest minor version of Go "
            f"{result.current.rsplit('.', 1)[0]} is {result.latest} (https://go.dev/dl/).",
            "",
            "Handbook: if the latest minor version is greater than the version included in "
            "Fleet, file a bug, assign it to the release ritual DRI and the current on-call "
            "engineer, and add the `~release blocker` label. **We must upgrade to the latest "
            "minor version before publishing the next release.**",
        ]
    elif check == Check.GO_MAJOR:
        title = f"Upgrade to Go {result.latest} (story)"
        what = [
            f"Fleet is on Go {result.current}; Go {result.latest} is out "
            f"(newest {result.data.get('newest', result.latest)}, https://go.dev/dl/).",
            "",
            "Handbook: if the latest major version is greater than the version included in "
            "Fleet, create a story and assign it to the release ritual DRI and the current "
            "on-call engineer. This will be considered for an upcoming sprint. The release can "
            "proceed without upgrading the major version.",
        ]
    elif check == Check.MACADMINS:
        title = f"Upgrade macadmins-extension to {result.latest}"
        what = [
            f"Fleet's `go.mod` requires `{MACADMINS_MODULE} {result.current}`; the latest "
            f"release is {result.latest} "
            f"(https://github.com/{WATCHED_EXTENSION}/releases/tag/{result.latest}).",
            "",
            "**Check the update for any changes, like new tables, that require code changes in "
            "Fleet.**",
            "",
            "Handbook: file a bug, assign it to the release ritual DRI and the current on-call "
            "engineer, and add the `~release blocker` label. A release going out with an old "
            "dependency version is treated as a critical bug.",
        ]
    else:
        title = f"Upgrade osquery to {result.latest}"
        what = [
            f"`{OSQUERY_WORKFLOW}` pins `OSQUERY_VERSION: {result.current}`; the latest "
            f"osquery release is {result.latest} "
            f"(https://github.com/{WATCHED_OSQUERY}/releases/tag/{result.latest}).",
            "",
            f"**Changes to osquery command-line flags ({OSQUERY_FLAGS_URL}) require updates to "
            f"Fleet's flag validation and related documentation**, as shown in {OSQUERY_FLAGS_PR}.",
            "",
            "Handbook: file a bug and assign it to the release ritual DRI and the current "
            "on-call engineer. Not a release blocker: do not add the `~release blocker` label.",
        ]
    return title, what


def dependency_issue_draft(
    *,
    result: DependencyCheckResult,
    oncall: Person | object | None = _LOOK_UP,
    exclude: set[tuple[str, str]] | frozenset = frozenset(),
) -> IssueDraft:
    """The bug, story or fleetd release QA issue a result calls for (handbook wording).

    `exclude`: fleetd components already covered by an issue, left out of a new one.
    """
    if not fileable(result):
        raise DependencyCheckError(
            f"{check_label(result.check_name)} is {result.get_status_display()}: nothing to file."
        )
    release = result.run.release
    check = result.check_name
    if check in FLEETD_COMPONENTS:  # the QA issue goes to the DRI, like the release's own
        logins, assigned = _assignees(release, None)
        return _fleetd_draft(result, release, logins[:1], assigned[:1], exclude)
    person = oncall_person() if oncall is _LOOK_UP else oncall
    logins, assigned = _assignees(release, person if isinstance(person, Person) else None)
    found = _found_lines(result, release)
    title, what = _issue_wording(result)
    body = "\n".join(
        [
            *what,
            "",
            "### What the dependency check found",
            *found,
            "",
            *assigned,
            "",
            f"_Filed by fleetops from the pre-release dependency checks ({HANDBOOK_URL})._",
        ]
    )
    version = issue_version(result)
    return IssueDraft(
        title=title,
        body=body,
        labels=list(ISSUE_LABELS[check]),
        assignees=logins,
        dedupe_key=f"depcheck:{check}:{version}",
        targets=[(check, version)],
        check=check,
    )


def _fleetd_draft(
    result: DependencyCheckResult,
    release: Release | None,
    logins: list[str],
    assigned: list[str],
    exclude: set[tuple[str, str]] | frozenset,
) -> IssueDraft:
    """Handbook: create a new release QA issue to update fleetd, one for every changed component."""
    siblings = [
        r
        for r in result.run.results.all()
        if r.check_name in FLEETD_COMPONENTS
        and r.status == Status.OUTDATED
        and (r.pk == result.pk or (r.check_name, r.current) not in exclude)
    ]
    siblings.sort(key=lambda r: CHECK_ORDER.index(r.check_name))
    sections = []
    for sibling in siblings:
        data = sibling.data or {}
        files = data.get("files", [])
        sections.append(f"### {check_label(sibling.check_name)}: changes since `{sibling.current}`")
        sections.append(f"Compare: {data.get('compare_url', '')}")
        sections.append("")
        sections.extend(f"- `{f['filename']}` ({f.get('status', '')})" for f in files[:100])
        if len(files) > 100:
            sections.append(f"- … and {len(files) - 100} more files")
        sections.append("")
    tags = [s.current for s in siblings]
    title = f"Release QA: fleetd (changes since {', '.join(tags)})"
    body = "\n".join(
        [
            "Code changed in fleetd components since their last tags were published. Handbook: "
            "create a new release QA issue to update fleetd. Delete the top section for Fleet "
            "core, retain the bottom section for `fleetd`, and populate the necessary version "
            "changes for each `fleetd` component.",
            "",
            *sections,
            *_found_lines(result, release)[1:],
            "",
            *assigned,
            "",
            f"_Filed by fleetops from the pre-release dependency checks ({HANDBOOK_URL})._",
        ]
    )
    return IssueDraft(
        title=title,
        body=body,
        labels=list(ISSUE_LABELS[result.check_name]),
        assignees=logins,
        dedupe_key=f"depcheck:fleetd:{'+'.join(tags)}",
        targets=[(s.check_name, s.current) for s in siblings],
        check=result.check_name,
    )
