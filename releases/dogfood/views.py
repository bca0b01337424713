"""The dogfood deploy page of a release: the preview of the dispatch, the form, the history."""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from fleetops.core.htmx import HtmxHttpRequest, forbidden
from releases.board.selectors import release_get
from releases.dogfood import rules
from releases.dogfood.forms import DogfoodDeployForm
from releases.dogfood.selectors import dogfood_history, dogfood_last_deployed
from releases.dogfood.services import DEPLOYABLE, dogfood_deploy, dogfood_dispatch_payload
from releases.permissions import can_drive

_OUTCOME = {
    "dry-run": "Dry run: the dispatch of {image} was recorded, not sent.",
    "done": "GitHub started the dogfood deploy of {image}.",
    "failed": "GitHub refused the dispatch of {image}: see the history, then try again.",
}


@require_http_methods(["GET", "HEAD", "POST"])
def dogfood(request: HtmxHttpRequest, version: str) -> HttpResponse:
    """GET: what the deploy would do; POST: the DRI (or staff) deploys."""
    release = release_get(version=version)
    form = DogfoodDeployForm(request.POST or None)
    refused_input = request.method == "POST" and not form.is_valid()
    if request.method == "POST" and not refused_input:
        try:
            deploy = dogfood_deploy(
                release=release, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except PermissionDenied as exc:
            return forbidden(request, exc)
        except ValidationError as exc:
            form.add_error("reason", exc)
        else:
            messages.success(
                request,
                _OUTCOME.get(deploy.status, "{image}: {status}.").format(
                    image=deploy.image, status=deploy.status
                ),
            )
            return redirect("releases:dogfood", version=version)
    now = timezone.now()
    return render(
        request,
        "releases/dogfood.html",
        {
            "release": release,
            "form": form,
            "can_drive": can_drive(request.user, release),
            "deployable": release.state in DEPLOYABLE,
            "in_sales_hours": rules.in_sales_demo_hours(now),
            "now": now,
            "last_deployed": dogfood_last_deployed(),
            "history": dogfood_history(release=release),
            "path": (
                f"/repos/{settings.GITHUB_REPOSITORY}/actions/workflows/"
                f"{settings.FLEETOPS_DOGFOOD_WORKFLOW}/dispatches"
            ),
            "payload": json.dumps(dogfood_dispatch_payload(version=release.version)),
            "writes_on": settings.FLEETOPS_GITHUB_WRITE,
        },
        # A malformed reason is bad input (400); a deploy the rules refuse (not published,
        # sales hours without a reason, an older version) is said next to the field (200).
        status=400 if refused_input else None,
    )
