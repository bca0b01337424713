"""The handbook's dependency rules, pure: no ORM, no I/O, no settings.

Handbook, "Confirm latest versions of dependencies": before kicking off release QA, confirm
that we are using the latest versions of the dependencies we keep up to date with each
release. Each function below quotes the rule it encodes and turns what was read (a pinned
version, the releases out there, the files changed since a tag) into a `Finding`: what the
check found, whether it blocks the release and which issue it calls for. The services read
the inputs and store the findings; the selectors show them.

- Go: "If the latest minor version is greater than the version included in Fleet, file a
  bug [...] and add the `~release blocker` label"; "if the latest major version is greater
  [...], create a story [...]. The release can proceed without upgrading the major version."
- macadmins-extension: a newer release is a bug with the `~release blocker` label.
- osquery: a newer release is a bug; "do not add the `~release blocker` label".
- Vulnerability feeds: checked by hand (NVD, CISA); if an announcement may affect the
  feeds, notify the on-call engineer.
- fleetd components (Orbit with Desktop, fleetd-chrome): code changed since the last tag
  calls for a new release QA issue to update fleetd.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from django.db.models import TextChoices  # an enum type only: no query, no connection

from releases.dependencies.versions import (
    GO_MOD,
    MACADMINS_MODULE,
    OSQUERY_WORKFLOW,
    ParseError,
    Pinned,
    Version,
    newest,
    parse_go_directive,
)


class Check(TextChoices):
    GO = "go", "Go"
    GO_MAJOR = "go-major", "Go major"
    MACADMINS = "macadmins-extension", "macadmins-extension"
    OSQUERY = "osquery", "osquery"
    FEEDS = "vulnerability-feeds", "Vulnerability feeds"
    ORBIT = "orbit", "Orbit and Desktop"
    FLEETD_CHROME = "fleetd-chrome", "fleetd-chrome"


class Status(TextChoices):
    OK = "ok"
    OUTDATED = "outdated"
    MANUAL = "manual"
    ERROR = "error"


class Action(TextChoices):
    BUG = "bug"
    STORY = "story"
    FLEETD_RELEASE_QA = "fleetd-release-qa", "fleetd release QA"
    CONFIRM = "confirm"
    NONE = "none"


CHECK_ORDER: list[str] = [
    Check.GO,
    Check.GO_MAJOR,
    Check.MACADMINS,
    Check.OSQUERY,
    Check.FEEDS,
    Check.ORBIT,
    Check.FLEETD_CHROME,
]
# The checks whose outdated result blocks the release (handbook: add `~release blocker`).
BLOCKING_CHECKS: tuple[str, ...] = (Check.GO, Check.MACADMINS)
# Handbook: "we must upgrade … before publishing the next release": fixed, never acknowledged.
UNACKNOWLEDGEABLE: tuple[str, ...] = BLOCKING_CHECKS
DEFAULT_BRANCH = "main"
WATCHED_OSQUERY = "osquery/osquery"
WATCHED_EXTENSION = "macadmins/osquery-extension"
# Handbook item 5: Orbit (which includes Desktop, orbit/cmd/desktop) and fleetd-chrome.
FLEETD_COMPONENTS: dict[str, tuple[str, str]] = {
    Check.ORBIT: ("orbit-v", "orbit/"),
    Check.FLEETD_CHROME: ("fleetd-chrome-v", "ee/fleetd-chrome/"),
}
GITHUB_COMPARE_FILE_LIMIT = 300  # GitHub lists at most this many files of a comparison
HANDBOOK_URL = "https://fleetdm.com/handbook/engineering#confirm-latest-versions-of-dependencies"
OSQUERY_FLAGS_URL = "https://osquery.readthedocs.io/en/stable/installation/cli-flags/"
OSQUERY_FLAGS_PR = "https://github.com/fleetdm/fleet/pull/16239/files"
# The labels of the issue each check calls for (handbook: bugs with `~release blocker` for
# Go minor and macadmins-extension, a plain bug for osquery, a story for Go major).
ISSUE_LABELS: dict[str, list[str]] = {
    Check.GO: ["bug", ":reproduce", "~release blocker"],
    Check.GO_MAJOR: ["story", ":product"],
    Check.MACADMINS: ["bug", ":reproduce", "~release blocker"],
    Check.OSQUERY: ["bug", ":reproduce"],
    Check.ORBIT: [":release"],
    Check.FLEETD_CHROME: [":release"],
}
FILEABLE = (Action.BUG, Action.STORY, Action.FLEETD_RELEASE_QA)
# The handbook's rule for each check, shown beside what it found (the feeds' and fleetd's
# findings already say what to do).
ACTIONS: dict[str, str] = {
    Check.GO: (
        "File a bug for the release DRI and the on-call engineer with the ~release blocker "
        "label: upgrade before publishing the release."
    ),
    Check.GO_MAJOR: (
        "Create a story for the release DRI and the on-call engineer, for an upcoming sprint. "
        "The release can proceed."
    ),
    Check.MACADMINS: (
        "File a bug with the ~release blocker label for the release DRI and the on-call "
        "engineer; check the update for changes, like new tables, that need code in Fleet."
    ),
    Check.OSQUERY: (
        "File a bug for the release DRI and the on-call engineer (not a release blocker): "
        "changed command-line flags need updates to flag validation and its documentation."
    ),
    Check.FEEDS: "",
    Check.ORBIT: "",
    Check.FLEETD_CHROME: "",
}


class DependencyCheckError(Exception):
    """An action on the checks that cannot be done, with the reason a person can act on."""


@dataclass(frozen=True)
class Finding:
    """What one check found: the fields of a result row (and of `--json`)."""

    check: str
    current: str = ""
    latest: str = ""
    status: str = Status.OK
    release_blocker: bool = False
    action: str = Action.NONE
    detail: str = ""
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Failed:
    """An input a check needs could not be had: why, and whether trying later may help."""

    reason: str
    transient: bool = False
    cause: str = ""  # the root cause several checks may share ("GitHub could not be reached …")


def error_finding(check: str, failed: Failed) -> Finding:
    """A check that could not run: "error" with the reason (and whether to try again)."""
    data: dict[str, Any] = {"transient": True} if failed.transient else {}
    if failed.cause:
        data["cause"] = failed.cause
    return Finding(check=check, status=Status.ERROR, detail=failed.reason, data=data)


def check_label(check: str) -> str:
    return Check(check).label if check in Check.values else check


def go_findings(*, pinned: Pinned, stable: list[Version], ref: str) -> tuple[Finding, Finding]:
    """Handbook, Go: a newer minor (1.N.x) is a release-blocking bug; a newer major (1.M) a story.

    "In Go versioning, the number after the first dot is the 'major' version, while the number
    after the second dot is the 'minor' version." Release candidates and betas never count.
    """
    current = pinned.version
    where = {"file": GO_MOD, "line": pinned.line, "ref": ref}
    line = f"{current.major}.{current.minor}"
    same_line = newest(v for v in stable if v.line == current.line)
    if same_line is not None and same_line > current:
        patch = Finding(
            check=Check.GO,
            current=str(current),
            latest=str(same_line),
            status=Status.OUTDATED,
            release_blocker=True,
            action=Action.BUG,
            detail=(
                f"Go {same_line} is out; {GO_MOD} at {ref} says go {pinned.raw} (line "
                f"{pinned.line}). We must upgrade before publishing the next release."
            ),
            data=where,
        )
    else:
        if same_line is None:
            detail = f"No stable Go {line} release is listed yet; nothing newer to upgrade to."
        elif same_line == current:
            detail = f"Go {current} is the latest Go {line} release."
        else:
            detail = f"{GO_MOD} is ahead of the release list (newest Go {line}: {same_line})."
        patch = Finding(
            check=Check.GO,
            current=str(current),
            latest=str(same_line) if same_line else "",
            detail=detail,
            data=where,
        )
    top = newest(stable)
    assert top is not None  # parse_go_releases never returns an empty list
    top_line = f"{top.major}.{top.minor}"
    if top.line > current.line:
        major = Finding(
            check=Check.GO_MAJOR,
            current=line,
            latest=top_line,
            status=Status.OUTDATED,
            action=Action.STORY,
            detail=(
                f"Go {top_line} is out (newest {top}); Fleet is on Go {line}. Create a story, "
                "considered for an upcoming sprint; the release can proceed without it."
            ),
            data={**where, "newest": str(top)},
        )
    else:
        major = Finding(
            check=Check.GO_MAJOR,
            current=line,
            latest=top_line,
            detail=f"Go {line} is the newest major version.",
            data={**where, "newest": str(top)},
        )
    return patch, major


def macadmins_finding(*, pinned: Pinned, latest_tag: str, latest: Version, ref: str) -> Finding:
    """Handbook, macadmins-extension: a newer stable release is a bug with `~release blocker`."""
    data = {"file": GO_MOD, "line": pinned.line, "ref": ref, "module": MACADMINS_MODULE}
    if latest > pinned.version:
        return Finding(
            check=Check.MACADMINS,
            current=pinned.raw,
            latest=latest_tag,
            status=Status.OUTDATED,
            release_blocker=True,
            action=Action.BUG,
            detail=(
                f"macadmins-extension {latest_tag} is out; {GO_MOD} at {ref} requires "
                f"{pinned.raw} (line {pinned.line}). Check the update for changes, like new "
                "tables, that require code changes in Fleet."
            ),
            data=data,
        )
    return Finding(
        check=Check.MACADMINS,
        current=pinned.raw,
        latest=latest_tag,
        detail=f"{pinned.raw} is the latest release of {WATCHED_EXTENSION}.",
        data=data,
    )


def osquery_finding(*, pinned: Pinned, latest_tag: str, latest: Version, ref: str) -> Finding:
    """Handbook, osquery: a newer release is a bug; do not add the `~release blocker` label."""
    data = {"file": OSQUERY_WORKFLOW, "line": pinned.line, "ref": ref}
    if latest > pinned.version:
        return Finding(
            check=Check.OSQUERY,
            current=pinned.raw,
            latest=latest_tag,
            status=Status.OUTDATED,
            action=Action.BUG,
            detail=(
                f"osquery {latest_tag} is out; the workflow at {ref} pins {pinned.raw} (line "
                f"{pinned.line}). Not a release blocker. Changes to osquery command-line flags "
                "require updates to Fleet's flag validation and related documentation."
            ),
            data=data,
        )
    return Finding(
        check=Check.OSQUERY,
        current=pinned.raw,
        latest=latest_tag,
        detail=f"{pinned.raw} is the latest release of {WATCHED_OSQUERY}.",
        data=data,
    )


def go_mod_findings(
    go_mod: str | Failed, go_list: list[Version] | Failed, ref: str
) -> list[Finding]:
    """The two Go findings from go.mod's text and the release list (either may have failed)."""
    if isinstance(go_mod, Failed):
        return [error_finding(Check.GO, go_mod), error_finding(Check.GO_MAJOR, go_mod)]
    try:
        pinned = parse_go_directive(go_mod)
    except ParseError as exc:
        failed = Failed(str(exc))
        return [error_finding(Check.GO, failed), error_finding(Check.GO_MAJOR, failed)]
    if isinstance(go_list, Failed):
        return [error_finding(Check.GO, go_list), error_finding(Check.GO_MAJOR, go_list)]
    return list(go_findings(pinned=pinned, stable=go_list, ref=ref))


def feeds_finding_of(
    *,
    confirmed: str | None,
    may_affect_feeds: bool = False,
    oncall: str | None = None,
    for_release: bool = True,
) -> Finding:
    """Handbook, vulnerability data sources: check NVD and CISA for announcements (by hand).

    `confirmed`: who confirmed when, and their note ("Confirmed by Dana on ..."), or None;
    `oncall`: the on-call engineer who was notified when an announcement may affect the feeds.
    """
    if confirmed is not None:
        detail = confirmed
        if may_affect_feeds:
            detail += (
                f" May affect the feeds: {oncall} (on call) was notified."
                if oncall
                else " May affect the feeds; no on-call engineer was known to notify."
            )
        return Finding(check=Check.FEEDS, status=Status.OK, action=Action.NONE, detail=detail)
    detail = (
        "Check the NVD (nvd.nist.gov) and CISA (cisa.gov) websites for announcements that "
        "might impact our NVD or CISA data feeds. If one may, notify the on-call engineer."
    )
    if not for_release:
        detail += " This run is not for a release, so there is nothing to confirm here."
    return Finding(check=Check.FEEDS, status=Status.MANUAL, action=Action.CONFIRM, detail=detail)


def fleetd_finding(
    *,
    check: str,
    tag: str,
    ref: str,
    files: list[dict[str, Any]],
    commits: list[dict[str, Any]],
    total_commits: int,
    repository: str,
) -> Finding:
    """Handbook, fleetd components: code changes since the last tag call for fleetd release QA.

    "Check for code changes to Orbit (which includes Desktop) and fleetd-chrome since their
    last tags: if there are changes, create a new release QA issue to update fleetd."
    """
    _, path = FLEETD_COMPONENTS[check]
    changed = [f for f in files if str(f.get("filename", "")).startswith(path)]
    data = {
        "tag": tag,
        "ref": ref,
        "path": path,
        "files": changed,
        "commits": commits,
        "total_commits": total_commits,
        "compare_url": f"https://github.com/{repository}/compare/{tag}...{ref}",
    }
    if changed:
        return Finding(
            check=check,
            current=tag,
            latest=ref,
            status=Status.OUTDATED,
            action=Action.FLEETD_RELEASE_QA,
            detail=(
                f"{len(changed)} file{'s' if len(changed) != 1 else ''} changed under {path} "
                f"since {tag}. fleetd release QA needed: create a release QA issue to update "
                "fleetd."
            ),
            data=data,
        )
    if len(files) >= GITHUB_COMPARE_FILE_LIMIT:
        return Finding(
            check=check,
            current=tag,
            latest=ref,
            status=Status.MANUAL,
            action=Action.CONFIRM,
            detail=(
                f"GitHub lists only the first {GITHUB_COMPARE_FILE_LIMIT} changed files of "
                f"{tag}...{ref} and none is under {path}: look at the comparison by hand."
            ),
            data=data,
        )
    return Finding(
        check=check,
        current=tag,
        latest=ref,
        detail=f"No changes under {path} since {tag}.",
        data=data,
    )


class ResultLike(Protocol):
    """What the rules read of a stored result (a `DependencyCheckResult` row)."""

    check_name: str
    current: str
    latest: str
    status: str
    release_blocker: bool
    action: str
    detail: str


def issue_version(result: ResultLike) -> str:
    """What an issue for this result is about: the version asked for (the base tag for fleetd)."""
    if result.check_name in FLEETD_COMPONENTS:
        return result.current
    return result.latest


def fileable(result: ResultLike) -> bool:
    """The result calls for an issue: outdated, with a bug, a story or a fleetd QA issue."""
    return result.status == Status.OUTDATED and result.action in FILEABLE


def gate_remaining(
    *,
    results: dict[str, ResultLike],
    acknowledged: set[tuple[str, str]],
    feeds_confirmed: bool,
    owner: str,
) -> list[str]:
    """Handbook: the release waits until the dependency checks have passed or been acknowledged.

    What still stands between the release and a "go", one sentence per item naming its
    owner: a blocking check (Go minor, macadmins-extension) that did not run, failed, or is
    outdated; the vulnerability feeds not confirmed. An outdated Go patch or
    macadmins-extension cannot be acknowledged away (handbook: "we must upgrade … before
    publishing the next release"): `acknowledged` only covers the other checks.
    """
    remaining: list[str] = []
    failed: dict[tuple[str, str], list[str]] = {}  # one line per cause, however many checks
    for check in BLOCKING_CHECKS:
        result = results.get(check)
        label = check_label(check)
        if result is None:
            remaining.append(f"The {label} check did not run ({owner})")
        elif result.status == Status.ERROR:
            cause = (getattr(result, "data", None) or {}).get("cause") or ""
            failed.setdefault((cause, "" if cause else result.detail), []).append(label)
        elif result.release_blocker:
            # Handbook: "we must upgrade … before publishing the next release": only fixed.
            remaining.append(
                f"{label} {result.current} → {result.latest} is a release blocker ({owner})"
            )
    for (cause, detail), labels in failed.items():
        if cause:
            remaining.append(f"Dependency checks could not run: {cause} ({owner})")
        else:
            checks = " and ".join(labels) + (" checks" if len(labels) > 1 else " check")
            remaining.append(f"The {checks} failed: {detail} ({owner})")
    if not feeds_confirmed:
        remaining.append(f"Vulnerability feeds not confirmed ({owner})")
    return remaining


def verdict_key(result: ResultLike | None, *, acknowledged: bool, confirmed: bool) -> str:
    """What a check's row says: a blocker until acknowledged, fleetd changes need release QA."""
    if result is None:
        return "pending"
    if result.check_name == Check.FEEDS:
        return "confirmed" if confirmed else "manual"
    if result.status == Status.ERROR:
        return "error"
    if result.status == Status.MANUAL:
        return "manual"
    if result.status == Status.OUTDATED:
        if result.action == Action.FLEETD_RELEASE_QA:
            return "qa"
        if result.release_blocker:
            return "blocker"  # fixed by upgrading, never acknowledged away
        if acknowledged:
            return "acknowledged"
        return "outdated"
    return "no-changes" if result.check_name in FLEETD_COMPONENTS else "ok"


GIT_REF_MAX = 255
_GIT_REF_FORBIDDEN = set(" ~^:?*[\\\x7f")


def git_ref_problem(ref: str) -> str | None:
    """Why `ref` cannot name a branch, tag or commit (git's check-ref-format rules), or None.

    Empty, longer than 255 characters, not printable ASCII, containing a space, `..`,
    `@{`, `//` or one of `~^:?*[\\`, starting or ending with `/` or `.`, or ending in
    `.lock`: git would refuse it, so checking GitHub at it would only fail later.
    """
    if not ref:
        return "the ref is empty: name a branch, tag or commit"
    if len(ref) > GIT_REF_MAX:
        return f"the ref is {len(ref):,} characters long; git allows {GIT_REF_MAX}"
    if not ref.isascii() or not ref.isprintable():
        return "the ref has characters git does not allow (non-ASCII or control)"
    if _GIT_REF_FORBIDDEN & set(ref) or any(bad in ref for bad in ("..", "@{", "//")):
        return f"the ref {ref!r} has characters git does not allow"
    if ref.startswith(("/", ".", "-")) or ref.endswith(("/", ".", ".lock")) or ref == "@":
        return f"the ref {ref!r} is not a name git allows"
    return None
