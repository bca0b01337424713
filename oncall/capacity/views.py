"""Capacity pages and JSON, and the time off that feeds them."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from fleetops.core.bounds import parse_int
from fleetops.core.htmx import HtmxHttpRequest, is_htmx, reload_or_redirect
from fleetops.org.models import process_today
from fleetops.org.roles import person_of
from fleetops.org.selectors import sprint_current
from oncall.capacity.selectors import calendar_imports, capacity_board, time_off_upcoming
from oncall.permissions import time_off_people
from oncall.schedule.forms import CalendarForm, TimeOffForm
from oncall.schedule.services import (
    time_off_calendar_set,
    time_off_create,
    time_off_delete,
    time_off_import,
)

# -- capacity ---------------------------------------------------------------------------------


def _capacity_context(
    request: HtmxHttpRequest,
    *,
    time_off_form: TimeOffForm | None = None,
    calendar_form: CalendarForm | None = None,
) -> dict[str, object]:
    people = time_off_people(request.user)
    me = person_of(request.user)
    today = timezone.localdate()  # the viewer's today
    if people:
        who = me if me in people else people[0]
        day = _next_working_day(today)
        if time_off_form is None:
            time_off_form = TimeOffForm(
                people=people,
                today=today,
                initial={"person": who.pk, "starts_on": day, "ends_on": day},
            )
        if calendar_form is None:
            calendar_form = CalendarForm(people=people, initial={"person": who.pk})
    return {
        "time_off_form": time_off_form,
        "calendar_form": calendar_form,
        "time_off": time_off_upcoming(today=today),
        "imports": calendar_imports(),
        "manageable": {p.pk for p in people},
    }


def _next_working_day(today: dt.date) -> dt.date:
    """The time off form's default day: the next weekday after today."""
    day = today + dt.timedelta(days=1)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


@require_safe
def capacity(request: HtmxHttpRequest) -> HttpResponse:
    return render(
        request,
        "oncall/capacity.html",
        {"board": capacity_board(today=timezone.localdate()), **_capacity_context(request)},
    )


@require_safe
def capacity_sprint(request: HtmxHttpRequest, number: int) -> HttpResponse:
    """Who is on call and away in one sprint, per product group (the EM's click-through)."""
    board = capacity_board(sprint_number=number)
    if not board.sprints:
        raise Http404(f"There is no sprint {number}.")
    return render(
        request, "oncall/capacity_sprint.html", {"board": board, "sprint": board.sprints[0]}
    )


@require_safe
def capacity_json(request: HtmxHttpRequest) -> JsonResponse:
    """[{"group", "engineers", "working_days", "oncall_days", "time_off_days",
    "available_days", "percent", "points", "bug_points"}] for `?sprint=<number>`
    (default: the current sprint)."""
    raw = request.GET.get("sprint", "").strip()
    if raw:
        number = parse_int(raw)
        if number is None:
            return JsonResponse(
                {"error": f"sprint must be a sprint number, not {raw!r}"}, status=400
            )
    else:
        sprint = sprint_current(today=process_today())
        if sprint is None:
            return JsonResponse({"error": "the calendar has no current sprint"}, status=404)
        number = sprint.number
    board = capacity_board(sprint_number=number)
    if not board.sprints:
        return JsonResponse({"error": f"there is no sprint {number}"}, status=404)
    return JsonResponse([row.as_json() for row in board.sprints[0].groups], safe=False)


def _capacity_again(
    request: HtmxHttpRequest, partial: str, status: int, **bound: object
) -> HttpResponse:
    """A refused form with the reasons next to its fields: htmx swaps it back in (200, so
    that it shows); without htmx, the whole page (400, or 403 for a person the user may not
    name)."""
    context = _capacity_context(request, **bound)
    if is_htmx(request):
        return render(request, partial, context)
    board = capacity_board(today=timezone.localdate())
    return render(request, "oncall/capacity.html", {"board": board, **context}, status=status)


def _refused(form: forms.Form, exc: PermissionDenied | ValidationError) -> int:
    """A service's refusal: the right goes next to the person's field, the rest where the
    service says (a field, or the top of the form); the status of the whole page."""
    if isinstance(exc, PermissionDenied):
        form.add_error("person", str(exc) or "You may not change their time off.")
        return 403
    form.add_error(None, exc)
    return 400


@require_POST
def time_off_add(request: HtmxHttpRequest) -> HttpResponse:
    form = TimeOffForm(request.POST, people=time_off_people(request.user))
    status = 400
    if form.is_valid():
        try:
            entry = time_off_create(
                person_id=form.cleaned_data["person"],
                starts_on=form.cleaned_data["starts_on"],
                ends_on=form.cleaned_data["ends_on"],
                note=form.cleaned_data["note"],
                actor=request.user,
            )
        except (PermissionDenied, ValidationError) as exc:
            status = _refused(form, exc)
        else:
            messages.success(request, f"Time off entered for {entry.person.name}.")
            return reload_or_redirect(request, reverse("oncall:capacity"))
    return _capacity_again(
        request, "oncall/capacity.html#time-off-form", status, time_off_form=form
    )


@require_POST
def time_off_remove(request: HtmxHttpRequest, time_off_id: int) -> HttpResponse:
    try:
        time_off_delete(time_off_id=time_off_id, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Time off removed.")
    return reload_or_redirect(request, reverse("oncall:capacity"))


@require_POST
def calendar_set(request: HtmxHttpRequest) -> HttpResponse:
    form = CalendarForm(request.POST, people=time_off_people(request.user))
    status = 400
    if form.is_valid():
        try:
            profile = time_off_calendar_set(
                person_id=form.cleaned_data["person"],
                ics_url=form.cleaned_data["ics_url"],
                actor=request.user,
            )
        except (PermissionDenied, ValidationError) as exc:
            status = _refused(form, exc)
        else:
            if profile.ics_url:
                messages.success(
                    request, f"Importing {profile.person.name}'s time off from their calendar."
                )
            else:
                messages.success(request, f"{profile.person.name}'s calendar is no longer read.")
            return reload_or_redirect(request, reverse("oncall:capacity"))
    return _capacity_again(
        request, "oncall/capacity.html#calendar-form", status, calendar_form=form
    )


@require_POST
def calendar_import(request: HtmxHttpRequest, person_id: int) -> HttpResponse:
    """Import now, in the request: the person waits a few seconds and sees the outcome."""
    people = {p.pk for p in time_off_people(request.user)}
    if person_id not in people:
        raise PermissionDenied("Only the person, their EM, or staff may import their time off.")
    result = time_off_import(person_id=person_id)
    (messages.success if result.ok else messages.error)(request, result.message)
    return reload_or_redirect(request, reverse("oncall:capacity"))
