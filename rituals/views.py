"""The rituals page, its JSON and the calendar feeds: parse, call a selector, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from fleetops.org.roles import person_of
from oncall.models import OncallProfile
from oncall.schedule.selectors import feed_profile
from oncall.schedule.services import oncall_profile_for
from rituals.forms import RitualFilterForm
from rituals.ics import ritual_calendar
from rituals.selectors import (
    ritual_catalogue,
    ritual_choices,
    ritual_entries,
    ritual_feed_dates,
    ritual_page,
    rituals_today,
)


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """Every ritual, its DRI, next due date and last issue; filters by DRI and file."""
    catalogue = ritual_catalogue()
    choices = ritual_choices(catalogue)
    form = RitualFilterForm(request.GET or None, dris=choices.dris, files=choices.files)
    filters = {"dri": "", "file": ""}
    if form.is_bound and form.is_valid():
        filters = form.cleaned_data
    elif form.is_bound:
        for name in form.errors:
            value = str(request.GET.get(name, ""))[:60]
            what = {"dri": "No ritual has the DRI", "file": "No rituals file is"}[name]
            messages.warning(request, f"{what} “{value}”: showing all instead.")
        filters = {k: v for k, v in (form.cleaned_data or {}).items() if k not in form.errors}
        form = RitualFilterForm(filters, dris=choices.dris, files=choices.files)
    page = ritual_page(today=rituals_today(), catalogue=catalogue, choices=choices, **filters)
    person = person_of(request.user)
    profile = oncall_profile_for(person=person) if person else None
    return render(request, "rituals/index.html", {"page": page, "form": form, "profile": profile})


@require_GET
def rituals_json(request: HttpRequest) -> JsonResponse:
    """What `manage.py rituals --json` prints, for today (UTC)."""
    return JsonResponse(
        ritual_entries(day=rituals_today()), safe=False, json_dumps_params={"indent": 2}
    )


# -- calendar feeds (no session: calendar apps authenticate by the URL's secret) -------------


def _profile(token: str) -> OncallProfile:
    """The person's on-call feed token signs their ritual feeds too; anything else is a 404."""
    profile = feed_profile(token=token) if token.isascii() else None
    if profile is None:
        raise Http404("No such feed.")
    return profile


def _ics_response(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, max-age=300"
    return response


def _feed(request: HttpRequest, *, name: str, mine_of: str | None, filename: str) -> HttpResponse:
    rituals = ritual_catalogue().rituals
    if mine_of is not None:
        rituals = [r for r in rituals if r.dri.lower() == mine_of.lower()]
    body = ritual_calendar(
        name=name,
        dates=ritual_feed_dates(rituals=rituals, first=rituals_today()),
        now=timezone.now(),
        url=request.build_absolute_uri(reverse("rituals:index")),
    )
    return _ics_response(body, filename)


@require_GET
@login_not_required
def feed_mine(request: HttpRequest, token: str) -> HttpResponse:
    """The due dates of the coming year of the token owner's own rituals."""
    person = _profile(token).person
    name = f"Rituals: {person.name}"
    return _feed(request, name=name, mine_of=person.github_login, filename="rituals-mine.ics")


@require_GET
@login_not_required
def feed_all(request: HttpRequest, token: str) -> HttpResponse:
    """The due dates of the coming year of every ritual."""
    _profile(token)
    return _feed(request, name="Rituals", mine_of=None, filename="rituals.ics")
