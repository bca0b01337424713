from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from fleetops.core.htmx import HtmxHttpRequest, forbidden
from releases.board.conclusion import (
    ConclusionRefused,
    ConclusionResult,
    conclusion_preview,
    release_conclude,
)
from releases.board.feeds import feed_card
from releases.board.forms import (
    BlockedReasonForm,
    DecisionForm,
    MergeExceptionForm,
    ReleaseStateForm,
    SignoffForm,
)
from releases.board.models import Release
from releases.board.selectors import (
    exception_groups,
    release_board,
    release_board_etag,
    release_calendar,
    release_get,
)
from releases.board.services import (
    ReleaseError,
    candidate_preview,
    release_candidate_cut,
)
from releases.dependencies.selectors import dependency_gate
from releases.hygiene.panels import release_board_panels
from releases.permissions import can_drive


@require_safe
def index(request: HtmxHttpRequest) -> HttpResponse:
    today = timezone.localdate()  # the viewer's: the header's sprint and "current" agree
    releases = list(
        Release.objects.select_related("dri", "sprint", "candidate").order_by(
            "-target_date", "-pk"
        )[:12]
    )
    return render(
        request,
        "releases/index.html",
        {
            "calendar": release_calendar(today=today),
            "today": today,
            "releases": releases,
            # Every release in flight (not only the recent ones), the one in QA first.
            "in_flight": list(
                Release.objects.in_flight()
                .most_urgent_first()
                .select_related("dri", "sprint", "candidate")
            ),
            **feed_card(request),
        },
    )


@require_safe
def releases_json(request: HtmxHttpRequest) -> JsonResponse:
    """`GET /releases.json`: every release with its state and target date."""
    rows = Release.objects.order_by("-target_date", "-pk").values("version", "state", "target_date")
    return JsonResponse(
        [
            {
                "version": r["version"],
                "state": r["state"],
                "target_date": r["target_date"].isoformat() if r["target_date"] else None,
            }
            for r in rows
        ],
        safe=False,
    )


Bound = dict  # what a refused form keeps: ("card"|"reason", slug) / ("decision", pk) / "state" ...


def board_context(
    request: HtmxHttpRequest, release: Release, gate=None, *, bound: Bound | None = None
) -> dict:
    """The board and each form on it; a form in `bound` (refused) shows its errors and input."""
    bound = bound or {}
    board = release_board(release=release, user=request.user, gate=gate)
    for card in board.cards:
        slug = card.group.slug
        card.form = bound.get(("card", slug)) or SignoffForm(group=slug)
        card.reason_form = bound.get(("reason", slug)) or BlockedReasonForm(
            group=slug, initial={"note": card.signoff.note}
        )
    return {
        "board": board,
        "release": release,
        "can_drive": can_drive(request.user, release),
        "state_form": bound.get("state") or ReleaseStateForm(initial={"state": release.state}),
        "activity": board.activity,
        "opened": bound.get("opened", ""),
        **exceptions_context(board.exceptions, bound),
    }


def exceptions_context(rows: list, bound: Bound) -> dict:
    """The merge-exception card: each pending exception's decision form, the request form."""
    for row in rows:
        pk = row.exception.pk
        row.form = bound.get(("decision", pk)) or DecisionForm(exception_id=pk)
    return {
        "exception_rows": rows,
        "exception_form": bound.get("exception") or MergeExceptionForm(groups=exception_groups()),
        "exception_notice": bound.get("notice", ""),
    }


def board_page(
    request: HtmxHttpRequest, release: Release, *, bound: Bound | None = None, status: int = 200
) -> HttpResponse:
    """The whole board page (a refused form without JavaScript comes back in it, 400)."""
    context = {
        **board_context(request, release, bound=bound),
        **release_board_panels(release=release),
    }
    return render(request, "releases/board.html", context, status=status)


@require_safe
def board(request: HtmxHttpRequest, version: str) -> HttpResponse:
    return board_page(request, release_get(version=version))


@require_safe
def board_live(request: HtmxHttpRequest, version: str) -> HttpResponse:
    """The board's live part; 204 (htmx keeps what it has) when nothing changed."""
    release = release_get(version=version)
    gate = dependency_gate(release=release)  # once: for the ETag and, if changed, the board
    if request.GET.get("etag") and request.GET["etag"] == release_board_etag(
        release=release, gate=gate
    ):
        return HttpResponse(status=204)
    return render(
        request, "releases/board.html#board-answer", board_context(request, release, gate)
    )


@require_safe
def release_json(request: HtmxHttpRequest, version: str) -> JsonResponse:
    """`GET /releases/<version>.json`: "are we go?" for release tooling."""
    release = release_get(version=version)
    board = release_board(release=release)
    candidate = board.candidate
    return JsonResponse(
        {
            "version": release.version,
            "state": release.state,
            "release_candidate": (
                {"branch": candidate.branch, "cut_at": candidate.cut_at.isoformat()}
                if candidate
                else None
            ),
            "go": board.go,
            "remaining": board.remaining,
            "publish_override": (
                {
                    "reason": release.publish_override_reason,
                    "by": release.publish_override_by.get_username()
                    if release.publish_override_by
                    else None,
                    "at": release.publish_override_at.isoformat()
                    if release.publish_override_at
                    else None,
                }
                if release.publish_override_reason
                else None
            ),
            "groups": [
                {
                    "slug": card.group.slug,
                    "name": card.group.name,
                    "state": card.signoff.state,
                    "qa_lead": card.group.qa_lead.github_login if card.group.qa_lead else None,
                    "signed_by": card.signoff.set_by.get_username()
                    if card.signoff.set_by
                    else None,
                    "signed_at": card.signoff.set_at.isoformat() if card.signoff.set_at else None,
                    "stale": card.stale,
                    "release_blockers": len(card.release_blockers),
                    "unreleased_bugs": card.unreleased_bugs,
                    "board": {"ready": card.board_ready, "not_ready": card.board_not_ready_count},
                }
                for card in board.cards
            ],
        }
    )


@require_http_methods(["GET", "HEAD", "POST"])
def candidate_cut(request: HtmxHttpRequest, version: str) -> HttpResponse:
    """GET: the RC cut's plan, to confirm; POST: cut it (the DRI or staff)."""
    release = release_get(version=version)
    if request.method != "POST":  # GET and HEAD show the plan; only a POST cuts
        return render(
            request,
            "releases/cut.html",
            {
                "release": release,
                "writes": candidate_preview(release=release),
                "can_drive": can_drive(request.user, release),
                "live": settings.FLEETOPS_GITHUB_WRITE,
            },
        )
    try:
        candidate = release_candidate_cut(release=release, actor=request.user)
    except PermissionDenied as exc:
        return forbidden(request, exc)
    except ReleaseError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            f"Release candidate {candidate.branch} cut"
            + (" (dry run: see the GitHub calls below)." if candidate.dry_run else "."),
        )
    return redirect("releases:board", version=version)


@require_http_methods(["GET", "HEAD", "POST"])
def conclude(request: HtmxHttpRequest, version: str) -> HttpResponse:
    """Show the conclusion plan, step by step; the DRI applies it (POST) through the gateway."""
    release = release_get(version=version)
    if request.method == "POST":
        try:
            result = release_conclude(release=release, actor=request.user)
        except PermissionDenied as exc:
            return forbidden(request, exc)
        except ConclusionRefused as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _conclusion_message(result))
        return redirect("releases:conclude", version=version)
    try:
        result, refusal = conclusion_preview(release=release), ""
    except ConclusionRefused as exc:
        result, refusal = None, str(exc)
    return render(
        request,
        "releases/conclude.html",
        {
            "release": release,
            "result": result,
            "refusal": refusal,
            "can_drive": can_drive(request.user, release),
            "live": settings.FLEETOPS_GITHUB_WRITE,
        },
    )


def _conclusion_message(result: ConclusionResult) -> str:
    statuses = [o.status for o in result.outcomes]
    if result.concluded:
        return f"Milestone concluded: {statuses.count('done')} GitHub change(s) made."
    if "failed" in statuses:
        failed = next(o for o in result.outcomes if o.status == "failed")
        return (
            f"Stopped: could not {failed.write.what}: {failed.error}. "
            f"{statuses.count('done')} change(s) made; apply again to resume."
        )
    return f"Dry run: {statuses.count('dry-run')} change(s) recorded as a preview, none made."
