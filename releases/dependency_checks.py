"""The pre-release dependency checks and what the release DRI does about them.

Handbook, "Confirm latest versions of dependencies": before kicking off release QA, confirm
that we are using the latest versions of the dependencies we keep up to date with each
release. Each check below quotes the rule it encodes. They run against a ref (the release
candidate's branch when it exists on GitHub, else `main`), read files through the cached
contents endpoint (`fleetops/github/files.py`), the watched repositories' releases and the
tags from the mirror, and the Go release list from `GO_RELEASES_URL`. A check that cannot
run records "error" with the reason; the others still run. Every result is stored as it
is found, so the page shows the run's progress.

Writes to GitHub (the bug, the story, the fleetd release QA issue) go through the gateway
(dry-run unless FLEETOPS_GITHUB_WRITE=1) and are never made twice: the issue is keyed by
the dependency and the version it asks for (`depcheck:<check>:<latest>`), and an open issue
with the same title already in the mirror is linked instead of filing another.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import requests
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from fleetops.github import gateway
from fleetops.github.client import (
    GitHubClient,
    GitHubError,
    GitHubNotFound,
    GitHubTransientError,
)
from fleetops.github.files import comparison_between, file_content_at
from fleetops.github.models import BranchHead, ExternalRelease, GitHubWrite, Issue, Repository, Tag
from fleetops.github.upsert import repository_get
from fleetops.org.models import Person, ProductGroup, process_time_zone
from releases.models import (
    DependencyAcknowledgement,
    DependencyCheckResult,
    DependencyCheckRun,
    DependencyIssue,
    FeedConfirmation,
    Release,
    ReleaseCandidate,
)
from releases.permissions import can_drive, person_of
from releases.versions import (
    GO_MOD,
    MACADMINS_MODULE,
    OSQUERY_WORKFLOW,
    ParseError,
    Pinned,
    Version,
    newest,
    parse_go_directive,
    parse_go_releases,
    parse_go_require,
    parse_osquery_pin,
    parse_version,
)

logger = logging.getLogger(__name__)

Check = DependencyCheckResult.Check
Status = DependencyCheckResult.Status
Action = DependencyCheckResult.Action
Outcome = DependencyCheckRun.Outcome

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
DEFAULT_BRANCH = "main"
WATCHED_OSQUERY = "osquery/osquery"
WATCHED_EXTENSION = "macadmins/osquery-extension"
# Handbook item 5: Orbit (which includes Desktop, orbit/cmd/desktop) and fleetd-chrome.
FLEETD_COMPONENTS: dict[str, tuple[str, str]] = {
    Check.ORBIT: ("orbit-v", "orbit/"),
    Check.FLEETD_CHROME: ("fleetd-chrome-v", "ee/fleetd-chrome/"),
}
GITHUB_COMPARE_FILE_LIMIT = 300  # GitHub lists at most this many files of a comparison
GO_RELEASES_TIMEOUT = 10
RUN_STALE_AFTER = dt.timedelta(minutes=15)
HANDBOOK_URL = "https://fleetdm.com/handbook/engineering#confirm-latest-versions-of-dependencies"
OSQUERY_FLAGS_URL = "https://osquery.readthedocs.io/en/stable/installation/cli-flags/"
OSQUERY_FLAGS_PR = "https://github.com/fleetdm/fleet/pull/16239/files"


class DependencyCheckError(Exception):
    """An action on the checks that cannot be done, with the reason a person can act on."""


class GoReleasesError(Exception):
    """The Go release list could not be read or understood."""

    def __init__(self, message: str, *, transient: bool = False) -> None:
        super().__init__(message)
        self.transient = transient


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


def _error(check: str, failed: Failed) -> Finding:
    data = {"transient": True} if failed.transient else {}
    return Finding(check=check, status=Status.ERROR, detail=failed.reason, data=data)


def check_label(check: str) -> str:
    return Check(check).label if check in Check.values else check


# -- the rules (pure) ------------------------------------------------------------------------


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


def feeds_finding(*, confirmation: FeedConfirmation | None, release: Release | None) -> Finding:
    """Handbook, vulnerability data sources: check NVD and CISA for announcements (by hand)."""
    if confirmation is not None:
        who = _user_name(confirmation.confirmed_by)
        when = timezone.localtime(confirmation.at, process_time_zone())
        detail = f"Confirmed by {who} on {when:%b %-d, %H:%M %Z}."
        if confirmation.note:
            detail += f" {confirmation.note}"
        if confirmation.may_affect_feeds:
            told = confirmation.oncall_notified
            detail += (
                f" May affect the feeds: {told.name} (on call) was notified."
                if told
                else " May affect the feeds; no on-call engineer was known to notify."
            )
        return Finding(check=Check.FEEDS, status=Status.OK, action=Action.NONE, detail=detail)
    detail = (
        "Check the NVD (nvd.nist.gov) and CISA (cisa.gov) websites for announcements that "
        "might impact our NVD or CISA data feeds. If one may, notify the on-call engineer."
    )
    if release is None:
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
) -> Finding:
    """Handbook, fleetd components: code changes since the last tag call for fleetd release QA."""
    _, path = FLEETD_COMPONENTS[check]
    changed = [f for f in files if str(f.get("filename", "")).startswith(path)]
    data = {
        "tag": tag,
        "ref": ref,
        "path": path,
        "files": changed,
        "commits": commits,
        "total_commits": total_commits,
        "compare_url": f"https://github.com/{settings.GITHUB_REPOSITORY}/compare/{tag}...{ref}",
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


# -- inputs ----------------------------------------------------------------------------------


def go_releases_fetch(*, url: str | None = None) -> list[Version]:
    """The stable Go releases from GO_RELEASES_URL (the go.dev/dl JSON format); 10 s timeout."""
    url = url or settings.GO_RELEASES_URL
    try:
        response = requests.get(
            url, timeout=GO_RELEASES_TIMEOUT, headers={"Accept": "application/json"}
        )
    except requests.Timeout as exc:
        raise GoReleasesError(
            f"the Go release list at {url} did not answer within {GO_RELEASES_TIMEOUT} s",
            transient=True,
        ) from exc
    except requests.RequestException as exc:
        raise GoReleasesError(
            f"cannot reach the Go release list at {url} ({type(exc).__name__})", transient=True
        ) from exc
    if response.status_code != 200:
        raise GoReleasesError(
            f"the Go release list at {url} answered {response.status_code}",
            transient=response.status_code >= 500 or response.status_code == 429,
        )
    try:
        data = response.json()
    except ValueError as exc:
        raise GoReleasesError(f"the Go release list at {url} is not JSON") from exc
    try:
        return parse_go_releases(data)
    except ParseError as exc:
        raise GoReleasesError(f"{exc} ({url})") from exc


def external_release_newest(repository_name: str) -> tuple[str, Version]:
    """The newest stable release of a watched repository in the mirror, by version order."""
    tags = ExternalRelease.objects.filter(
        repository__full_name=repository_name, draft=False, prerelease=False
    ).values_list("tag_name", flat=True)
    found: list[tuple[Version, str]] = []
    for tag in tags:
        try:
            version = parse_version(tag)
        except ParseError:
            continue
        if not version.is_prerelease:
            found.append((version, tag))
    if not found:
        raise _Unavailable(
            Failed(f"the mirror has no releases of {repository_name} — run sync_github")
        )
    version, tag = max(found, key=lambda pair: pair[0])
    return tag, version


def fleetd_tag_newest(prefix: str) -> str:
    """The newest `orbit-v*` / `fleetd-chrome-v*` tag of the product repository, by version."""
    names = Tag.objects.filter(
        repository__full_name=settings.GITHUB_REPOSITORY, name__startswith=prefix
    ).values_list("name", flat=True)
    found: list[tuple[Version, str]] = []
    for name in names:
        try:
            found.append((parse_version(name.removeprefix(prefix)), name))
        except ParseError:
            continue
    if not found:
        raise _Unavailable(Failed(f"the mirror has no {prefix}* tags — run sync_github"))
    return max(found, key=lambda pair: pair[0])[1]


class _Unavailable(Exception):
    def __init__(self, failed: Failed) -> None:
        super().__init__(failed.reason)
        self.failed = failed


def _github_failed(exc: GitHubError, what: str) -> Failed:
    if isinstance(exc, GitHubNotFound):
        return Failed(f"GitHub has no {what} (404)")
    if isinstance(exc, GitHubTransientError):
        return Failed(f"GitHub did not answer for {what}: {exc}; run the checks again", True)
    return Failed(f"GitHub refused {what}: {exc}")


def _file_text(path: str, ref: str, client: GitHubClient) -> str | Failed:
    try:
        return file_content_at(
            repository_name=settings.GITHUB_REPOSITORY, path=path, ref=ref, client=client
        ).text
    except GitHubError as exc:
        return _github_failed(exc, f"{path} at {ref}")


def dependency_ref_for(*, release: Release | None) -> tuple[str, str]:
    """The ref to check and why: the RC branch when it exists on GitHub, else `main`.

    A candidate cut in dry-run mode made no branch, unless the mirror has seen its head.
    """
    if release is None:
        return DEFAULT_BRANCH, ""
    candidate = ReleaseCandidate.objects.filter(release=release).first()
    if candidate is None:
        return DEFAULT_BRANCH, "no release candidate yet"
    if not candidate.dry_run or BranchHead.objects.filter(name=candidate.branch).exists():
        return candidate.branch, ""
    return DEFAULT_BRANCH, f"{candidate.branch} was cut in dry-run mode, so not on GitHub"


# -- the run ---------------------------------------------------------------------------------


def _run_start(
    *, release: Release | None, ref: str, ref_note: str, trigger: str, actor: Any
) -> DependencyCheckRun:
    """Start a run, or record it skipped when another is in progress for the same release."""
    now = timezone.now()
    with transaction.atomic():
        # Serialise run starts across workers on the product repository's row.
        repository = repository_get(settings.GITHUB_REPOSITORY)
        Repository.objects.select_for_update().filter(pk=repository.pk).first()
        running = DependencyCheckRun.objects.filter(release=release, outcome=Outcome.RUNNING)
        running.filter(started_at__lt=now - RUN_STALE_AFTER).update(
            outcome=Outcome.ABANDONED,
            finished_at=now,
            step="",
            error="its worker stopped before it finished; a later run took over",
        )
        busy = running.exists()
        return DependencyCheckRun.objects.create(
            release=release,
            ref=ref,
            ref_note=ref_note[:300],
            trigger=trigger[:20],
            requested_by=actor if actor is not None and actor.is_authenticated else None,
            started_at=now,
            finished_at=now if busy else None,
            outcome=Outcome.SKIPPED if busy else Outcome.RUNNING,
            step="" if busy else "starting",
            error="another run for the same release is in progress" if busy else "",
        )


def _step(run: DependencyCheckRun, text: str) -> None:
    run.step = text[:120]
    DependencyCheckRun.objects.filter(pk=run.pk).update(step=run.step)


def _save(run: DependencyCheckRun, finding: Finding) -> DependencyCheckResult:
    result, _ = DependencyCheckResult.objects.update_or_create(
        run=run,
        check_name=finding.check,
        defaults={
            "current": finding.current[:100],
            "latest": finding.latest[:100],
            "status": finding.status,
            "release_blocker": finding.release_blocker,
            "action": finding.action,
            "detail": finding.detail,
            "data": finding.data,
            "checked_at": timezone.now(),
        },
    )
    return result


def findings_guarded(checks: list[str], compute: Callable[[], list[Finding]]) -> list[Finding]:
    """What `compute` finds; any failure becomes an error finding for each of `checks`."""
    try:
        return compute()
    except _Unavailable as exc:
        return [_error(check, exc.failed) for check in checks]
    except Exception as exc:  # one broken check must not stop the others
        logger.exception("dependency check %s failed", ", ".join(checks))
        failed = Failed(f"internal error: {type(exc).__name__}: {exc}")
        return [_error(check, failed) for check in checks]


def _guarded(
    run: DependencyCheckRun, checks: list[str], compute: Callable[[], list[Finding]]
) -> None:
    for finding in findings_guarded(checks, compute):
        _save(run, finding)


def go_mod_findings(
    go_mod: str | Failed, go_list: list[Version] | Failed, ref: str
) -> list[Finding]:
    if isinstance(go_mod, Failed):
        return [_error(Check.GO, go_mod), _error(Check.GO_MAJOR, go_mod)]
    try:
        pinned = parse_go_directive(go_mod)
    except ParseError as exc:
        failed = Failed(str(exc))
        return [_error(Check.GO, failed), _error(Check.GO_MAJOR, failed)]
    if isinstance(go_list, Failed):
        return [_error(Check.GO, go_list), _error(Check.GO_MAJOR, go_list)]
    return list(go_findings(pinned=pinned, stable=go_list, ref=ref))


def macadmins_findings(go_mod: str | Failed, ref: str) -> list[Finding]:
    if isinstance(go_mod, Failed):
        return [_error(Check.MACADMINS, go_mod)]
    try:
        pinned = parse_go_require(go_mod, MACADMINS_MODULE)
    except ParseError as exc:
        return [_error(Check.MACADMINS, Failed(str(exc)))]
    tag, version = external_release_newest(WATCHED_EXTENSION)
    return [macadmins_finding(pinned=pinned, latest_tag=tag, latest=version, ref=ref)]


def osquery_findings(workflow: str | Failed, ref: str) -> list[Finding]:
    if isinstance(workflow, Failed):
        return [_error(Check.OSQUERY, workflow)]
    try:
        pinned = parse_osquery_pin(workflow, OSQUERY_WORKFLOW)
    except ParseError as exc:
        return [_error(Check.OSQUERY, Failed(str(exc)))]
    tag, version = external_release_newest(WATCHED_OSQUERY)
    return [osquery_finding(pinned=pinned, latest_tag=tag, latest=version, ref=ref)]


def _fleetd_findings(check: str, ref: str, client: GitHubClient) -> list[Finding]:
    prefix, _ = FLEETD_COMPONENTS[check]
    tag = fleetd_tag_newest(prefix)
    try:
        comparison = comparison_between(
            repository_name=settings.GITHUB_REPOSITORY, base=tag, head=ref, client=client
        )
    except GitHubError as exc:
        return [_error(check, _github_failed(exc, f"a comparison {tag}...{ref}"))]
    return [
        fleetd_finding(
            check=check,
            tag=tag,
            ref=ref,
            files=comparison.files,
            commits=comparison.commits,
            total_commits=comparison.total_commits,
        )
    ]


def _feeds_confirmation(release: Release | None) -> FeedConfirmation | None:
    if release is None:
        return None
    return (
        FeedConfirmation.objects.filter(release=release)
        .select_related("confirmed_by", "oncall_notified")
        .first()
    )


def dependency_checks_run(
    *,
    release: Release | None = None,
    ref: str | None = None,
    trigger: str = "button",
    actor: AbstractBaseUser | None = None,
    client: GitHubClient | None = None,
) -> DependencyCheckRun:
    """Handbook, "Confirm latest versions of dependencies": run every check against a ref.

    Safe to run twice: a run for the same release already in progress makes this one
    "skipped"; a run whose worker died is marked abandoned after 15 minutes.
    """
    ref_note = ""
    if ref is None:
        ref, ref_note = dependency_ref_for(release=release)
    run = _run_start(release=release, ref=ref, ref_note=ref_note, trigger=trigger, actor=actor)
    if run.outcome == Outcome.SKIPPED:
        return run
    own = client is None
    client = client or GitHubClient()
    try:
        _step(run, f"reading {GO_MOD} at {ref}")
        go_mod = _file_text(GO_MOD, ref, client)
        _step(run, "reading the Go release list")
        try:
            go_list: list[Version] | Failed = go_releases_fetch()
        except GoReleasesError as exc:
            go_list = Failed(str(exc), exc.transient)
        _guarded(run, [Check.GO, Check.GO_MAJOR], lambda: go_mod_findings(go_mod, go_list, ref))
        _step(run, "comparing macadmins-extension with its releases")
        _guarded(run, [Check.MACADMINS], lambda: macadmins_findings(go_mod, ref))
        _step(run, f"reading the osquery workflow at {ref}")
        workflow = _file_text(OSQUERY_WORKFLOW, ref, client)
        _guarded(run, [Check.OSQUERY], lambda: osquery_findings(workflow, ref))
        _guarded(
            run,
            [Check.FEEDS],
            lambda: [feeds_finding(confirmation=_feeds_confirmation(release), release=release)],
        )
        for check, (_, path) in FLEETD_COMPONENTS.items():
            _step(run, f"comparing {path} with its newest tag")
            _guarded(run, [check], lambda check=check: _fleetd_findings(check, ref, client))
    except Exception as exc:
        logger.exception("dependency check run %s failed", run.pk)
        run.outcome, run.error = Outcome.ERROR, f"{type(exc).__name__}: {exc}"
    else:
        failed = run.results.filter(status=Status.ERROR).exists()
        run.outcome = Outcome.PARTIAL if failed else Outcome.OK
    finally:
        if own:
            client.close()
    run.finished_at = timezone.now()
    run.step = ""
    run.save(update_fields=["outcome", "error", "finished_at", "step"])
    if release is not None:
        Release.objects.filter(pk=release.pk).update(board_version=F("board_version") + 1)
    return run


def dependency_run_record(
    *,
    release: Release | None,
    ref: str,
    findings: list[Finding],
    trigger: str,
    started_at: dt.datetime,
    finished_at: dt.datetime,
    ref_note: str = "",
) -> DependencyCheckRun:
    """Store a finished run from findings made elsewhere (the demo's, made without network)."""
    with transaction.atomic():
        run = DependencyCheckRun.objects.create(
            release=release,
            ref=ref,
            ref_note=ref_note,
            trigger=trigger,
            started_at=started_at,
            finished_at=finished_at,
            outcome=(
                Outcome.PARTIAL if any(f.status == Status.ERROR for f in findings) else Outcome.OK
            ),
        )
        for finding in findings:
            _save(run, finding)
        DependencyCheckResult.objects.filter(run=run).update(checked_at=finished_at)
    return run


def run_summary(run: DependencyCheckRun) -> str:
    """One line: the run's outcome and what it found."""
    if run.outcome in (Outcome.SKIPPED, Outcome.ERROR):
        return f"dependency checks {run.outcome}: {run.error}"
    statuses = list(run.results.values_list("status", flat=True))
    counts = {s: statuses.count(s) for s in Status.values if statuses.count(s)}
    found = ", ".join(f"{n} {s}" for s, n in counts.items()) or "nothing"
    return f"dependency checks {run.outcome} at {run.ref}: {found}"


# -- who may do what -------------------------------------------------------------------------


def can_run_dependency_checks(user: AbstractBaseUser | None, release: Release | None) -> bool:
    """Staff, the release's DRI, and any EM or QA lead (they run the release alongside the DRI)."""
    if user is None or not user.is_authenticated:
        return False
    if user.is_staff:
        return True
    person = person_of(user)
    if person is None:
        return False
    if release is not None and release.dri_id == person.pk:
        return True
    if release is None and Release.objects.in_flight().filter(dri=person).exists():
        return True
    return ProductGroup.objects.filter(Q(engineering_manager=person) | Q(qa_lead=person)).exists()


def can_act_on_dependency_checks(user: AbstractBaseUser | None, release: Release | None) -> bool:
    """File issues, acknowledge, confirm the feeds: the release DRI or staff."""
    if user is None or not user.is_authenticated:
        return False
    if release is None:
        return bool(user.is_staff)
    return can_drive(user, release)


def _ensure_can_act(user: AbstractBaseUser | None, release: Release | None, what: str) -> None:
    if not can_act_on_dependency_checks(user, release):
        raise PermissionDenied(f"Only the release DRI or staff can {what}.")


def ensure_can_run(user: AbstractBaseUser | None, release: Release | None) -> None:
    if not can_run_dependency_checks(user, release):
        raise PermissionDenied(
            "Only the release DRI, an engineering manager, a QA lead or staff can run the checks."
        )


# -- the on-call engineer --------------------------------------------------------------------


def oncall_person() -> Person | None:
    """The current on-call engineer (handbook: the checks' bugs are assigned to them too)."""
    try:
        from oncall.selectors import oncall_person_now
    except ImportError:  # the on-call app has no rotation yet
        logger.warning("oncall.selectors.oncall_person_now is not available")
        return None
    return oncall_person_now()


def _user_name(user: Any) -> str:
    if user is None:
        return "someone"
    person = getattr(user, "person", None)
    if person is not None:
        return person.name
    return user.get_full_name() or user.get_username()


# -- issues ----------------------------------------------------------------------------------


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


ISSUE_LABELS: dict[str, list[str]] = {
    Check.GO: ["bug", ":reproduce", "~release blocker"],
    Check.GO_MAJOR: ["story", ":product"],
    Check.MACADMINS: ["bug", ":reproduce", "~release blocker"],
    Check.OSQUERY: ["bug", ":reproduce"],
    Check.ORBIT: [":release"],
    Check.FLEETD_CHROME: [":release"],
}
FILEABLE = (Action.BUG, Action.STORY, Action.FLEETD_RELEASE_QA)


def issue_version(result: DependencyCheckResult) -> str:
    """What an issue for this result is about: the version asked for (the base tag for fleetd)."""
    if result.check_name in FLEETD_COMPONENTS:
        return result.current
    return result.latest


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


def dependency_issue_draft(
    *,
    result: DependencyCheckResult,
    oncall: Person | object | None = _LOOK_UP,
    exclude: set[tuple[str, str]] | frozenset = frozenset(),
) -> IssueDraft:
    """The bug, story or fleetd release QA issue a result calls for (handbook wording).

    `exclude`: fleetd components already covered by an issue, left out of a new one.
    """
    if result.status != Status.OUTDATED or result.action not in FILEABLE:
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


def _mirror_open_issue(titles: list[str]) -> Issue | None:
    query = Q()
    for title in titles:
        query |= Q(title__iexact=title)
    return (
        Issue.objects.open()
        .issues()
        .filter(query, repository__full_name=settings.GITHUB_REPOSITORY)
        .order_by("number")
        .first()
    )


def _issue_link(
    draft: IssueDraft, *, actor: Any, write: GitHubWrite | None, issue: Issue | None
) -> DependencyIssue:
    number = issue.number if issue is not None else None
    html_url = issue.html_url if issue is not None else ""
    if write is not None and isinstance(write.response, dict):
        number = write.response.get("number") or number
        html_url = write.html_url or html_url
    first: DependencyIssue | None = None
    for check, version in draft.targets:
        defaults = {
            "title": draft.title,
            "write": write,
            "number": number,
            "html_url": html_url,
            "linked_existing": write is None,
            "filed_by": actor if actor is not None and actor.is_authenticated else None,
            "filed_at": timezone.now(),
        }
        try:
            row, _ = DependencyIssue.objects.update_or_create(
                check_name=check, version=version, defaults=defaults
            )
        except IntegrityError:  # the same click on another worker, a moment earlier
            row = DependencyIssue.objects.get(check_name=check, version=version)
        first = first or row
    assert first is not None
    return first


def _issues_settled(
    keys: list[tuple[str, str]], *, live: bool
) -> dict[tuple[str, str], DependencyIssue]:
    """The issues already filed for these (check, version)s; a dry run's stop counting once live."""
    rows = DependencyIssue.objects.filter(
        Q(*[Q(check_name=c, version=v) for c, v in keys], _connector=Q.OR)
    ).select_related("write")
    return {(r.check_name, r.version): r for r in rows if not (live and r.dry_run)}


def dependency_issue_file(
    *, result: DependencyCheckResult, actor: AbstractBaseUser | None
) -> DependencyIssue:
    """File the bug, story or fleetd QA issue a result calls for; never the same one twice.

    An issue filed before for the same dependency and version (by fleetops, keyed
    `depcheck:<check>:<latest>`), or an open issue with the same title in the mirror, is
    returned instead. A dry-run record does not count once writes are on: then it is filed.
    """
    release = result.run.release
    _ensure_can_act(actor, release, "file issues for the dependency checks")
    if result.status != Status.OUTDATED or result.action not in FILEABLE:
        raise DependencyCheckError(
            f"{check_label(result.check_name)} is {result.get_status_display()}: nothing to file."
        )
    live = settings.FLEETOPS_GITHUB_WRITE
    own = (result.check_name, issue_version(result))
    settled = _issues_settled([own], live=live)
    if own in settled:
        return settled[own]
    draft = dependency_issue_draft(result=result)
    if len(draft.targets) > 1:  # fleetd: a component already covered stays out of this one
        covered = _issues_settled(draft.targets, live=live)
        if covered:
            draft = dependency_issue_draft(result=result, exclude=set(covered))
    existing = _mirror_open_issue(draft.titles)
    if existing is not None:
        return _issue_link(draft, actor=actor, write=None, issue=existing)
    if live:  # a rehearsal's record must not stand in for the real filing
        GitHubWrite.objects.filter(
            dedupe_key=draft.dedupe_key, status=GitHubWrite.Status.DRY_RUN
        ).update(dedupe_key=None)
    write = gateway.issue_create(
        title=draft.title,
        body=draft.body,
        labels=draft.labels,
        assignees=draft.assignees,
        reason=f"dependency check {draft.check}: {result.current} -> {result.latest}",
        actor=actor,
        dedupe_key=draft.dedupe_key,
    )
    if write.status == GitHubWrite.Status.FAILED:
        raise DependencyCheckError(f"GitHub did not take the issue: {write.error}")
    link = _issue_link(draft, actor=actor, write=write, issue=None)
    if release is not None:
        _activity(
            release,
            kind="dependency-issue",
            actor=actor,
            message=(
                f"{_user_name(actor)} filed “{draft.title}”"
                + (f" (#{link.number})" if link.number else "")
                + (" — dry run: nothing was written to GitHub." if not live else ".")
            ),
        )
    return link


# -- acknowledgements and the feeds ----------------------------------------------------------


def _activity(release: Release, *, kind: str, actor: Any, message: str, announce: bool = False):
    from releases.services import activity_record  # the release's activity feed

    return activity_record(
        release=release, kind=kind, message=message, actor=actor, announce=announce
    )


@transaction.atomic
def dependency_check_acknowledge(
    *, result: DependencyCheckResult, actor: AbstractBaseUser | None, note: str
) -> DependencyAcknowledgement:
    """The DRI acknowledges a release-blocking check (go / no-go: passed or acknowledged)."""
    release = result.run.release
    if release is None:
        raise DependencyCheckError(
            "This run is not for a release: there is nothing to acknowledge."
        )
    _ensure_can_act(actor, release, "acknowledge a release-blocking check")
    if not (result.status == Status.OUTDATED and result.release_blocker):
        raise DependencyCheckError(
            f"{check_label(result.check_name)} is not a release blocker: nothing to acknowledge."
        )
    note = note.strip()
    if not note:
        raise DependencyCheckError("Say why the release can go ahead with it.")
    acknowledgement, created = DependencyAcknowledgement.objects.get_or_create(
        release=release,
        check_name=result.check_name,
        latest=result.latest,
        defaults={"note": note, "by": actor, "at": timezone.now()},
    )
    if created:
        _activity(
            release,
            kind="dependency-ack",
            actor=actor,
            message=(
                f"{_user_name(actor)} acknowledged the release blocker "
                f"{check_label(result.check_name)} {result.current} → {result.latest}: {note}"
            ),
        )
    return acknowledgement


@transaction.atomic
def dependency_feeds_confirm(
    *,
    release: Release,
    actor: AbstractBaseUser | None,
    note: str = "",
    may_affect_feeds: bool = False,
) -> FeedConfirmation:
    """Handbook, vulnerability data sources: the DRI checked NVD and CISA; if an announcement
    may impact feed availability, notify the on-call engineer, whose responsibility it is to
    investigate and file a bug or take further action as necessary."""
    _ensure_can_act(actor, release, "confirm the vulnerability feeds")
    note = note.strip()
    if may_affect_feeds and not note:
        raise DependencyCheckError("Say which announcement may affect the feeds.")
    oncall = oncall_person() if may_affect_feeds else None
    confirmation = FeedConfirmation.objects.create(
        release=release,
        confirmed_by=actor if actor is not None and actor.is_authenticated else None,
        at=timezone.now(),
        note=note,
        may_affect_feeds=may_affect_feeds,
        oncall_notified=oncall,
    )
    who = _user_name(actor)
    if may_affect_feeds:
        to = (
            f"@{oncall.github_login} ({oncall.name}, on call)" if oncall else "the on-call engineer"
        )
        message = (
            f"Vulnerability feeds for Fleet v{release.version}: {who} found an announcement that "
            f"may impact our NVD or CISA data feed: {note} {to}: it is your responsibility to "
            "investigate and file a bug or take further action as necessary."
        )
        if oncall is None:
            message += " (No on-call engineer is known to fleetops: tell them directly.)"
    else:
        message = (
            f"{who} checked the NVD and CISA announcements for Fleet v{release.version}: "
            "nothing that might impact our data feeds." + (f" {note}" if note else "")
        )
    _activity(
        release, kind="dependency-feeds", actor=actor, message=message, announce=may_affect_feeds
    )
    return confirmation
