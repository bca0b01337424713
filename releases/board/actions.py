"""The board's actions (POST): card moves, notes and blocked reasons, merge exceptions, the
release's state.

Each answers htmx with the part it changed (the live board, or the exceptions card) and the
activity feed out of band; without JavaScript it redirects to the board (to the card), or,
when refused, renders the board with the form's errors next to its fields and the input kept
(400). A refusal for lack of rights is a 403 with the reason (`fleetops.core.htmx.forbidden`).
"""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from fleetops.core.htmx import HtmxHttpRequest, forbidden, is_htmx
from fleetops.org.models import ProductGroup
from releases.board.forms import (
    BlockedReasonForm,
    DecisionForm,
    MergeExceptionForm,
    ReleaseStateForm,
    SignoffForm,
)
from releases.board.models import MergeException, Release
from releases.board.selectors import (
    exception_groups,
    release_activity,
    release_exceptions,
    release_get,
)
from releases.board.services import (
    merge_exception_decide,
    merge_exception_request,
    release_set_state,
    signoff_note_add,
    signoff_reason_edit,
    signoff_set_state,
)
from releases.board.views import Bound, board_context, board_page, exceptions_context
from releases.permissions import can_note, can_sign


def _board_url(release: Release, anchor: str = "") -> str:
    return reverse("releases:board", args=[release.version]) + (f"#{anchor}" if anchor else "")


def _card_answer(
    request: HtmxHttpRequest, release: Release, group: ProductGroup, *, bound: Bound, done: str = ""
) -> HttpResponse:
    """After a card action: the live board for htmx; else the board page (400 if refused)."""
    if is_htmx(request):
        return render(
            request,
            "releases/board.html#board-answer",
            board_context(request, release, bound=bound),
        )
    if done:
        messages.success(request, done)
        return redirect(_board_url(release, f"card-{group.slug}"))
    return board_page(request, release, bound=bound, status=400)


def _card_post(
    request: HtmxHttpRequest,
    release: Release,
    group: ProductGroup,
    form: forms.Form,
    *,
    key: str,
    save: Callable[[dict], str],
    opened: bool = False,
) -> HttpResponse:
    """A card action's form: `save(cleaned_data)` returns what was done; a refusal by the
    service is a 403, a rule it enforces an error on the form, kept as `(key, group)`."""
    if form.is_valid():
        try:
            done = save(form.cleaned_data)
        except PermissionDenied as exc:
            return forbidden(request, exc)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            bound = {"opened": group.slug} if opened else {}
            return _card_answer(request, release, group, bound=bound, done=done)
    return _card_answer(request, release, group, bound={(key, group.slug): form})


def _group(release_version: str, slug: str) -> tuple[Release, ProductGroup]:
    return release_get(version=release_version), get_object_or_404(ProductGroup, slug=slug)


@require_POST
def signoff_update(request: HtmxHttpRequest, version: str, group: str) -> HttpResponse:
    """Move a group's card (the pressed button says where), with an optional note."""
    release, product_group = _group(version, group)
    if not can_sign(request.user, release, product_group):
        return forbidden(
            request,
            f"Only {product_group.name}'s QA lead, the release DRI or staff can change its "
            "sign-off.",
        )
    form = SignoffForm(request.POST, group=product_group.slug)

    def move(data: dict) -> str:
        signoff = signoff_set_state(
            release=release, group=product_group, actor=request.user, **data
        )
        return f"{product_group.name} moved to {signoff.get_state_display()}."

    return _card_post(request, release, product_group, form, key="card", save=move)


@require_POST
def signoff_note(request: HtmxHttpRequest, version: str, group: str) -> HttpResponse:
    """Add a note to a group's card; the card stays where it is."""
    release, product_group = _group(version, group)
    if not can_note(request.user, release, product_group):
        return forbidden(
            request,
            f"Only {product_group.name}'s QA lead or EM, the release DRI or staff can add notes "
            "to its card.",
        )
    form = SignoffForm(request.POST, group=product_group.slug, intent="note")

    def note(data: dict) -> str:
        signoff_note_add(
            release=release, group=product_group, actor=request.user, note=data["note"]
        )
        return f"Note added to {product_group.name}."

    # Opened after saving: the note shows in the card's history.
    return _card_post(request, release, product_group, form, key="card", save=note, opened=True)


@require_POST
def signoff_reason(request: HtmxHttpRequest, version: str, group: str) -> HttpResponse:
    """Edit why a blocked group is blocked, in place: the card stays blocked."""
    release, product_group = _group(version, group)
    if not can_sign(request.user, release, product_group):
        return forbidden(
            request,
            f"Only {product_group.name}'s QA lead, the release DRI or staff can change why it is "
            "blocked.",
        )
    form = BlockedReasonForm(request.POST, group=product_group.slug)

    def reason(data: dict) -> str:
        signoff_reason_edit(
            release=release, group=product_group, actor=request.user, note=data["note"]
        )
        return f"{product_group.name}'s blocked reason saved."

    return _card_post(request, release, product_group, form, key="reason", save=reason)


def _exceptions_answer(
    request: HtmxHttpRequest, release: Release, *, bound: Bound, done: str = ""
) -> HttpResponse:
    """After an exception action: the exceptions card (and the activity) for htmx; else the
    board (400 with the form's errors when refused)."""
    if is_htmx(request):
        context = {
            "release": release,
            "activity": release_activity(release=release),
            **exceptions_context(
                release_exceptions(release=release, user=request.user),
                {**bound, "notice": done},
            ),
        }
        return render(request, "releases/board.html#exceptions-answer", context)
    if done:
        messages.success(request, done)
        return redirect(_board_url(release, "exceptions"))
    return board_page(request, release, bound=bound, status=400)


@require_POST
def exception_request(request: HtmxHttpRequest, version: str) -> HttpResponse:
    """Ask for a feature-merge exception (anyone signed in may ask; three people decide)."""
    release = release_get(version=version)
    groups = exception_groups()
    form = MergeExceptionForm(request.POST, groups=groups)
    if form.is_valid():
        group = next(g for g in groups if g.slug == form.cleaned_data["group"])
        try:
            exception = merge_exception_request(
                release=release,
                group=group,
                pr_number=form.cleaned_data["pr_number"],
                reason=form.cleaned_data["reason"],
                actor=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            done = (
                f"Merge exception requested for #{exception.pr_number}: {group.name}'s EM, its "
                "QA lead and the release DRI are asked to approve."
            )
            return _exceptions_answer(request, release, bound={}, done=done)
    return _exceptions_answer(request, release, bound={"exception": form})


@require_POST
def exception_decide(request: HtmxHttpRequest, version: str, pk: int) -> HttpResponse:
    """Approve or reject a merge exception (the group's EM, its QA lead, the release DRI)."""
    release = release_get(version=version)
    exception = get_object_or_404(MergeException, pk=pk, release=release)
    form = DecisionForm(request.POST, exception_id=exception.pk)
    if form.is_valid():
        approve = form.cleaned_data["decision"] == "approve"
        try:
            decided = merge_exception_decide(
                exception=exception,
                actor=request.user,
                approve=approve,
                reason=form.cleaned_data["reason"],
            )
        except PermissionDenied as exc:
            return forbidden(request, exc)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            verdict = "approved" if approve else "rejected"
            done = f"You {verdict} #{decided.pr_number}" + (
                " (approved by all three)." if decided.state == "approved" else "."
            )
            return _exceptions_answer(request, release, bound={}, done=done)
    return _exceptions_answer(request, release, bound={("decision", exception.pk): form})


@require_POST
def release_state(request: HtmxHttpRequest, version: str) -> HttpResponse:
    """The DRI sets the release's state; publishing on no-go needs their override reason."""
    release = release_get(version=version)
    form = ReleaseStateForm(request.POST)
    if form.is_valid():
        try:
            changed = release_set_state(release=release, actor=request.user, **form.cleaned_data)
        except PermissionDenied as exc:
            return forbidden(request, exc)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"Fleet v{changed.version} is {changed.get_state_display()}.")
            return redirect(_board_url(release))
    return board_page(request, release, bound={"state": form}, status=400)
