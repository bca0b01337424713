"""The mirror's pages: sync status, recent runs, and the staff "Sync now" button."""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST, require_safe
from kombu.exceptions import OperationalError as BrokerError

from fleetops.github.boards.selectors import board_summaries
from fleetops.github.selectors import mirror_counts_recorded, sync_run_latest, sync_run_recent
from fleetops.github.tasks import repository_sync_task

logger = logging.getLogger(__name__)


@require_safe
def sync_index(request: HttpRequest) -> HttpResponse:
    counts, counted_by = mirror_counts_recorded()
    return render(
        request,
        "github/sync.html",
        {
            "runs": sync_run_recent(),
            "counts": [(name.replace("_", " "), n) for name, n in counts.items()],
            "counted_by": counted_by,
            "latest": sync_run_latest(),
            "boards": board_summaries(),
        },
    )


@require_safe
def sync_status(request: HttpRequest) -> HttpResponse:
    """The live status panel; htmx polls it while a sync runs."""
    return render(request, "github/sync.html#sync-panel", {"latest": sync_run_latest()})


@require_POST
def sync_now(request: HttpRequest) -> HttpResponse:
    """Staff only: queue an incremental sync and show its progress."""
    if not request.user.is_staff:
        raise PermissionDenied("Only staff can start a sync.")
    try:
        repository_sync_task.delay(full=False, trigger="button")
    except BrokerError as exc:
        logger.warning("sync not queued: %s", exc)
        return render(
            request,
            "github/sync.html#sync-panel",
            {
                "latest": sync_run_latest(),
                "queue_error": "The task queue is unavailable; try again later.",
            },
            # htmx swaps only 2xx answers: the panel with the message replaces the button.
            status=200 if getattr(request, "htmx", False) else 503,
        )
    return render(
        request, "github/sync.html#sync-panel", {"latest": sync_run_latest(), "queued": True}
    )
