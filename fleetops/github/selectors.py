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
        return dict.fromkeys(mirror_counts_keys(), 0)
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


def mirror_counts_recorded() -> tuple[dict[str, int], SyncRun | None]:
    """What the mirror held at the end of the last good sync, and that run.

    Counting the whole history costs what the history costs (1.2 million comments at
    400,000 issues); the sync counts once when it finishes, the page reads one row. Before
    any sync has recorded counts, they are counted now (an empty or young mirror).
    """
    run = (
        SyncRun.objects.filter(
            repository__full_name=settings.GITHUB_REPOSITORY,
            outcome=SyncRun.Outcome.OK,
            kind__in=[SyncRun.Kind.INCREMENTAL, SyncRun.Kind.FULL],
        )
        .exclude(counts={})
        .order_by("-finished_at", "-pk")
        .first()
    )
    if run is None:
        return mirror_counts(), None
    return {key: int(run.counts.get(key) or 0) for key in mirror_counts_keys()}, run


def mirror_counts_keys() -> tuple[str, ...]:
    return ("issues", "pull_requests", "comments", "labels", "milestones", "tags")


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
