from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from fleetops.core.health import broker_check, database_check
from fleetops.core.selectors import overview


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html", {"overview": overview()})


@require_GET
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
