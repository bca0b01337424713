"""Your settings: the time zone every moment on every page is shown in (ADR 0016)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from fleetops.org.forms import PersonSettingsForm
from fleetops.org.roles import person_of
from fleetops.org.services import person_time_zone_set

NO_PERSON = (
    "This account is not a person of the organisation, so it has no settings: times are "
    "shown in the default zone (FLEETOPS_TIME_ZONE)."
)


@require_http_methods(["GET", "HEAD", "POST"])
def me(request: HttpRequest) -> HttpResponse:
    person = person_of(request.user)
    if person is None:
        status = 403 if request.method == "POST" else 200
        return render(
            request,
            "org/settings.html",
            {"form": None, "refusal": NO_PERSON, "default_zone": settings.FLEETOPS_TIME_ZONE},
            status=status,
        )
    if request.method == "POST":
        form = PersonSettingsForm(request.POST, current=person.time_zone)
        if form.is_valid():
            person_time_zone_set(person_id=person.pk, time_zone=form.cleaned_data["time_zone"])
            messages.success(request, "Saved: every page now shows times in your new zone.")
            return redirect("me")
    else:
        form = PersonSettingsForm(initial={"time_zone": person.time_zone}, current=person.time_zone)
    return render(
        request, "org/settings.html", {"form": form, "person": person, "now": timezone.now()}
    )
