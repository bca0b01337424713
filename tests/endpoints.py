"""Every page and JSON endpoint of the product, for the benchmark and the query-count test.

`endpoints()` builds the URLs from the data in the database (the release in QA, the current
sprint), so the same list serves seed_scale's data and the test's small data.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class Endpoint:
    name: str
    url: str
    htmx: bool = False


def endpoints() -> list[Endpoint]:
    from fleetops.org.models import Sprint, process_today
    from releases.models import Release

    release = (
        Release.objects.in_flight().order_by("-target_date").first() or Release.objects.first()
    )
    sprint = Sprint.objects.containing(process_today()).first() or Sprint.objects.last()
    found = [
        Endpoint("overview", reverse("home")),
        Endpoint("your settings", reverse("me")),
        Endpoint("healthz", reverse("healthz")),
        Endpoint("github mirror", reverse("github:sync")),
        Endpoint("github sync status (partial)", reverse("github:sync-status"), htmx=True),
        Endpoint("releases", reverse("releases:index")),
        Endpoint("releases.json", reverse("releases-json")),
        Endpoint("release calendar .ics", reverse("releases:calendar-ics")),
        Endpoint("dependencies", reverse("releases:dependencies")),
        Endpoint(
            "dependencies status (partial)", reverse("releases:dependencies-status"), htmx=True
        ),
        Endpoint("on-call", reverse("oncall:index")),
        Endpoint("on-call now.json", reverse("oncall:now-json")),
        Endpoint("capacity", reverse("oncall:capacity")),
        Endpoint("kpis (26 weeks)", reverse("kpis:index")),
        Endpoint("kpis (52 weeks)", reverse("kpis:index") + "?weeks=52"),
        Endpoint("kpis weekly.csv", reverse("kpis:weekly-csv")),
        Endpoint("kpis weekly.json", reverse("kpis:weekly-json")),
        Endpoint("rituals", reverse("rituals:index")),
        Endpoint("rituals.json", reverse("rituals:json")),
    ]
    if sprint is not None:
        found += [
            Endpoint("capacity.json", reverse("oncall:capacity-json") + f"?sprint={sprint.number}"),
            Endpoint(
                "capacity of a sprint", reverse("oncall:capacity-sprint", args=[sprint.number])
            ),
        ]
    if release is not None:
        version = release.version
        found += [
            Endpoint("release board", reverse("releases:board", args=[version])),
            Endpoint(
                "release board (live partial)",
                reverse("releases:board-live", args=[version]),
                htmx=True,
            ),
            Endpoint("release .json", reverse("releases:release-json", args=[version])),
            Endpoint(
                "release dependencies", reverse("releases:dependencies-release", args=[version])
            ),
            Endpoint("milestone conclusion plan", reverse("releases:conclude", args=[version])),
            Endpoint("release hygiene", reverse("releases:hygiene", args=[version])),
            Endpoint("release hygiene.json", reverse("releases:hygiene-json", args=[version])),
            Endpoint("dogfood deploy", reverse("releases:dogfood", args=[version])),
            Endpoint("pushed stories", reverse("releases:pushed", args=[version])),
            Endpoint("release candidate cut plan", reverse("releases:cut", args=[version])),
        ]
    return found
