"""On-call pages: now and next, the calendar, the community queue, capacity, feeds."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect

from fleetops.org.models import Sprint, process_today
from oncall.forms import CalendarForm, FairnessForm, OverrideForm, SwapForm, TimeOffForm
from oncall.ics import ics_feed
from oncall.permissions import can_manage_rotation, person_of, time_off_people
from oncall.selectors import (
    ScheduleData,
    calendar_imports,
    capacity_board,
    community_queue,
    feed_profile,
    handoff_recent,
    oncall_feed_entries,
    oncall_overview,
    oncall_shift_current,
    rotation_roster,
    shift_choices,
    time_off_upcoming,
)
from oncall.services import (
    feed_token_rotate,
    oncall_profile_for,
    override_cancel,
    override_create,
    stale_issue_close,
    swap_create,
    time_off_calendar_set,
    time_off_create,
    time_off_delete,
    time_off_import,
)


def _done(request: HttpRequest, to: str) -> HttpResponse:
    """After a change: htmx reloads the page (the header shows who is on call), else a redirect."""
    if getattr(request, "htmx", False):
        return HttpResponseClientRedirect(to)
    return redirect(to)


def _schedule_forms(
    request: HttpRequest,
    *,
    override_form: OverrideForm | None = None,
    swap_form: SwapForm | None = None,
    data: ScheduleData | None = None,
) -> dict[str, object]:
    roster = rotation_roster(data=data)
    rotations = [(r.id, r.name) for r in roster]
    members = roster[0].members if roster else []
    first = str(roster[0].id) if roster else ""
    if override_form is None:
        starts_at = timezone.localtime().replace(minute=0, second=0, microsecond=0)
        starts_at += dt.timedelta(hours=1)
        override_form = OverrideForm(
            rotations=rotations,
            members=members,
            initial={
                "rotation": first,
                "starts_at": starts_at,
                "ends_at": starts_at + dt.timedelta(days=1),
            },
        )
    if swap_form is None:
        shifts = shift_choices(data=data)
        swap_form = SwapForm(
            rotations=rotations[:1],
            shifts=shifts,
            initial={
                "rotation": first,
                "first_shift": shifts[0][0] if shifts else None,
                "second_shift": shifts[1][0] if len(shifts) > 1 else None,
            },
        )
    return {
        "override_form": override_form,
        "swap_form": swap_form,
        "may_manage": can_manage_rotation(request.user),
    }


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    fairness = FairnessForm(request.GET or None)
    period = fairness.cleaned_data if fairness.is_valid() else {}
    person = person_of(request.user)
    overview = oncall_overview(
        fairness_start=period.get("start"),
        fairness_end=period.get("end"),
        viewer_id=person.pk if person else None,
    )
    request._oncall_shift = overview.shift  # the header reuses it: no second load
    profile = oncall_profile_for(person=person) if person else None
    return render(
        request,
        "oncall/index.html",
        {
            "overview": overview,
            "fairness_form": fairness,
            "queue": community_queue(),
            "handoffs": handoff_recent(),
            "profile": profile,
            **_schedule_forms(request, data=overview.data),
        },
    )


@require_POST
def override_add(request: HttpRequest) -> HttpResponse:
    roster = rotation_roster()
    form = OverrideForm(
        request.POST,
        rotations=[(r.id, r.name) for r in roster],
        members=[m for r in roster for m in r.members],
    )
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
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                f"{override.person.name} covers "
                f"{timezone.localtime(override.starts_at):%a %b %-d %H:%M} to "
                f"{timezone.localtime(override.ends_at):%a %b %-d %H:%M}.",
            )
            return _done(request, reverse("oncall:index"))
    return _form_again(request, "oncall/index.html#override-form", override_form=form)


@require_POST
def override_remove(request: HttpRequest, override_id: int) -> HttpResponse:
    try:
        override_cancel(override_id=override_id, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Override cancelled.")
    return _done(request, reverse("oncall:index"))


@require_POST
def swap_add(request: HttpRequest) -> HttpResponse:
    roster = rotation_roster()
    form = SwapForm(
        request.POST, rotations=[(r.id, r.name) for r in roster], shifts=shift_choices()
    )
    if form.is_valid():
        try:
            swap = swap_create(
                rotation_id=form.cleaned_data["rotation"],
                first_shift_starts_at=form.cleaned_data["first_shift"],
                second_shift_starts_at=form.cleaned_data["second_shift"],
                note=form.cleaned_data["note"],
                actor=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                f"{swap.first_person.name} and {swap.second_person.name} traded shifts.",
            )
            return _done(request, reverse("oncall:index"))
    return _form_again(request, "oncall/index.html#swap-form", swap_form=form)


def _form_again(request: HttpRequest, partial: str, **forms: object) -> HttpResponse:
    """A refused form: htmx swaps it back in (200); without htmx, the whole page (400)."""
    context = _schedule_forms(request, **forms)
    if getattr(request, "htmx", False):
        return render(request, partial, context)
    overview = oncall_overview()
    request._oncall_shift = overview.shift
    person = person_of(request.user)
    context |= {
        "overview": overview,
        "fairness_form": FairnessForm(),
        "queue": community_queue(),
        "handoffs": handoff_recent(),
        "profile": oncall_profile_for(person=person) if person else None,
    }
    return render(request, "oncall/index.html", context, status=400)


@require_POST
def feed_rotate(request: HttpRequest) -> HttpResponse:
    profile = feed_token_rotate(actor=request.user)
    messages.success(request, "New feed addresses: the old ones no longer work.")
    if getattr(request, "htmx", False):
        return render(request, "oncall/index.html#feed-card", {"profile": profile})
    return redirect("oncall:index")


@require_POST
def stale_close(request: HttpRequest, number: int) -> HttpResponse:
    try:
        result = stale_issue_close(number=number, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return _done(request, reverse("oncall:index") + "#stale")
    if getattr(request, "htmx", False):
        return render(
            request, "oncall/index.html#stale-result", {"result": result, "number": number}
        )
    status = result.close.status if result.close else result.comment.status
    messages.success(request, f"#{number}: closed with a comment ({status}).")
    return redirect(reverse("oncall:index") + "#stale")


@require_GET
def now_json(request: HttpRequest) -> JsonResponse:
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


# -- capacity ---------------------------------------------------------------------------------


def _capacity_context(
    request: HttpRequest,
    *,
    time_off_form: TimeOffForm | None = None,
    calendar_form: CalendarForm | None = None,
) -> dict[str, object]:
    people = time_off_people(request.user)
    me = person_of(request.user)
    initial = {"person": me.pk} if me else {}
    return {
        "time_off_form": time_off_form or TimeOffForm(people=people, initial=initial),
        "calendar_form": calendar_form or CalendarForm(people=people, initial=initial),
        "time_off": time_off_upcoming(today=process_today()),
        "imports": calendar_imports(),
        "manageable": {p.pk for p in people},
    }


@require_GET
def capacity(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "oncall/capacity.html",
        {"board": capacity_board(), **_capacity_context(request)},
    )


@require_GET
def capacity_sprint(request: HttpRequest, number: int) -> HttpResponse:
    """Who is on call and away in one sprint, per product group (the EM's click-through)."""
    board = capacity_board(sprint_number=number)
    if not board.sprints:
        raise Http404(f"There is no sprint {number}.")
    return render(
        request, "oncall/capacity_sprint.html", {"board": board, "sprint": board.sprints[0]}
    )


@require_GET
def capacity_json(request: HttpRequest) -> JsonResponse:
    """[{"group", "engineers", "working_days", "oncall_days", "time_off_days",
    "available_days", "percent", "points", "bug_points"}] for `?sprint=<number>`
    (default: the current sprint)."""
    raw = request.GET.get("sprint", "").strip()
    if raw:
        if not raw.isdigit():
            return JsonResponse(
                {"error": f"sprint must be a sprint number, not {raw!r}"}, status=400
            )
        number = int(raw)
    else:
        today = process_today()
        sprint = Sprint.objects.filter(ends_on__gte=today).order_by("starts_on").first()
        if sprint is None:
            return JsonResponse({"error": "the calendar has no current sprint"}, status=404)
        number = sprint.number
    board = capacity_board(sprint_number=number)
    if not board.sprints:
        return JsonResponse({"error": f"there is no sprint {number}"}, status=404)
    return JsonResponse([row.as_json() for row in board.sprints[0].groups], safe=False)


def _capacity_again(request: HttpRequest, partial: str, **forms: object) -> HttpResponse:
    context = _capacity_context(request, **forms)
    if getattr(request, "htmx", False):
        return render(request, partial, context)
    return render(
        request, "oncall/capacity.html", {"board": capacity_board(), **context}, status=400
    )


@require_POST
def time_off_add(request: HttpRequest) -> HttpResponse:
    form = TimeOffForm(request.POST, people=time_off_people(request.user))
    if form.is_valid():
        try:
            entry = time_off_create(
                person_id=form.cleaned_data["person"],
                starts_on=form.cleaned_data["starts_on"],
                ends_on=form.cleaned_data["ends_on"],
                note=form.cleaned_data["note"],
                actor=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"Time off entered for {entry.person.name}.")
            return _done(request, reverse("oncall:capacity"))
    return _capacity_again(request, "oncall/capacity.html#time-off-form", time_off_form=form)


@require_POST
def time_off_remove(request: HttpRequest, time_off_id: int) -> HttpResponse:
    try:
        time_off_delete(time_off_id=time_off_id, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Time off removed.")
    return _done(request, reverse("oncall:capacity"))


@require_POST
def calendar_set(request: HttpRequest) -> HttpResponse:
    form = CalendarForm(request.POST, people=time_off_people(request.user))
    if form.is_valid():
        try:
            profile = time_off_calendar_set(
                person_id=form.cleaned_data["person"],
                ics_url=form.cleaned_data["ics_url"],
                actor=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if profile.ics_url:
                messages.success(
                    request, f"Importing {profile.person.name}'s time off from their calendar."
                )
            else:
                messages.success(request, f"{profile.person.name}'s calendar is no longer read.")
            return _done(request, reverse("oncall:capacity"))
    return _capacity_again(request, "oncall/capacity.html#calendar-form", calendar_form=form)


@require_POST
def calendar_import(request: HttpRequest, person_id: int) -> HttpResponse:
    """Import now, in the request: the person waits a few seconds and sees the outcome."""
    people = {p.pk for p in time_off_people(request.user)}
    if person_id not in people:
        raise PermissionDenied("Only the person, their EM, or staff may import their time off.")
    result = time_off_import(person_id=person_id)
    (messages.success if result.ok else messages.error)(request, result.message)
    return _done(request, reverse("oncall:capacity"))


# -- calendar feeds (no session: calendar apps authenticate by the URL's secret) -------------


def _ics_response(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, max-age=300"
    return response


@require_GET
@login_not_required
def feed_rotation(request: HttpRequest, token: str, rotation_id: int) -> HttpResponse:
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


@require_GET
@login_not_required
def feed_me(request: HttpRequest, token: str) -> HttpResponse:
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
