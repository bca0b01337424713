from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from fleetops.core.htmx import HtmxHttpRequest, forbidden, is_htmx
from fleetops.org.models import ProductGroup, process_today
from releases.board.conclusion import (
    ConclusionRefused,
    ConclusionResult,
    conclusion_preview,
    release_conclude,
)
from releases.board.feeds import feed_card
from releases.board.forms import DecisionForm, MergeExceptionForm, ReleaseStateForm, SignoffForm
from releases.board.models import MergeException, Release
from releases.board.selectors import (
    release_board,
    release_board_etag,
    release_calendar,
    release_get,
)
from releases.board.services import (
    ReleaseError,
    candidate_preview,
    merge_exception_decide,
    merge_exception_request,
    release_candidate_cut,
    release_set_state,
    signoff_set_state,
)
from releases.dependencies.selectors import dependency_gate
from releases.hygiene.panels import release_board_panels
from releases.permissions import can_drive


@require_safe
def index(request: HtmxHttpRequest) -> HttpResponse:
    today = process_today()
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
            "in_flight": [r for r in releases if r.state not in ("published", "concluded")],
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


def _board_context(request: HtmxHttpRequest, release: Release, gate=None) -> dict:
    board = release_board(release=release, user=request.user, gate=gate)
    return {
        "board": board,
        "release": release,
        "can_drive": can_drive(request.user, release),
        "state_form": ReleaseStateForm(initial={"state": release.state}),
        "groups": [c.group for c in board.cards],
    }


@require_safe
def board(request: HtmxHttpRequest, version: str) -> HttpResponse:
    release = release_get(version=version)
    context = {**_board_context(request, release), **release_board_panels(release=release)}
    return render(request, "releases/board.html", context)


@require_safe
def board_live(request: HtmxHttpRequest, version: str) -> HttpResponse:
    """The board's live part; 204 (htmx keeps what it has) when nothing changed."""
    release = release_get(version=version)
    gate = dependency_gate(release=release)  # once: for the ETag and, if changed, the board
    if request.GET.get("etag") and request.GET["etag"] == release_board_etag(
        release=release, gate=gate
    ):
        return HttpResponse(status=204)
    return render(request, "releases/board.html#board-live", _board_context(request, release, gate))


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


def _after_action(request: HtmxHttpRequest, release: Release) -> HttpResponse:
    if is_htmx(request):
        return render(request, "releases/board.html#board-live", _board_context(request, release))
    return redirect("releases:board", version=release.version)


@require_POST
def signoff_update(request: HtmxHttpRequest, version: str, group: str) -> HttpResponse:
    release = release_get(version=version)
    product_group = get_object_or_404(ProductGroup, slug=group)
    form = SignoffForm(request.POST)
    if not form.is_valid():
        message = "; ".join(e for errors in form.errors.values() for e in errors)
        if is_htmx(request):
            context = _board_context(request, release)
            context["card_errors"] = {product_group.slug: message}
            return render(request, "releases/board.html#board-live", context)
        messages.error(request, f"{product_group.name}: {message}")
        return redirect("releases:board", version=version)
    try:
        signoff_set_state(
            release=release, group=product_group, actor=request.user, **form.cleaned_data
        )
    except PermissionDenied as exc:
        return forbidden(request, exc)
    except ValidationError as exc:
        message = " ".join(exc.messages)
        if is_htmx(request):
            context = _board_context(request, release)
            context["card_errors"] = {product_group.slug: message}
            return render(request, "releases/board.html#board-live", context)
        messages.error(request, f"{product_group.name}: {message}")
        return redirect("releases:board", version=version)
    return _after_action(request, release)


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


@require_POST
def release_state(request: HtmxHttpRequest, version: str) -> HttpResponse:
    release = release_get(version=version)
    form = ReleaseStateForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a release state.")
        return redirect("releases:board", version=version)
    try:
        release_set_state(release=release, actor=request.user, **form.cleaned_data)
    except PermissionDenied as exc:
        return forbidden(request, exc)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("releases:board", version=version)


@require_POST
def exception_request(request: HtmxHttpRequest, version: str) -> HttpResponse:
    release = release_get(version=version)
    form = MergeExceptionForm(request.POST)
    if form.is_valid():
        group = ProductGroup.objects.filter(slug=form.cleaned_data["group"]).first()
        if group is None:
            messages.error(request, "Choose the product group the feature belongs to.")
        else:
            try:
                merge_exception_request(
                    release=release,
                    group=group,
                    pr_number=form.cleaned_data["pr_number"],
                    reason=form.cleaned_data["reason"],
                    actor=request.user,
                )
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(
                    request, f"Merge exception requested for #{form.cleaned_data['pr_number']}."
                )
    else:
        messages.error(request, "A merge exception needs the group, the PR number and a reason.")
    return redirect(reverse("releases:board", args=[version]) + "#exceptions")


@require_POST
def exception_decide(request: HtmxHttpRequest, version: str, pk: int) -> HttpResponse:
    release = release_get(version=version)
    exception = get_object_or_404(MergeException, pk=pk, release=release)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Approve or reject.")
    else:
        try:
            merge_exception_decide(
                exception=exception,
                actor=request.user,
                approve=form.cleaned_data["decision"] == "approve",
                reason=form.cleaned_data["reason"],
            )
        except PermissionDenied as exc:
            return forbidden(request, exc)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    return redirect(reverse("releases:board", args=[version]) + "#exceptions")


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
            f"Stopped: GitHub refused to {failed.write.what} ({failed.error}). "
            f"{statuses.count('done')} change(s) made; apply again to resume."
        )
    return f"Dry run: {statuses.count('dry-run')} change(s) recorded as a preview, none made."
