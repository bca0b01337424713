"""The on-call page: now and next, the calendar, overrides and swaps, feeds."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST, require_safe

from fleetops.core.htmx import HtmxHttpRequest, forbidden, is_htmx, reload_or_redirect
from fleetops.org.models import Person
from fleetops.org.roles import person_of
from oncall.community.selectors import community_queue
from oncall.context_processors import oncall_header
from oncall.permissions import can_manage_rotation
from oncall.schedule.forms import FairnessForm, OverrideForm, SwapForm
from oncall.schedule.ics import ics_feed
from oncall.schedule.offers import ScheduleOffer, schedule_offer
from oncall.schedule.overview import (
    OncallOverview,
    handoff_recent,
    oncall_overview,
    rotation_roster,
)
from oncall.schedule.selectors import (
    LOOK_AHEAD,
    ScheduleData,
    feed_profile,
    oncall_feed_entries,
    oncall_profile_of,
    oncall_shift_current,
    schedule_load,
)
from oncall.schedule.services import (
    feed_token_rotate,
    override_cancel,
    override_create,
    swap_create,
)


def _window(now: dt.datetime) -> ScheduleData:
    """The schedule the forms read and check their choices against (two queries)."""
    return schedule_load(start=now, end=now + LOOK_AHEAD)


def _offer(request: HtmxHttpRequest, data: ScheduleData, now: dt.datetime) -> ScheduleOffer:
    return schedule_offer(
        data=data, manages=can_manage_rotation(request.user), person=person_of(request.user), at=now
    )


def _override_form(
    offer: ScheduleOffer, data: ScheduleData, post: QueryDict | None = None
) -> OverrideForm:
    """The override form as offered; it accepts every rotation and member (the service
    decides what the person may do, and says why not)."""
    return OverrideForm(
        post,
        rotations=offer.rotations,
        members=offer.cover,
        accepted_rotations=[r.id for r in data.rotations],
        accepted_people=[i for r in data.rotations for i in r.member_ids],
        initial=offer.override_initial or {},
    )


def _swap_form(offer: ScheduleOffer, data: ScheduleData, post: QueryDict | None = None) -> SwapForm:
    form = SwapForm(
        post,
        rotations=offer.rotations,
        # An engineer's own shifts need not name them (and fit a phone's width).
        shifts=[(s.value, s.label if offer.manages else s.span) for s in offer.first_shifts],
        second_shifts=[(s.value, s.label) for s in offer.second_shifts],
        accepted_rotations=[r.id for r in data.rotations],
        any_shift=True,
        initial=offer.swap_initial or {},
    )
    if not offer.manages:
        form.fields["first_shift"].label = "Your shift"
    return form


def _schedule_forms(
    request: HtmxHttpRequest,
    *,
    data: ScheduleData,
    now: dt.datetime,
    override_form: OverrideForm | None = None,
    swap_form: SwapForm | None = None,
) -> dict[str, object]:
    """The override and swap forms as the person may use them (none they may not)."""
    offer = _offer(request, data, now)
    if override_form is None and offer.override_initial is not None:
        override_form = _override_form(offer, data)
    if swap_form is None and offer.swap_initial is not None:
        swap_form = _swap_form(offer, data)
    return {
        "offer": offer,
        "override_form": override_form,
        "swap_form": swap_form,
        "may_manage": offer.manages,
    }


def _page_context(
    overview: OncallOverview, person: Person | None, fairness: FairnessForm
) -> dict[str, object]:
    """What the page shows besides its forms. The header reuses the page's shift (no second
    schedule load); the feed card shows a profile only if the person has one (a read
    makes none: rotating the feed token makes it)."""
    return {
        "overview": overview,
        "fairness_form": fairness,
        "queue": community_queue(),
        "handoffs": handoff_recent(),
        "person": person,
        "profile": oncall_profile_of(person=person),
        "feed_rotations": rotation_roster(data=overview.data),
        **oncall_header(lambda: overview.shift),
    }


@require_safe
def index(request: HtmxHttpRequest) -> HttpResponse:
    fairness = FairnessForm(request.GET or None)
    period = fairness.cleaned_data if fairness.is_valid() else {}
    person = person_of(request.user)
    overview = oncall_overview(
        fairness_start=period.get("start"),
        fairness_end=period.get("end"),
        viewer_id=person.pk if person else None,
    )
    return render(
        request,
        "oncall/index.html",
        {
            **_page_context(overview, person, fairness),
            **_schedule_forms(request, data=overview.data, now=overview.at),
        },
    )


def _refused(form: forms.Form, exc: PermissionDenied | ValidationError) -> int:
    """Put a service's refusal at the top of the form; the status of the whole page."""
    if isinstance(exc, PermissionDenied):
        form.add_error(None, str(exc) or "You may not make that change.")
        return 403
    form.add_error(None, exc)
    return 400


@require_POST
def override_add(request: HtmxHttpRequest) -> HttpResponse:
    now = timezone.now()
    data = _window(now)
    form = _override_form(_offer(request, data, now), data, request.POST)
    status = 400
    if form.is_valid():
        try:
            override = override_create(
                rotation_id=form.cleaned_data["rotation"],
                person_id=form.cleaned_data["person"],
                starts_at=form.cleaned_data["starts_at"],
                ends_at=form.cleaned_data["ends_at"],
                note=form.cleaned_data["note"],
                actor=request.user,
            )
        except (PermissionDenied, ValidationError) as exc:
            status = _refused(form, exc)
        else:
            messages.success(
                request,
                f"{override.person.name} covers "
                f"{timezone.localtime(override.starts_at):%a %b %-d %H:%M} to "
                f"{timezone.localtime(override.ends_at):%a %b %-d %H:%M}.",
            )
            return reload_or_redirect(request, reverse("oncall:index"))
    return _form_again(
        request, "oncall/index.html#override-form", status, data=data, override_form=form
    )


@require_POST
def override_remove(request: HtmxHttpRequest, override_id: int) -> HttpResponse:
    try:
        override_cancel(override_id=override_id, actor=request.user)
    except ValidationError as exc:
        # Said by the overrides it is about, not as a flash at the top of the page.
        person = person_of(request.user)
        overview = oncall_overview(viewer_id=person.pk if person else None)
        context = {
            **_page_context(overview, person, FairnessForm()),
            **_schedule_forms(request, data=overview.data, now=overview.at),
            "cancel_error": " ".join(exc.messages),
        }
        return render(request, "oncall/index.html", context, status=400)
    messages.success(request, "Override cancelled.")
    return reload_or_redirect(request, reverse("oncall:index"))


@require_POST
def swap_add(request: HtmxHttpRequest) -> HttpResponse:
    now = timezone.now()
    data = _window(now)
    form = _swap_form(_offer(request, data, now), data, request.POST)
    status = 400
    if form.is_valid():
        try:
            swap = swap_create(
                rotation_id=form.cleaned_data["rotation"],
                first_shift_starts_at=form.cleaned_data["first_shift"],
                second_shift_starts_at=form.cleaned_data["second_shift"],
                note=form.cleaned_data["note"],
                actor=request.user,
            )
        except (PermissionDenied, ValidationError) as exc:
            status = _refused(form, exc)
        else:
            messages.success(
                request,
                f"{swap.first_person.name} and {swap.second_person.name} traded shifts.",
            )
            return reload_or_redirect(request, reverse("oncall:index"))
    return _form_again(request, "oncall/index.html#swap-form", status, data=data, swap_form=form)


def _form_again(
    request: HtmxHttpRequest,
    partial: str,
    status: int,
    *,
    data: ScheduleData,
    **bound: object,
) -> HttpResponse:
    """A refused form, with the reason in it: htmx swaps it back in (200, so that it
    shows); without htmx, the whole page (400, or 403 for a change the person may not
    make)."""
    if is_htmx(request):
        context = _schedule_forms(request, data=data, now=data.start, **bound)
        return render(request, partial, context)
    person = person_of(request.user)
    overview = oncall_overview(viewer_id=person.pk if person else None)
    context = _schedule_forms(request, data=overview.data, now=overview.at, **bound)
    context |= _page_context(overview, person, FairnessForm())
    return render(request, "oncall/index.html", context, status=status)


@require_POST
def feed_rotate(request: HtmxHttpRequest) -> HttpResponse:
    """Make or rotate the viewer's one calendar-feed token (on-call, rituals, releases); back
    to the page it was asked from (`next`, this site only), or the on-call page."""
    person = person_of(request.user)
    had_one = oncall_profile_of(person=person) is not None
    try:
        profile = feed_token_rotate(actor=request.user)
    except PermissionDenied as exc:
        return forbidden(request, exc)
    done = (
        "New feed addresses: the old ones no longer work."
        if had_one
        else "Your calendar feed addresses are ready."
    )
    if is_htmx(request):
        context = {"profile": profile, "person": person, "feed_done": done}
        context["feed_rotations"] = rotation_roster()
        return render(request, "oncall/index.html#feed-card", context)
    messages.success(request, done)
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("oncall:index")
    return redirect(target)


@require_safe
def now_json(request: HtmxHttpRequest) -> JsonResponse:
    """{"rotation", "on_call", "until", "next"}: who is on call now, until when, who is next."""
    shift = oncall_shift_current()

    def who(person):
        return {"name": person.name, "github_login": person.github_login} if person else None

    return JsonResponse(
        {
            "rotation": shift.rotation if shift else None,
            "on_call": who(shift.person) if shift else None,
            "until": shift.ends_at.isoformat() if shift and shift.ends_at else None,
            "next": who(shift.next_person) if shift else None,
        }
    )


# -- calendar feeds (no session: calendar apps authenticate by the URL's secret) -------------


def _ics_response(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, max-age=300"
    return response


@require_safe
@login_not_required
def feed_rotation(request: HtmxHttpRequest, token: str, rotation_id: int) -> HttpResponse:
    profile = feed_profile(token=token)
    if profile is None:
        raise Http404("No such feed.")
    found = oncall_feed_entries(rotation_id=rotation_id)
    if found is None:
        raise Http404("No such rotation.")
    entries, name = found
    body = ics_feed(
        name=name,
        entries=entries,
        now=timezone.now(),
        url=request.build_absolute_uri(reverse("oncall:index")),
    )
    return _ics_response(body, f"oncall-rotation-{rotation_id}.ics")


@require_safe
@login_not_required
def feed_me(request: HtmxHttpRequest, token: str) -> HttpResponse:
    profile = feed_profile(token=token)
    if profile is None:
        raise Http404("No such feed.")
    entries, _ = oncall_feed_entries(person_id=profile.person_id)
    body = ics_feed(
        name=f"On call: {profile.person.name}",
        entries=entries,
        now=timezone.now(),
        url=request.build_absolute_uri(reverse("oncall:index")),
    )
    return _ics_response(body, "oncall-me.ics")
