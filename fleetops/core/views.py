from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from fleetops.core.health import broker_check, database_check
from fleetops.core.htmx import FORBIDDEN_TEMPLATE
from fleetops.core.selectors import overview


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html", {"overview": overview()})


@require_safe
@never_cache
@login_not_required
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database answers (503 when not), with the broker's state beside it."""
    database, broker = database_check(), broker_check()
    body = {
        "status": "ok" if database.ok and broker.ok else ("degraded" if database.ok else "down"),
        "database": database.as_dict(),
        "broker": broker.as_dict(),
    }
    return JsonResponse(body, status=200 if database.ok else 503)


def _not_offered(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404("Not offered here.")


def github_configured() -> bool:
    return bool(settings.GITHUB_CLIENT_ID and settings.GITHUB_CLIENT_SECRET)


def mail_configured() -> bool:
    return bool(settings.EMAIL_HOST)


def only_if(available, view):
    """`view` while `available()` says so, a 404 otherwise (checked on each request, so a
    setting changed in tests or at deploy applies): allauth answers 500 for a provider
    without an app, and password reset cannot mail without a mail server."""

    @login_not_required
    def guarded(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        return (view if available() else _not_offered)(request, *args, **kwargs)

    return guarded


@login_not_required
def admin_login(request: HttpRequest) -> HttpResponse:
    """The admin's sign-in: allauth's page (one sign-in, with its rate limits).

    Someone signed in who is not staff is told so: sending them to the sign-in page would
    send them straight back here (allauth forwards the signed-in), a redirect loop.
    """
    if request.user.is_authenticated:
        message = "The administration is for staff. Ask a staff member for what you need."
        return render(request, FORBIDDEN_TEMPLATE, {"message": message}, status=403)
    query = request.GET.urlencode()
    return redirect(reverse("account_login") + (f"?{query}" if query else ""))
