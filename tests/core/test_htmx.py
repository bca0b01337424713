"""htmx helpers (fleetops/core/htmx.py): page or partial, and the 403 with its reason."""

from __future__ import annotations

import pytest
from django.test import RequestFactory
from django_htmx.middleware import HtmxMiddleware

from fleetops.core.htmx import forbidden, is_htmx, render_page_or_partial


def _request(*, htmx: bool):
    headers = {"HX-Request": "true"} if htmx else {}
    request = RequestFactory().get("/", headers=headers)
    HtmxMiddleware(lambda r: None)(request)
    return request


def test_is_htmx_reads_the_middleware_and_survives_without_it():
    assert is_htmx(_request(htmx=True))
    assert not is_htmx(_request(htmx=False))
    assert not is_htmx(RequestFactory().get("/"))  # no middleware: not htmx


def test_forbidden_is_plain_text_for_htmx():
    response = forbidden(_request(htmx=True), "Only the release DRI or staff can cut.")
    assert response.status_code == 403
    assert response["Content-Type"].startswith("text/plain")
    assert response.content.decode() == "Only the release DRI or staff can cut."


@pytest.mark.django_db
def test_forbidden_is_a_page_otherwise():
    response = forbidden(_request(htmx=False), "Only the release DRI or staff can cut.")
    assert response.status_code == 403
    body = response.content.decode()
    assert "Only the release DRI or staff can cut." in body
    assert "Nothing was changed." in body


def test_page_or_partial_asks_htmx_for_the_inline_partial(monkeypatch):
    asked = []
    monkeypatch.setattr(
        "fleetops.core.htmx.render",
        lambda request, name, context, status=None: asked.append((name, status)),
    )
    render_page_or_partial(_request(htmx=False), "releases/board.html", "board-live", {})
    render_page_or_partial(_request(htmx=True), "releases/board.html", "board-live", {}, status=400)
    assert asked == [("releases/board.html", None), ("releases/board.html#board-live", 400)]
