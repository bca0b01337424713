"""Celery tasks of the rituals: thin, idempotent wrappers around services."""

from __future__ import annotations

import datetime as dt

from celery import shared_task

from fleetops.github.client import GitHubTransientError
from rituals.selectors import rituals_today
from rituals.services import ritual_files_fetch, ritual_issues_file


@shared_task(acks_late=True)
def ritual_files_fetch_task() -> str:
    """Read the rituals files again (a 304 keeps the stored copy). Safe to run twice."""
    outcomes = ritual_files_fetch()
    return "; ".join(o.message for o in outcomes) or "no rituals files configured"


@shared_task(bind=True, acks_late=True, max_retries=6)
def ritual_issues_file_task(self, day: str | None = None) -> str:
    """File the auto-issues of the rituals due on `day` (default today, UTC), once each.

    Safe to run twice and to retry: each ritual's issue is filed once per due date. A retry
    keeps the day it started with, even when it runs after midnight.
    """
    when = dt.date.fromisoformat(day) if day else rituals_today()
    ritual_files_fetch()  # a failure is recorded; the stored copy is used
    outcomes = ritual_issues_file(day=when)
    unfinished = [o for o in outcomes if o.outcome in ("failed", "in-flight")]
    if unfinished:
        exc = GitHubTransientError("; ".join(str(o) for o in unfinished))
        countdown = min(60 * 2**self.request.retries, 3600)
        raise self.retry(exc=exc, countdown=countdown, kwargs={"day": when.isoformat()})
    return "; ".join(str(o) for o in outcomes) or f"no auto-issue due on {when:%Y-%m-%d}"
