from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from fleetops.org.models import process_today
from releases.selectors import release_calendar

# Handbook, "Confirm latest versions of dependencies": the checks, in its order.
DEPENDENCY_CHECKS = [
    ("Go", "Latest minor release of the Go version in go.mod", "bug, release blocker"),
    (
        "macadmins-extension",
        "Latest release of the version required in go.mod",
        "bug, release blocker",
    ),
    (
        "osquery",
        "Latest release of the version in the osqueryd targets workflow",
        "bug, not blocking",
    ),
    (
        "Vulnerability feeds",
        "NVD and CISA announcements that may affect the data feeds",
        "notify on-call",
    ),
    (
        "fleetd components",
        "Changes to orbit/ and ee/fleetd-chrome/ since their last tags",
        "fleetd release QA",
    ),
]


def index(request: HttpRequest) -> HttpResponse:
    today = process_today()
    return render(
        request,
        "releases/index.html",
        {"calendar": release_calendar(today=today), "today": today},
    )


def dependencies(request: HttpRequest) -> HttpResponse:
    return render(request, "releases/dependencies.html", {"checks": DEPENDENCY_CHECKS})
