"""What every page's frame shows: navigation, the signed-in user, the current sprint."""

from __future__ import annotations

from functools import cache

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from fleetops.github.selectors import sync_run_latest
from fleetops.org.selectors import sprint_current

NAV = [
    ("home", "Overview", "home"),
    ("releases", "Releases", "releases:index"),
    ("dependencies", "Dependencies", "releases:dependencies"),
    ("oncall", "On-call", "oncall:index"),
    ("kpis", "KPIs", "kpis:index"),
    ("rituals", "Rituals", "rituals:index"),
]


def chrome(request: HttpRequest) -> dict[str, object]:
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    match = request.resolver_match
    current = ""
    if match is not None:
        current = match.namespace or match.url_name or ""
        if match.view_name == "releases:dependencies":
            current = "dependencies"
    nav = [
        {"key": key, "label": label, "url": reverse(name), "active": key == current}
        for key, label, name in NAV
    ]
    # Looked up only when a template shows them (the frame does; htmx partials do not),
    # and once per request however often they are read.
    return {
        "nav": nav,
        # The viewer's today, as on the overview: one page never names two sprints.
        "chrome_sprint": cache(lambda: sprint_current(today=timezone.localdate())),
        "chrome_sync": cache(sync_run_latest),
        "github_repository": settings.GITHUB_REPOSITORY,
    }
