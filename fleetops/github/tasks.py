"""Celery tasks of the GitHub mirror: thin, idempotent wrappers around services."""

from __future__ import annotations

from celery import shared_task
from django.db import InterfaceError, OperationalError

from fleetops.core.errors import error_sentence
from fleetops.github.boards.rules import BoardAnswerError
from fleetops.github.boards.services import boards_sync
from fleetops.github.client import GitHubPermanentError, GitHubRateLimited, GitHubTransientError
from fleetops.github.locks import SyncLocked
from fleetops.github.signals import mirror_synced_send
from fleetops.github.summaries import summaries_refresh_now
from fleetops.github.sync import repository_sync, tag_dates_backfill
from fleetops.github.upsert import MalformedPayload
from fleetops.github.webhooks import (
    WebhookDeliveryConflict,
    webhook_deliveries_unprocessed,
    webhook_delivery_give_up,
    webhook_delivery_process,
)

# A database blip (a failover, a restart): try again shortly instead of dropping the work.
DATABASE_ERRORS = (OperationalError, InterfaceError)

MAX_RATE_LIMIT_WAIT = 3600


@shared_task(bind=True, max_retries=8, acks_late=True)
def repository_sync_task(self, full: bool = False, trigger: str = "schedule") -> str:
    """Sync the product repository's mirror. Safe to run twice; skips if a sync is running.

    A rate limit retries after GitHub's reset time (the worker does not sleep); a 5xx or a
    timeout retries with exponential backoff; anything else is recorded on the SyncRun.
    """
    try:
        run = repository_sync(full=full, trigger=trigger)
    except GitHubRateLimited as exc:
        raise self.retry(
            exc=exc, countdown=min(exc.retry_after or 60, MAX_RATE_LIMIT_WAIT)
        ) from exc
    except (GitHubTransientError, *DATABASE_ERRORS) as exc:
        raise self.retry(exc=exc, countdown=min(30 * 2**self.request.retries, 1800)) from exc
    except (GitHubPermanentError, MalformedPayload, SyncLocked) as exc:
        return f"sync failed: {error_sentence(exc)}"
    if run.outcome == "ok":
        mirror_synced_send(trigger="sync")
    return (
        f"sync {run.outcome}: {run.requests} requests, {run.created} created, {run.updated} updated"
    )


@shared_task(bind=True, max_retries=6, acks_late=True)
def webhook_delivery_process_task(self, delivery_id: int) -> str:
    """Apply one stored webhook delivery to the mirror. Safe to run twice.

    A GitHub 5xx, timeout or rate limit (reading a new PR or tag) or a row the sync created
    at the same moment retries with backoff; after the last retry the outcome says so.
    """
    try:
        delivery = webhook_delivery_process(delivery_id)
    except DATABASE_ERRORS as exc:
        raise self.retry(exc=exc, countdown=min(10 * 2**self.request.retries, 600)) from exc
    except (GitHubTransientError, WebhookDeliveryConflict) as exc:
        if self.request.retries >= self.max_retries:
            delivery = webhook_delivery_give_up(delivery_id, reason=str(exc))
        else:
            wait = exc.retry_after if isinstance(exc, GitHubRateLimited) else None
            countdown = min(wait or 10 * 2**self.request.retries, MAX_RATE_LIMIT_WAIT)
            raise self.retry(exc=exc, countdown=countdown) from exc
    if delivery is None:
        return f"webhook delivery {delivery_id} not found"
    if delivery.event in ("milestone", "create") and delivery.outcome.startswith("applied"):
        mirror_synced_send(trigger="webhook")  # a new or closed milestone, a new tag
    return f"webhook {delivery.event} {delivery.delivery_id}: {delivery.outcome}"


@shared_task(acks_late=True)
def tag_dates_backfill_task() -> str:
    """Date a batch of undated tags (newest of each family first). Safe to run twice."""
    try:
        dated = tag_dates_backfill()
    except GitHubTransientError as exc:
        return f"tag dates deferred: {error_sentence(exc)}"
    return f"dated {dated} tag(s)"


@shared_task(acks_late=True)
def webhook_deliveries_sweep_task() -> str:
    """Queue the stored deliveries that were never processed (Redis was down when they
    arrived). Safe to run twice: processing a delivery twice is a no-op."""
    pending = webhook_deliveries_unprocessed()
    for delivery_id in pending:
        webhook_delivery_process_task.delay(delivery_id)
    return f"{len(pending)} webhook deliveries queued again"


@shared_task(bind=True, max_retries=6, acks_late=True)
def boards_sync_task(self, trigger: str = "schedule") -> str:
    """Sync the configured Projects boards. Safe to run twice; skips while one is running."""
    try:
        run = boards_sync(trigger=trigger)
    except GitHubRateLimited as exc:
        raise self.retry(
            exc=exc, countdown=min(exc.retry_after or 60, MAX_RATE_LIMIT_WAIT)
        ) from exc
    except (GitHubTransientError, *DATABASE_ERRORS) as exc:
        raise self.retry(exc=exc, countdown=min(30 * 2**self.request.retries, 1800)) from exc
    except (GitHubPermanentError, BoardAnswerError) as exc:
        return f"boards sync failed: {error_sentence(exc)}"
    if run is None:
        return "boards sync: no boards configured"
    return f"boards sync {run.outcome}: {run.requests} requests, {run.rows} rows changed"


@shared_task(acks_late=True)
def mirror_summaries_refresh_task() -> str:
    """Recompute what pages store per mirror stamp, after a change (queued by the stamp)."""
    return "mirror summaries: " + "; ".join(summaries_refresh_now())
