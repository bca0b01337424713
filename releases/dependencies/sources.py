"""What the dependency checks read: the Go release list, the mirror, files at a ref, on-call.

The Go release list comes from `GO_RELEASES_URL` (the go.dev/dl JSON format, 10 s timeout);
the watched repositories' releases and the product's tags from the mirror; `go.mod` and the
osquery workflow through the cached contents endpoint (`fleetops/github/files.py`); the
on-call engineer from the on-call app. An input that cannot be had becomes a `Failed` (or
`Unavailable`), so the check records "error" with the reason and the others still run.
"""

from __future__ import annotations

import logging

import requests
from django.conf import settings

from fleetops.github.client import (
    GitHubClient,
    GitHubError,
    GitHubNotFound,
    GitHubTransientError,
)
from fleetops.github.files import file_content_at
from fleetops.github.models import BranchHead, ExternalRelease, Tag
from fleetops.org.models import Person
from oncall import selectors as oncall_selectors
from releases.board.models import Release, ReleaseCandidate
from releases.dependencies.rules import DEFAULT_BRANCH, Failed
from releases.dependencies.versions import ParseError, Version, parse_go_releases, parse_version

logger = logging.getLogger(__name__)

GO_RELEASES_TIMEOUT = 10


class GoReleasesError(Exception):
    """The Go release list could not be read or understood."""

    def __init__(self, message: str, *, transient: bool = False) -> None:
        super().__init__(message)
        self.transient = transient


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
    """A GitHub error as a check's reason (transient ones say to run the checks again)."""
    if isinstance(exc, GitHubNotFound):
        return Failed(f"GitHub has no {what} (404)")
    if isinstance(exc, GitHubTransientError):
        return Failed(f"GitHub did not answer for {what}: {exc}; run the checks again", True)
    return Failed(f"GitHub refused {what}: {exc}")


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
