"""Writes of the rituals: fetching the YAML files, filing the auto-issues of due rituals."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from fleetops.core.errors import error_sentence
from fleetops.github.client import GitHubClient, GitHubError
from fleetops.github.files import file_content_at
from fleetops.github.gateway import github_write
from fleetops.github.models import GitHubWrite
from rituals.models import RitualFile, RitualIssue
from rituals.rules import Ritual
from rituals.selectors import ritual_catalogue

logger = logging.getLogger(__name__)

# GitHub's default branch of the product repository (fleetdm/fleet's is `main`).
DEFAULT_BRANCH = "main"


@dataclass(frozen=True)
class FetchOutcome:
    path: str
    ok: bool
    message: str


def ritual_files_fetch(*, client: GitHubClient | None = None) -> list[FetchOutcome]:
    """Read each configured rituals file from the default branch, conditionally (ETag).

    A 304 keeps the stored copy; a failure is recorded on the file and its previous copy
    stays, so the page keeps working while GitHub is down.
    """
    with GitHubClient.borrowed_or_new(client) as github:
        return [_fetch_one(path, github) for path in settings.FLEETOPS_RITUALS_FILES]


def _fetch_one(path: str, client: GitHubClient) -> FetchOutcome:
    ritual_file, _ = RitualFile.objects.get_or_create(path=path)
    now = timezone.now()
    try:
        content = file_content_at(
            repository_name=settings.GITHUB_REPOSITORY,
            path=path,
            ref=DEFAULT_BRANCH,
            client=client,
        )
    except GitHubError as exc:
        logger.warning("rituals file %s not read", path, exc_info=exc)
        error = error_sentence(exc)
        message = f"{path}: not read: {error}"
        RitualFile.objects.filter(pk=ritual_file.pk).update(
            attempted_at=now, error=error, error_at=now
        )
        return FetchOutcome(path, False, message)
    RitualFile.objects.filter(pk=ritual_file.pk).update(content=content, attempted_at=now, error="")
    return FetchOutcome(path, True, f"{path}: read (blob {content.blob_sha[:7]}).")


# -- filing the auto-issues --------------------------------------------------------------------


@dataclass(frozen=True)
class FilingOutcome:
    """What happened to one due ritual's issue: filed, already-filed, dry-run, in-flight, failed."""

    ritual: Ritual
    due_on: dt.date
    outcome: str
    number: int | None = None
    html_url: str = ""
    error: str = ""

    def __str__(self) -> str:
        what = {
            "filed": f"filed #{self.number}",
            "already-filed": f"already filed (#{self.number})",
            "dry-run": "dry run: would be filed (FLEETOPS_GITHUB_WRITE is off)",
            "in-flight": "being filed by another run",
            "failed": f"failed: {self.error}",
        }[self.outcome]
        return f"{self.ritual.task} (due {self.due_on:%Y-%m-%d}): {what}"


def ritual_issue_target(ritual: Ritual) -> str:
    """`owner/repo` of a ritual's auto-issue: the owner of GITHUB_REPOSITORY, autoIssue.repo."""
    owner = settings.GITHUB_REPOSITORY.split("/", 1)[0]
    assert ritual.auto_issue is not None
    return f"{owner}/{ritual.auto_issue.repo}"


def ritual_issue_payload(ritual: Ritual) -> dict[str, Any]:
    """title = the task, body = description then moreInfoUrl, labels, assignees = [dri]."""
    assert ritual.auto_issue is not None
    return {
        "title": ritual.task,
        "body": ritual.issue_body(),
        "labels": list(ritual.auto_issue.labels),
        "assignees": [ritual.dri] if ritual.dri else [],
    }


def _dedupe_key(ritual: Ritual, due_on: dt.date) -> str:
    digest = hashlib.sha256(f"{ritual.file}\0{ritual.task}".encode()).hexdigest()[:24]
    return f"ritual:{digest}:{due_on:%Y-%m-%d}"


def _record(ritual: Ritual, due_on: dt.date, write: GitHubWrite, target: str) -> FilingOutcome:
    number = write.response.get("number") if isinstance(write.response, dict) else None
    if not isinstance(number, int):
        return FilingOutcome(ritual, due_on, "failed", error="GitHub's answer has no number")
    issue, created = RitualIssue.objects.get_or_create(
        file=ritual.file,
        task=ritual.task,
        due_on=due_on,
        defaults={"repo": target, "number": number, "html_url": write.html_url, "write": write},
    )
    outcome = "filed" if created else "already-filed"
    return FilingOutcome(ritual, due_on, outcome, issue.number, issue.html_url)


def ritual_issue_file(
    *, ritual: Ritual, due_on: dt.date, actor: AbstractBaseUser | None = None
) -> FilingOutcome:
    """File one ritual's issue for a due date through the gateway, exactly once.

    Once per ritual and due date whatever runs it (a second run, the beat task, a retry,
    two runs at once): the gateway's dedupe key lets one real write through, and the
    `RitualIssue` row (unique per ritual and due date) is recorded only from a real,
    successful write. A dry run is a preview: it never marks the ritual as filed.
    """
    existing = RitualIssue.objects.filter(file=ritual.file, task=ritual.task, due_on=due_on).first()
    if existing is not None:
        return FilingOutcome(ritual, due_on, "already-filed", existing.number, existing.html_url)
    target = ritual_issue_target(ritual)
    write = github_write(
        # The gateway mirrors what `issue.create` answers into the product repository's
        # mirror: only when the issue is filed there.
        action="issue.create" if target == settings.GITHUB_REPOSITORY else "issue.create-other",
        method="POST",
        path=f"/repos/{target}/issues",
        payload=ritual_issue_payload(ritual),
        reason=f"ritual “{ritual.task}” due {due_on:%Y-%m-%d}"[:300],
        actor=actor,
        dedupe_key=_dedupe_key(ritual, due_on),
    )
    if write.status == GitHubWrite.Status.DONE:
        return _record(ritual, due_on, write, target)
    if write.status == GitHubWrite.Status.DRY_RUN:
        return FilingOutcome(ritual, due_on, "dry-run")
    if write.status == GitHubWrite.Status.PENDING:
        return FilingOutcome(ritual, due_on, "in-flight")
    return FilingOutcome(ritual, due_on, "failed", error=write.error or "GitHub did not take it")


def ritual_issues_file(
    *, day: dt.date, actor: AbstractBaseUser | None = None
) -> list[FilingOutcome]:
    """File the issue of every ritual with `autoIssue` due on `day` (once each)."""
    catalogue = ritual_catalogue()
    return [
        ritual_issue_file(ritual=ritual, due_on=day, actor=actor)
        for ritual in catalogue.rituals
        if ritual.auto_issue is not None and ritual.due_on(day)
    ]
