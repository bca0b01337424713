"""Outages answer 503 with Retry-After, never 500: the database or Redis refused or hung.

Django turns an exception raised inside a middleware (the session read behind
`request.user`, say) into a 500 response at that middleware's layer, before any outer
middleware sees the exception. So the outage is noted where Django reports it, on the
`got_request_exception` signal, and `OutageMiddleware` (outermost) replaces that request's
500 with the 503 page. The page itself needs neither the database nor Redis.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable

import redis
from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from kombu.exceptions import OperationalError as BrokerError

logger = logging.getLogger(__name__)

RETRY_AFTER = "30"
DATABASE = "database"
QUEUE = "queue"
OUTAGE_ERRORS: dict[type[BaseException], str] = {
    OperationalError: DATABASE,
    InterfaceError: DATABASE,
    redis.ConnectionError: QUEUE,
    redis.TimeoutError: QUEUE,
    BrokerError: QUEUE,
}
MARK = "_fleetops_outage"


def outage_of(exc: BaseException | None) -> str | None:
    """ "database" or "queue" when `exc` (or what caused it) is an outage, else None."""
    seen = 0
    while exc is not None and seen < 5:
        for kind, what in OUTAGE_ERRORS.items():
            if isinstance(exc, kind):
                return what
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return None


def outage_response(request: HttpRequest | None, what: str = DATABASE) -> HttpResponse:
    """The 503 page (or a line of text for htmx), with Retry-After; no database needed."""
    htmx = request is not None and request.headers.get("HX-Request") == "true"
    if htmx:
        text = (
            "The database is not answering; nothing was changed. This clears by itself."
            if what == DATABASE
            else "The task queue is not answering; nothing was changed. Try again shortly."
        )
        response = HttpResponse(text, status=503, content_type="text/plain; charset=utf-8")
        response["HX-Outage"] = what
    else:
        response = HttpResponse(_page(what), status=503)
    response["Retry-After"] = RETRY_AFTER
    return response


def _page(what: str) -> str:
    try:
        return render_to_string("503.html", {"what": what})
    except Exception:  # the outage page must answer even when its template cannot render
        logger.exception("the 503 page did not render")
        name = "database" if what == DATABASE else "task queue"
        return f"<!doctype html><title>Unavailable</title><h1>The {name} is not answering</h1>"


@receiver(got_request_exception)
def _note_outage(sender: object, request: HttpRequest | None = None, **kwargs: object) -> None:
    what = outage_of(sys.exc_info()[1])
    if request is not None and what is not None:
        setattr(request, MARK, what)
        logger.warning("%s unavailable during %s %s", what, request.method, request.path)


class OutageMiddleware:
    """Outermost: a request that met an outage anywhere answers 503 with Retry-After."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            response = self.get_response(request)
        except Exception as exc:  # raised past every layer (tests run with raise_request_exception)
            what = outage_of(exc)
            if what is None:
                raise
            return outage_response(request, what)
        what = getattr(request, MARK, None)
        if what is not None and response.status_code >= 500:
            return outage_response(request, what)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        what = outage_of(exception)
        return outage_response(request, what) if what else None
