"""htmx helpers, once: the typed request, page-or-partial rendering, refusals with reasons.

Views take an `HtmxHttpRequest` (django-htmx's middleware sets `request.htmx`) and answer an
htmx request with the partial it swaps in, any other request with the whole page.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def is_htmx(request: HttpRequest) -> bool:
    """Whether htmx sent the request (False for requests that bypassed the middleware)."""
    return bool(getattr(request, "htmx", False))


def render_page_or_partial(
    request: HttpRequest,
    template: str,
    partial: str,
    context: dict[str, Any],
    *,
    status: int = 200,
) -> HttpResponse:
    """The partial `template#partial` for htmx, the whole `template` otherwise."""
    name = f"{template}#{partial}" if is_htmx(request) else template
    return render(request, name, context, status=status)


def forbidden(request: HttpRequest, exc: Exception | str) -> HttpResponse:
    """403 with the reason: plain text for htmx (the page shows it where the action was),
    a page in the frame otherwise. Nothing was changed."""
    message = str(exc)
    if is_htmx(request):
        return HttpResponse(message, status=403, content_type="text/plain; charset=utf-8")
    return render(request, "core/forbidden.html", {"message": message}, status=403)
