"""What the dependency checks read: the Go release list, the mirror, files at a ref, on-call.

The Go release list comes from `GO_RELEASES_URL` (the go.dev/dl JSON format, 10 s timeout);
the watched repositories' releases and the product's tags from the mirror; `go.mod` and the
osquery workflow through the cached contents endpoint (`fleetops/github/files.py`); the
on-call engineer from the on-call app. An input that cannot be had becomes a `Failed` (or
`Unavailable`), so the check records "error" with the reason and the others still run.

The findings read straight from these inputs (macadmins-extension and osquery against their
newest releases, fleetd's changes since its tags, the feeds' confirmation) are made here
too, by the pure rules in `rules.py`.
"""

from __future__ import annotations

import logging
from typing import Any

import requests
from django.conf import settings
from django.utils import timezone

from fleetops.core.errors import error_report
from fleetops.github.client import (
    GitHubClient,
    GitHubError,
    GitHubNotFound,
    GitHubTransientError,
)
from fleetops.github.files import comparison_between, file_content_at
from fleetops.github.models import BranchHead, ExternalRelease, Tag
from fleetops.org.models import Person, process_time_zone
from fleetops.org.roles import display_name
from oncall.schedule import selectors as oncall_selectors
from releases.board.models import Release, ReleaseCandidate
from releases.dependencies import rules
from releases.dependencies.models import FeedConfirmation
from releases.dependencies.rules import (
    DEFAULT_BRANCH,
    FLEETD_COMPONENTS,
    WATCHED_EXTENSION,
    WATCHED_OSQUERY,
    Check,
    Failed,
    Finding,
    error_finding,
    macadmins_finding,
    osquery_finding,
)
from releases.dependencies.versions import (
    MACADMINS_MODULE,
    OSQUERY_WORKFLOW,
    ParseError,
    Version,
    parse_go_releases,
    parse_go_require,
    parse_osquery_pin,
    parse_version,
)

GO_RELEASES_TIMEOUT = 10
logger = logging.getLogger(__name__)


class GoReleasesError(Exception):
    """The Go release list could not be read or understood."""

    service = "the Go release list"

    def __init__(self, message: str, *, transient: bool = False, cause: str = "") -> None:
        super().__init__(message)
        self.transient = transient
        self.cause = cause  # the root cause, when the list could not be reached at all


class Unavailable(Exception):
    """An input a check needs is not to be had; `failed` says why."""

    def __init__(self, failed: Failed) -> None:
        super().__init__(failed.reason)
        self.failed = failed


def go_releases_fetch(*, url: str | None = None) -> list[Version]:
    """The stable Go releases from GO_RELEASES_URL (the go.dev/dl JSON format); 10 s timeout."""
    url = url or settings.GO_RELEASES_URL
    try:
        response = requests.get(
            url, timeout=GO_RELEASES_TIMEOUT, headers={"Accept": "application/json"}
        )
    except requests.RequestException as exc:
        logger.warning("Go release list not read from %s", url, exc_info=exc)
        report = error_report(exc, service="the Go release list")
        raise GoReleasesError(report.sentence, transient=True, cause=report.parenthetical) from exc
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
        raise Unavailable(
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
        raise Unavailable(Failed(f"the mirror has no {prefix}* tags — run sync_github"))
    return max(found, key=lambda pair: pair[0])[1]


def github_failed(exc: GitHubError, what: str) -> Failed:
    """A GitHub error as a check's reason, its root cause kept apart (`cause`): the checks that
    failed for the same one are reported once. Transient ones say to run the checks again."""
    if isinstance(exc, GitHubNotFound):
        return Failed(f"GitHub has no {what} (404)")
    logger.warning("dependency checks: %s not read", what, exc_info=exc)
    cause = error_report(exc, service="GitHub").parenthetical
    if isinstance(exc, GitHubTransientError):
        return Failed(f"Could not read {what}: {cause}. Run the checks again.", True, cause)
    return Failed(f"Could not read {what}: {cause}.", cause=cause)


def file_text(path: str, ref: str, client: GitHubClient) -> str | Failed:
    """The file's text at `ref`, or why it could not be read."""
    try:
        return file_content_at(
            repository_name=settings.GITHUB_REPOSITORY, path=path, ref=ref, client=client
        ).text
    except GitHubError as exc:
        return github_failed(exc, f"{path} at {ref}")


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


def oncall_person() -> Person | None:
    """The current on-call engineer (handbook: the checks' bugs are assigned to them too)."""
    return oncall_selectors.oncall_person_now()


# -- findings straight from what was read ------------------------------------------------------


def feeds_finding(*, confirmation: FeedConfirmation | None, release: Release | None) -> Finding:
    """Handbook, vulnerability data sources: check NVD and CISA for announcements (by hand)."""
    if confirmation is None:
        return rules.feeds_finding_of(confirmed=None, for_release=release is not None)
    when = timezone.localtime(confirmation.at, process_time_zone())
    confirmed = (
        f"Confirmed by {display_name(confirmation.confirmed_by)} on {when:%b %-d, %H:%M %Z}."
    )
    if confirmation.note:
        confirmed += f" {confirmation.note}"
    told = confirmation.oncall_notified
    return rules.feeds_finding_of(
        confirmed=confirmed,
        may_affect_feeds=confirmation.may_affect_feeds,
        oncall=told.name if told else None,
    )


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
    return rules.fleetd_finding(
        check=check,
        tag=tag,
        ref=ref,
        files=files,
        commits=commits,
        total_commits=total_commits,
        repository=settings.GITHUB_REPOSITORY,
    )


def macadmins_findings(go_mod: str | Failed, ref: str) -> list[Finding]:
    """macadmins-extension as go.mod requires it, against its newest release in the mirror."""
    if isinstance(go_mod, Failed):
        return [error_finding(Check.MACADMINS, go_mod)]
    try:
        pinned = parse_go_require(go_mod, MACADMINS_MODULE)
    except ParseError as exc:
        return [error_finding(Check.MACADMINS, Failed(str(exc)))]
    tag, version = external_release_newest(WATCHED_EXTENSION)
    return [macadmins_finding(pinned=pinned, latest_tag=tag, latest=version, ref=ref)]


def osquery_findings(workflow: str | Failed, ref: str) -> list[Finding]:
    """osquery as the workflow pins it, against its newest release in the mirror."""
    if isinstance(workflow, Failed):
        return [error_finding(Check.OSQUERY, workflow)]
    try:
        pinned = parse_osquery_pin(workflow, OSQUERY_WORKFLOW)
    except ParseError as exc:
        return [error_finding(Check.OSQUERY, Failed(str(exc)))]
    tag, version = external_release_newest(WATCHED_OSQUERY)
    return [osquery_finding(pinned=pinned, latest_tag=tag, latest=version, ref=ref)]


def fleetd_findings(check: str, ref: str, client: GitHubClient) -> list[Finding]:
    """What changed under a fleetd component since its newest tag (a GitHub comparison)."""
    prefix, _ = FLEETD_COMPONENTS[check]
    tag = fleetd_tag_newest(prefix)
    try:
        comparison = comparison_between(
            repository_name=settings.GITHUB_REPOSITORY, base=tag, head=ref, client=client
        )
    except GitHubError as exc:
        return [error_finding(check, github_failed(exc, f"a comparison {tag}...{ref}"))]
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


def feeds_confirmation(release: Release | None) -> FeedConfirmation | None:
    """The DRI's confirmation that the feeds' announcements were checked, if any."""
    if release is None:
        return None
    return (
        FeedConfirmation.objects.filter(release=release)
        .select_related("confirmed_by", "oncall_notified")
        .first()
    )
