"""Celery tasks of releases and their candidates (imported by releases/tasks.py).

The registered names predate the package (`releases.release_tasks.…`): they stay, so queued
tasks and the beat schedule in settings still resolve.
"""

from __future__ import annotations

import logging

from celery import shared_task

from fleetops.github.client import GitHubError
from releases.board.models import Release
from releases.board.services import (
    ReleaseError,
    release_candidate_cut,
    release_candidate_due,
    release_candidate_head_refresh,
)

logger = logging.getLogger(__name__)


@shared_task(name="releases.release_tasks.release_candidate_cut_due_task", acks_late=True)
def release_candidate_cut_due_task() -> str:
    """Cut the RC of each release whose sprint's last Friday 8:00 AM Pacific has come.

    Handbook, "Create a release candidate". Safe to run twice: a release has one RC.
    """
    cut = []
    for release in release_candidate_due():
        try:
            candidate = release_candidate_cut(release=release, trigger="schedule")
        except ReleaseError as exc:
            logger.warning("RC of %s not cut: %s", release.version, exc)
            continue
        cut.append(candidate.branch)
    return f"cut {', '.join(cut)}" if cut else "no release candidate due"


@shared_task(name="releases.release_tasks.release_candidate_watch_task", acks_late=True)
def release_candidate_watch_task() -> str:
    """Refresh in-flight RC branches' heads and PRs (sign-offs go stale on new commits)."""
    changed = []
    for release in Release.objects.in_flight().filter(candidate__isnull=False):
        try:
            if release_candidate_head_refresh(release=release):
                changed.append(release.version)
        except GitHubError as exc:
            logger.warning("RC of %s not refreshed: %s", release.version, exc)
    return f"changed: {', '.join(changed)}" if changed else "no change"
