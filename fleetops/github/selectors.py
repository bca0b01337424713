"""Reads of the mirror for pages and commands."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Count, Q

from fleetops.github.models import Issue, IssueComment, Label, Milestone, Repository, SyncRun, Tag


def mirror_counts(repository_name: str | None = None) -> dict[str, int]:
    """What the mirror holds for the product repository (deleted/transferred excluded)."""
    repository = Repository.objects.filter(
        full_name=repository_name or settings.GITHUB_REPOSITORY
    ).first()
    if repository is None:
        return dict.fromkeys(
            ("issues", "pull_requests", "comments", "labels", "milestones", "tags"), 0
        )
    kinds = (
        Issue.objects.present()
        .filter(repository=repository)
        .aggregate(
            issues=Count("pk", filter=Q(is_pull_request=False)),
            pull_requests=Count("pk", filter=Q(is_pull_request=True)),
        )
    )
    return {
        "issues": kinds["issues"],
        "pull_requests": kinds["pull_requests"],
        "comments": IssueComment.objects.filter(repository=repository).count(),
        "labels": Label.objects.filter(repository=repository).count(),
        "milestones": Milestone.objects.filter(repository=repository).count(),
        "tags": Tag.objects.filter(repository=repository).count(),
    }


def sync_run_latest() -> SyncRun | None:
    """The newest sync run that did something (skipped runs are noise)."""
    return (
        SyncRun.objects.exclude(outcome=SyncRun.Outcome.SKIPPED)
        .select_related("repository")
        .order_by("-started_at", "-pk")
        .first()
    )


def sync_run_recent(limit: int = 20) -> list[SyncRun]:
    return list(SyncRun.objects.select_related("repository").order_by("-started_at", "-pk")[:limit])


def sync_run_since(after: int) -> SyncRun | None:
    """The run a "Sync now" started: newer than run `after`, or one still running (which
    made the new one "skipped"); None while the sync is only queued."""
    latest = sync_run_latest()
    if latest is None:
        return None
    if latest.pk > after or latest.outcome == SyncRun.Outcome.RUNNING:
        return latest
    return None
