"""htmx helpers shared by every app's views: the typed request, page-or-partial, refusals.

A page renders whole without JavaScript; htmx asks for the part it swaps (an inline
partial named like the DOM id of its root element). A refused action answers 403 with the
reason: plain text for htmx (shown where the click was), a page otherwise.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django_htmx.http import HttpResponseClientRedirect
from django_htmx.middleware import HtmxDetails

FORBIDDEN_TEMPLATE = "core/forbidden.html"


class HtmxHttpRequest(HttpRequest):
    """A request that went through django-htmx's middleware (for type checkers)."""

    htmx: HtmxDetails


def is_htmx(request: HttpRequest) -> bool:
    """The request came from htmx (false without django-htmx's middleware, e.g. in tests)."""
    return bool(getattr(request, "htmx", False))


def render_page_or_partial(
    request: HttpRequest,
    template: str,
    partial: str,
    context: dict[str, Any],
    *,
    status: int | None = None,
) -> HttpResponse:
    """The whole page, or for htmx only its inline partial `template#partial`."""
    name = f"{template}#{partial}" if is_htmx(request) else template
    return render(request, name, context, status=status)


def forbidden(request: HttpRequest, reason: object) -> HttpResponse:
    """403 with the reason: plain text for htmx (shown on the card), a page otherwise."""
    message = str(reason)
    if is_htmx(request):
        return HttpResponse(message, status=403, content_type="text/plain; charset=utf-8")
    return render(request, FORBIDDEN_TEMPLATE, {"message": message}, status=403)


def reload_or_redirect(request: HttpRequest, to: str) -> HttpResponse:
    """After a change: htmx reloads the page at `to` (the frame may show what changed, e.g.
    who is on call), any other request is redirected there."""
    if is_htmx(request):
        return HttpResponseClientRedirect(to)
    return redirect(to)
