"""Every page's header: who is on call now and until when (at most two queries)."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone

from oncall.selectors import OncallShift, oncall_shift_current

_UNSET = object()


def oncall_shift_for(request: HttpRequest) -> OncallShift | None:
    """The current shift, computed once per request (a page may have set it already)."""
    shift = getattr(request, "_oncall_shift", _UNSET)
    if shift is _UNSET:
        shift = oncall_shift_current()
        request._oncall_shift = shift
    return shift


def _until_label(shift: OncallShift | None) -> str:
    if shift is None or shift.person is None or shift.ends_at is None:
        return ""
    local = timezone.localtime(shift.ends_at)
    if (shift.ends_at - timezone.now()).days >= 6:
        return f"{local:%a %b} {local.day}, {local:%H:%M}"
    return f"{local:%a %H:%M}"


def oncall_now(request: HttpRequest) -> dict[str, object]:
    """`oncall_now` (a name), `oncall_until` (aware datetime), lazily: partials that do not
    show the header cost no query."""
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}

    def person_name() -> str:
        shift = oncall_shift_for(request)
        return shift.person.name if shift and shift.person else ""

    def until():
        shift = oncall_shift_for(request)
        return shift.ends_at if shift and shift.person else None

    def rotation() -> str:
        shift = oncall_shift_for(request)
        return shift.rotation if shift else ""

    return {
        "oncall_now": person_name,
        "oncall_until": until,
        "oncall_until_label": lambda: _until_label(oncall_shift_for(request)),
        "oncall_rotation": rotation,
    }
