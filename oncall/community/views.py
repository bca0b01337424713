"""Community work on the on-call page: closing a stale community issue."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from fleetops.core.htmx import HtmxHttpRequest, is_htmx, reload_or_redirect
from oncall.community.services import stale_issue_close


@require_POST
def stale_close(request: HtmxHttpRequest, number: int) -> HttpResponse:
    try:
        result = stale_issue_close(number=number, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return reload_or_redirect(request, reverse("oncall:index") + "#stale")
    if is_htmx(request):
        return render(
            request, "oncall/index.html#stale-result", {"result": result, "number": number}
        )
    status = result.close.status if result.close else result.comment.status
    messages.success(request, f"#{number}: closed with a comment ({status}).")
    return redirect(reverse("oncall:index") + "#stale")
