"""A release's hygiene findings: the page and its JSON."""

from __future__ import annotations

from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from fleetops.core.htmx import HtmxHttpRequest
from releases.board.selectors import release_get
from releases.hygiene import rules
from releases.hygiene.selectors import release_hygiene


@require_safe
def hygiene(request: HtmxHttpRequest, version: str) -> HttpResponse:
    release = release_get(version=version)
    summary = release_hygiene(release=release)
    rule_filter = request.GET.get("rule", "")
    findings = [f for f in summary.findings if not rule_filter or f.rule == rule_filter]
    return render(
        request,
        "releases/hygiene.html",
        {
            "release": release,
            "hygiene": summary,
            "findings": findings,
            "rule_filter": rule_filter if rule_filter in rules.RULES else "",
        },
    )


@require_safe
def hygiene_json(request: HtmxHttpRequest, version: str) -> JsonResponse:
    """`GET /releases/<version>/hygiene.json`: the findings, as `release_hygiene --json`."""
    release = release_get(version=version)
    summary = release_hygiene(release=release)
    return JsonResponse([finding.as_json() for finding in summary.findings], safe=False)
