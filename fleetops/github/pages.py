"""The mirror's pages: sync status, recent runs, and the staff "Sync now" button."""

from __future__ import annotations

import datetime as dt
import logging
import time

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from fleetops.core.bounds import parse_int
from fleetops.core.jobs import JobStart, job_start
from fleetops.github.boards.selectors import board_summaries
from fleetops.github.models import SyncRun
from fleetops.github.selectors import (
    mirror_counts_recorded,
    sync_run_latest,
    sync_run_recent,
    sync_run_since,
)
from fleetops.github.tasks import repository_sync_task

logger = logging.getLogger(__name__)
PANEL = "github/sync.html#sync-panel"
UPDATE = "github/sync.html#sync-update"  # the panel, and the runs table out of band
QUEUE_PATIENCE = 600  # seconds a queued sync waits for a worker before the page says so


def _recent_errors(runs: list[SyncRun], latest: SyncRun | None) -> list[tuple[SyncRun, str]]:
    """Each run with the error to show in its row: an error is shown once, where it first
    appears (the panel above for the latest run), not again for every run it repeats in."""
    shown = {latest.error} if latest is not None and latest.error else set()
    rows = []
    for run in runs:
        rows.append((run, "" if run.error in shown else run.error))
        if run.error:
            shown.add(run.error)
    return rows


def _page_context() -> dict:
    latest = sync_run_latest()
    counts, counted_by = mirror_counts_recorded()
    return {
        "runs": _recent_errors(sync_run_recent(), latest),
        "counts": [(name.replace("_", " "), n) for name, n in counts.items()],
        "counted_by": counted_by,
        "latest": latest,
        "boards": board_summaries(),
    }


@require_safe
def sync_index(request: HttpRequest) -> HttpResponse:
    return render(request, "github/sync.html", _page_context())


def _queued_context(after: int, queued_at: int) -> dict:
    since = dt.datetime.fromtimestamp(min(queued_at, 2**33), tz=dt.UTC) if queued_at else None
    waited = time.time() - queued_at if queued_at else 0
    return {
        "queued": True,
        "after": after,
        "queued_at": queued_at,
        "queued_since": since,
        "overdue": waited >= QUEUE_PATIENCE,
    }


@require_safe
def sync_status(request: HttpRequest) -> HttpResponse:
    """The live status panel; htmx polls it while a sync is queued or runs.

    "Queued" only while no run newer than the one before the button exists and none runs.
    """
    after = parse_int(request.GET.get("after"), high=2**62)
    queued_at = parse_int(request.GET.get("queued_at"), high=2**62) or 0
    if after is not None and sync_run_since(after) is None:
        return render(
            request, PANEL, {"latest": sync_run_latest(), **_queued_context(after, queued_at)}
        )
    latest = sync_run_latest()
    runs = _recent_errors(sync_run_recent(), latest)
    return render(request, UPDATE, {"latest": latest, "runs": runs})


@require_POST
def sync_now(request: HttpRequest) -> HttpResponse:
    """Staff only: start an incremental sync and show where it is.

    With a worker it is queued and the panel polls until the run is recorded; run in this
    process (`CELERY_TASK_ALWAYS_EAGER`) it has finished when this answers: the panel shows
    how it ended ("Sync finished" or "Sync failed: <why>"), never "queued".
    """
    if not request.user.is_staff:
        raise PermissionDenied("Only staff can start a sync.")
    before = sync_run_latest()
    after = before.pk if before else 0
    job = job_start(repository_sync_task, what="GitHub sync", full=False, trigger="button")
    run = sync_run_since(after)
    htmx = getattr(request, "htmx", False)
    if not htmx:
        _sync_message(request, job, run)
        if job.error:  # the page, with the reason; a client that retries sees 503
            context = {**_page_context(), "queue_error": job.error}
            return render(request, "github/sync.html", context, status=503)
        return redirect(reverse("github:sync"))
    context: dict = {"latest": run or before}
    if job.error:
        context["queue_error"] = job.error
    elif run is None and job.queued:
        context.update(_queued_context(after, job.at))
    elif run is None:
        context["queue_error"] = f"The sync did not run: {job.failure or 'see the log'}."
    else:  # started (or, run in this process, finished): the runs table follows
        context["runs"] = _recent_errors(sync_run_recent(), run)
        return render(request, UPDATE, context)
    return render(request, PANEL, context)


def _sync_message(request: HttpRequest, job: JobStart, run: SyncRun | None) -> None:
    """What a page without JavaScript says after the button: what really happened."""
    if job.error:
        return
    if run is not None and run.outcome == SyncRun.Outcome.RUNNING:
        messages.info(request, "Sync started; reload the page to see it progress.")
    elif run is not None and run.outcome == SyncRun.Outcome.OK:
        messages.success(request, "Sync finished.")
    elif run is not None and run.outcome == SyncRun.Outcome.ERROR:
        messages.error(request, "Sync failed.")  # why: in the panel, once
    elif run is not None:
        messages.info(request, f"Sync {run.outcome}.")
    elif job.queued:
        messages.info(request, "Sync queued; it starts when a worker picks it up.")
    else:
        messages.error(request, f"The sync did not run: {job.failure or 'see the log'}.")
