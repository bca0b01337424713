"""The release calendar (.ics): for a signed-in download, and as a feed that calendar apps
subscribe to by a secret address (no session: the URL's token signs in).

The token is the person's calendar-feed token, the same one as their on-call and ritual
feeds (oncall.models.OncallProfile): one secret per person, rotated from any feed card,
and a rotated or unknown token is a 404 (docs/adr/0019-one-feed-token-per-person.md).
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from fleetops.org.models import process_today
from fleetops.org.roles import person_of
from oncall.schedule.selectors import feed_profile, oncall_profile_of
from releases.board.ics import release_calendar_ics
from releases.board.models import Release
from releases.board.selectors import release_calendar

# A subscribed calendar shows the sprints of the last two months and the coming ones.
CALENDAR_BACK = dt.timedelta(days=60)
CALENDAR_SPRINTS = 12


def _calendar(request: HttpRequest, *, disposition: str) -> HttpResponse:
    body = release_calendar_ics(
        sprints=release_calendar(today=process_today() - CALENDAR_BACK, count=CALENDAR_SPRINTS),
        releases=Release.objects.exclude(target_date=None).select_related("dri"),
        now=timezone.now(),
        page_url=request.build_absolute_uri(reverse("releases:index")),
        board_url=lambda version: request.build_absolute_uri(
            reverse("releases:board", args=[version])
        ),
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'{disposition}; filename="fleet-releases.ics"'
    response["Cache-Control"] = "private, max-age=300"
    return response


@require_safe
def calendar_ics(request: HttpRequest) -> HttpResponse:
    """The release calendar, downloaded by a signed-in person."""
    return _calendar(request, disposition="attachment")


@require_safe
@login_not_required
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The release calendar for a calendar app: the token signs in; anything else is a 404."""
    if feed_profile(token=token) is None:
        raise Http404("No such feed.")
    return _calendar(request, disposition="inline")


def feed_card(request: HttpRequest) -> dict[str, object]:
    """What the release page's feed card needs: the viewer's person and feed profile (a read
    makes no profile: the card's button does)."""
    person = person_of(request.user)
    return {"feed_person": person, "feed_profile": oncall_profile_of(person=person)}
