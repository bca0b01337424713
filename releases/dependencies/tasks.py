"""Celery tasks of the pre-release dependency checks (imported by releases/tasks.py).

The registered name predates the package (`releases.dependency_tasks.…`): it stays, so
queued tasks and the beat schedule in settings still resolve.
"""

from __future__ import annotations

from celery import shared_task
from django.contrib.auth import get_user_model

from releases.board.models import Release
from releases.board.selectors import release_current
from releases.dependencies.models import DependencyCheckRun
from releases.dependencies.services import dependency_checks_run, run_summary

SCHEDULED_RETRIES = 2
RETRY_AFTER = 15 * 60


@shared_task(
    name="releases.dependency_tasks.dependency_checks_run_task",
    bind=True,
    acks_late=True,
    max_retries=SCHEDULED_RETRIES,
)
def dependency_checks_run_task(
    self, release_id: int | None = None, trigger: str = "schedule", actor_id: int | None = None
) -> str:
    """Handbook, "Confirm latest versions of dependencies": run the checks for a release.

    Without a release id, for the current release (daily, from beat). Safe to run twice: a
    run already in progress for the release makes this one "skipped". A scheduled run whose
    checks failed only because GitHub or go.dev did not answer runs again 15 minutes later.
    """
    if release_id is not None:
        release = Release.objects.filter(pk=release_id).first()
        if release is None:
            return f"release {release_id} not found: no dependency checks"
    else:
        release = release_current()
    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    run = dependency_checks_run(release=release, trigger=trigger, actor=actor)
    if (
        trigger == "schedule"
        and run.outcome == DependencyCheckRun.Outcome.PARTIAL
        and self.request.retries < SCHEDULED_RETRIES
        and all(
            (result.data or {}).get("transient") for result in run.results.filter(status="error")
        )
    ):
        raise self.retry(countdown=RETRY_AFTER)
    return run_summary(run)
