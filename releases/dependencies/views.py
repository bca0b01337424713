"""The dependencies page: results of the pre-release checks, their history, and the DRI's actions.

Thin views: parse (a form), call a selector or a service, render the page or the partial
htmx swaps. Every action is a POST whose right is checked in the service; an htmx request
gets the results partial back (with the go / no-go card out of band), any other request a
redirect to the page.
"""

from __future__ import annotations

import datetime as dt
import logging
import time

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from fleetops.core.bounds import parse_int
from fleetops.core.htmx import HtmxHttpRequest, forbidden, is_htmx
from fleetops.core.jobs import JobStart, job_start
from releases.board.models import Release
from releases.board.selectors import release_current, release_get
from releases.dependencies.forms import AcknowledgeForm, FeedsConfirmForm, RunChecksForm
from releases.dependencies.models import DependencyCheckResult, DependencyCheckRun
from releases.dependencies.rules import DependencyCheckError
from releases.dependencies.selectors import dependency_page, dependency_run_latest
from releases.dependencies.services import (
    dependency_check_acknowledge,
    dependency_feeds_confirm,
    dependency_issue_file,
)
from releases.dependencies.tasks import dependency_checks_run_task
from releases.permissions import ensure_can_run_dependency_checks

logger = logging.getLogger(__name__)
TEMPLATE = "releases/dependencies.html"
QUEUE_PATIENCE = 600  # seconds the page waits for a worker to pick up a queued run


def _page_url(release: Release | None) -> str:
    if release is None:
        return reverse("releases:dependencies")
    return reverse("releases:dependencies-release", kwargs={"version": release.version})


def _int_param(request: HtmxHttpRequest, name: str) -> int | None:
    value = request.GET.get(name, "")
    if not value:
        return None
    number = parse_int(value, high=2**62)
    if number is None:
        raise Http404(f"{name} must be a number")
    return number


def _release_param(value: str) -> Release | None:
    return release_get(version=value) if value else None


def _context(request: HtmxHttpRequest, release: Release | None, **extra: object) -> dict:
    run_id = extra.pop("run_id", None)
    page = dependency_page(release=release, user=request.user, run_id=run_id)
    queued_at = extra.get("queued_at")
    if queued_at:  # epoch seconds from the poll's URL: bounded by _int_param
        extra["queued_since"] = dt.datetime.fromtimestamp(min(queued_at, 2**33), tz=dt.UTC)
    return {
        "page": page,
        "release": release,
        "page_url": _page_url(release),
        "issues_path": f"/repos/{settings.GITHUB_REPOSITORY}/issues",
        **extra,
    }


@require_safe
def dependencies_current(request: HtmxHttpRequest) -> HttpResponse:
    """The checks of the release the organisation is working on (or the ad hoc runs)."""
    release = release_current()
    return render(request, TEMPLATE, _context(request, release, run_id=_int_param(request, "run")))


@require_safe
def dependencies_release(request: HtmxHttpRequest, version: str) -> HttpResponse:
    release = release_get(version=version)
    return render(request, TEMPLATE, _context(request, release, run_id=_int_param(request, "run")))


@require_POST
def dependencies_run(request: HtmxHttpRequest) -> HttpResponse:
    """Start a run of the checks and show where it is (DRI, EMs, QA leads, staff).

    With a worker, the run is queued and the panel polls until a run is recorded; run in
    this process (`CELERY_TASK_ALWAYS_EAGER`), it has finished when this answers, so the
    page shows its results at once. While the request is out, the button is disabled and
    spins (htmx `hx-disabled-elt` and its indicator).
    """
    form = RunChecksForm(request.POST)
    if not form.is_valid():
        return HttpResponse("Unknown release.", status=400, content_type="text/plain")
    release = _release_param(form.cleaned_data["release"])
    try:
        ensure_can_run_dependency_checks(request.user, release)
    except PermissionDenied as exc:
        return forbidden(request, exc)
    before = dependency_run_latest(release=release)
    after = before.pk if before else 0
    job = job_start(
        dependency_checks_run_task,
        release.pk if release else None,
        "button",
        request.user.pk,
        what="dependency checks",
    )
    run = _run_since(release, after)
    if not is_htmx(request):
        _run_message(request, job, run)
        return redirect(_page_url(release))
    if run is not None and not job.error:
        return render(request, f"{TEMPLATE}#poll", _context(request, release))
    queue_error = job.error or (job.failure and f"The checks did not run: {job.failure}")
    if job.ran_inline and not queue_error:
        queue_error = "The checks did not run: no run was recorded (see the log)."
    context = _context(
        request, release, queued=job.queued, queue_error=queue_error, after=after, queued_at=job.at
    )
    return render(request, f"{TEMPLATE}#run-panel", context)


def _run_since(release: Release | None, after: int) -> DependencyCheckRun | None:
    """The run the button started (or the one running, which made it "skipped"), if any yet."""
    latest = dependency_run_latest(release=release)
    if latest is None:
        return None
    if latest.pk > after or latest.outcome == DependencyCheckRun.Outcome.RUNNING:
        return latest
    return None


def _run_message(request: HtmxHttpRequest, job: JobStart, run: DependencyCheckRun | None) -> None:
    """What a page without JavaScript says after the button: what really happened."""
    if job.error:
        messages.error(request, job.error)
    elif run is not None and run.outcome == DependencyCheckRun.Outcome.RUNNING:
        messages.info(request, "Dependency checks started; reload the page to see them progress.")
    elif run is not None:
        messages.success(request, f"Dependency checks finished: {run.get_outcome_display()}.")
    elif job.queued:
        messages.info(request, "Dependency checks queued; they start when a worker picks them up.")
    else:
        messages.error(request, f"The checks did not run: {job.failure or 'see the log'}.")


@require_safe
def dependencies_status(request: HtmxHttpRequest) -> HttpResponse:
    """The progress panel htmx polls: queued until a run is recorded, then the run itself.

    "Queued" is said only while no run newer than the one before the button exists (and
    none is running); a worker that has not picked it up for 10 minutes is said so, with
    the time it was queued, and the panel keeps asking (more slowly).
    """
    release = _release_param(request.GET.get("release", ""))
    after = _int_param(request, "after")
    queued_at = _int_param(request, "queued_at") or 0
    if after is not None and _run_since(release, after) is None:
        waited = time.time() - queued_at if queued_at else 0
        context = _context(
            request,
            release,
            queued=True,
            overdue=waited >= QUEUE_PATIENCE,
            after=after,
            queued_at=queued_at,
        )
        return render(request, f"{TEMPLATE}#run-panel", context)
    return render(request, f"{TEMPLATE}#poll", _context(request, release))


def _after_action(
    request: HtmxHttpRequest, release: Release | None, *, error: str = "", done: str = "", **extra
) -> HttpResponse:
    if is_htmx(request):
        context = _context(request, release, action_error=error, action_message=done, **extra)
        return render(request, f"{TEMPLATE}#changed", context)
    if error:
        messages.error(request, error)
    elif done:
        messages.success(request, done)
    return redirect(_page_url(release))


def _result(result_id: int) -> DependencyCheckResult:
    return get_object_or_404(
        DependencyCheckResult.objects.select_related("run__release__dri"), pk=result_id
    )


@require_POST
def dependencies_file(request: HtmxHttpRequest, result_id: int) -> HttpResponse:
    """File the bug, story or fleetd QA issue a check calls for (DRI or staff; dry-run default)."""
    result = _result(result_id)
    try:
        issue = dependency_issue_file(result=result, actor=request.user)
    except PermissionDenied as exc:
        return forbidden(request, exc)
    except DependencyCheckError as exc:
        return _after_action(request, result.run.release, error=str(exc))
    if issue.linked_existing:
        done = f"#{issue.number} “{issue.title}” is already open: linked, nothing filed."
    elif issue.dry_run:
        done = f"Dry run: “{issue.title}” recorded, not sent to GitHub."
    else:
        done = f"Filed #{issue.number} “{issue.title}”."
    return _after_action(request, result.run.release, done=done)


@require_POST
def dependencies_acknowledge(request: HtmxHttpRequest, result_id: int) -> HttpResponse:
    """The DRI acknowledges an outdated check (not Go or macadmins-extension), saying why."""
    result = _result(result_id)
    form = AcknowledgeForm(request.POST)
    if not form.is_valid():
        error = "; ".join(e for errors in form.errors.values() for e in errors)
        return _after_action(request, result.run.release, error=error)
    try:
        dependency_check_acknowledge(result=result, actor=request.user, **form.cleaned_data)
    except PermissionDenied as exc:
        return forbidden(request, exc)
    except DependencyCheckError as exc:
        return _after_action(request, result.run.release, error=str(exc))
    return _after_action(request, result.run.release, done="Acknowledged.")


@require_POST
def dependencies_confirm_feeds(request: HtmxHttpRequest, version: str) -> HttpResponse:
    """The DRI records that the NVD and CISA announcements were checked."""
    release = release_get(version=version)
    form = FeedsConfirmForm(request.POST)
    if not form.is_valid():
        error = "; ".join(e for errors in form.errors.values() for e in errors)
        return _after_action(request, release, error=error)
    try:
        confirmation = dependency_feeds_confirm(
            release=release, actor=request.user, **form.cleaned_data
        )
    except PermissionDenied as exc:
        return forbidden(request, exc)
    except DependencyCheckError as exc:
        return _after_action(request, release, error=str(exc))
    if confirmation.may_affect_feeds:
        who = confirmation.oncall_notified
        done = (
            f"Feeds confirmed; {who.name} (on call) was notified."
            if who
            else "Feeds confirmed; no on-call engineer is known: tell them directly."
        )
    else:
        done = "Vulnerability feeds confirmed."
    return _after_action(request, release, done=done)
