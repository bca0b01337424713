"""Branches on demand: a branch's head commit, and the open pull requests against it.

The release board asks these of a release candidate's branch; the answers are stored in the
mirror (BranchHead, Issue.base_ref), so pages read the database, never GitHub.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from fleetops.github.client import GitHubClient, GitHubMalformedResponse
from fleetops.github.models import BranchHead, Issue
from fleetops.github.stamp import mirror_changed
from fleetops.github.upsert import parse_time, repository_get


def branch_head_refresh(*, branch: str, client: GitHubClient | None = None) -> BranchHead:
    """Read a branch's head commit from GitHub (404 raises GitHubNotFound)."""
    repository = repository_get(settings.GITHUB_REPOSITORY)
    with GitHubClient.borrowed_or_new(client) as github:
        # GET /commits/{ref} takes a branch name and answers with its newest commit.
        commit, _ = github.get(f"/repos/{repository.full_name}/commits/{branch}")
    if not isinstance(commit, dict) or not isinstance(commit.get("sha"), str):
        raise GitHubMalformedResponse(f"branch {branch}: the answer has no commit sha")
    inner = commit.get("commit") or {}
    when = parse_time((inner.get("committer") or inner.get("author") or {}).get("date"))
    before = BranchHead.objects.filter(repository=repository, name=branch).first()
    head, _ = BranchHead.objects.update_or_create(
        repository=repository,
        name=branch,
        defaults={"sha": commit["sha"], "committed_at": when, "fetched_at": timezone.now()},
    )
    if before is None or before.sha != head.sha:
        mirror_changed()
    return head


@transaction.atomic
def pulls_against_refresh(*, base: str, client: GitHubClient | None = None) -> list[int]:
    """Record which open PRs target `base` (one listing); returns their numbers."""
    repository = repository_get(settings.GITHUB_REPOSITORY)
    numbers: list[int] = []
    with GitHubClient.borrowed_or_new(client) as github:
        for page in github.pages(
            f"/repos/{repository.full_name}/pulls", params={"state": "open", "base": base}
        ):
            numbers.extend(
                pull["number"]
                for pull in page.items or []
                if isinstance(pull, dict) and isinstance(pull.get("number"), int)
            )
    prs = Issue.objects.filter(repository=repository, is_pull_request=True)
    left = prs.filter(base_ref=base).exclude(number__in=numbers).update(base_ref="")
    if left + prs.filter(number__in=numbers).exclude(base_ref=base).update(base_ref=base):
        mirror_changed()
    return numbers
