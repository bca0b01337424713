from __future__ import annotations

import zoneinfo
from collections.abc import Callable

from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequired
from django.http import HttpRequest, HttpResponse
from django.shortcuts import resolve_url
from django.utils import timezone
from django.utils.http import urlencode

from fleetops.core.outage import OutageMiddleware


class LoginRequiredMiddleware(DjangoLoginRequired):
    """Every page needs a login; an htmx request whose session expired gets HX-Redirect.

    Swapping the login page into a card would be wrong: send the whole page to login,
    coming back to the page the partial belongs to (HX-Current-URL), not the partial.
    """

    def handle_no_permission(self, request: HttpRequest, view_func: Callable) -> HttpResponse:
        htmx = getattr(request, "htmx", None)
        if htmx:
            back = htmx.current_url_abs_path or "/"
            login = resolve_url(self.get_login_url(view_func))
            response = HttpResponse(status=204)
            response["HX-Redirect"] = f"{login}?{urlencode({REDIRECT_FIELD_NAME: back})}"
            return response
        return super().handle_no_permission(request, view_func)


class ViewerTimezoneMiddleware:
    """Show times in the viewer's time zone (their Person's), else the process zone."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        zone = None
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            person = getattr(user, "person", None)
            if person is not None:
                try:
                    zone = zoneinfo.ZoneInfo(person.time_zone)
                except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                    zone = None
        if zone is None:
            timezone.deactivate()
        else:
            timezone.activate(zone)
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


class DatabaseUnavailableMiddleware(OutageMiddleware):
    """The name settings have always used; see `fleetops.core.outage`."""
