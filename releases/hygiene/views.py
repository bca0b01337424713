"""A release's hygiene findings: the page and its JSON."""

from __future__ import annotations

from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from fleetops.core.bounds import parse_int
from fleetops.core.htmx import HtmxHttpRequest
from releases.board.selectors import release_get
from releases.hygiene.selectors import hygiene_json_rows, release_hygiene_page


@require_safe
def hygiene(request: HtmxHttpRequest, version: str) -> HttpResponse:
    """The findings, 50 a page, of every rule or of `?rule=`; `?page=` that is not a page
    number answers 400 with the first page and says so."""
    release = release_get(version=version)
    raw_page = request.GET.get("page", "")
    page = parse_int(raw_page, low=1) if raw_page else 1
    shown = release_hygiene_page(release=release, rule=request.GET.get("rule", ""), page=page or 1)
    return render(
        request,
        "releases/hygiene.html",
        {
            "release": release,
            "hygiene": shown.summary,
            "page": shown,
            "findings": shown.findings,
            "rule_filter": shown.rule,
            "page_error": ""
            if page
            else f"“{raw_page[:20]}” is not a page number; showing the first page.",
        },
        status=200 if page else 400,
    )


@require_safe
def hygiene_json(request: HtmxHttpRequest, version: str) -> JsonResponse:
    """`GET /releases/<version>/hygiene.json`: the findings, as `release_hygiene --json`."""
    return JsonResponse(hygiene_json_rows(release=release_get(version=version)), safe=False)
