"""Pushed stories: the preview of each notice, and the button that sends it once."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from fleetops.core.htmx import HtmxHttpRequest, forbidden
from releases.board.selectors import release_get
from releases.notifications.selectors import pushed_story_previews
from releases.notifications.services import can_notify_pushed, pushed_story_notify

_SAID = {
    "dry-run": "Dry run: the comment was recorded as a preview; nobody was told.",
    "done": "Stakeholders told.",
    "pending": "Stakeholders told.",
    "failed": "GitHub did not take the comment: try again.",
}


@require_safe
def pushed(request: HtmxHttpRequest, version: str) -> HttpResponse:
    release = release_get(version=version)
    return render(
        request,
        "releases/pushed.html",
        {
            "release": release,
            "previews": pushed_story_previews(),
            "can_notify": can_notify_pushed(request.user, release),
            "writes_on": settings.FLEETOPS_GITHUB_WRITE,
            "head_of_product_design": settings.FLEETOPS_HEAD_OF_PRODUCT_DESIGN,
        },
    )


@require_POST
def pushed_notify(request: HtmxHttpRequest, version: str, number: int) -> HttpResponse:
    release = release_get(version=version)
    try:
        outcome = pushed_story_notify(release=release, number=number, actor=request.user)
    except PermissionDenied as exc:
        return forbidden(request, exc)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"#{number}: {_SAID.get(outcome.status, outcome.status)}")
    return redirect("releases:pushed", version=version)
