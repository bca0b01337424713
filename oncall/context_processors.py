"""Every page's header: who is on call now and until when (at most two queries)."""

from __future__ import annotations

import functools
from collections.abc import Callable

from django.http import HttpRequest
from django.utils import timezone

from oncall.schedule.selectors import OncallShift, oncall_shift_current


def _until_label(shift: OncallShift | None) -> str:
    if shift is None or shift.person is None or shift.ends_at is None:
        return ""
    local = timezone.localtime(shift.ends_at)
    if (shift.ends_at - timezone.now()).days >= 6:
        return f"{local:%a %b} {local.day}, {local:%H:%M}"
    return f"{local:%a %H:%M}"


def oncall_header(shift_of: Callable[[], OncallShift | None]) -> dict[str, object]:
    """The header's names, each computed when a template shows it from `shift_of()`.

    A page that has loaded the schedule already passes these in its own context (which
    wins over a context processor's), with its shift: the header then costs no query.
    """

    def person_name() -> str:
        shift = shift_of()
        return shift.person.name if shift and shift.person else ""

    def until():
        shift = shift_of()
        return shift.ends_at if shift and shift.person else None

    def rotation() -> str:
        shift = shift_of()
        return shift.rotation if shift else ""

    return {
        "oncall_now": person_name,
        "oncall_until": until,
        "oncall_until_label": lambda: _until_label(shift_of()),
        "oncall_rotation": rotation,
    }


def oncall_now(request: HttpRequest) -> dict[str, object]:
    """`oncall_now` (a name), `oncall_until` (aware datetime), lazily: partials that do not
    show the header cost no query, and the shift is loaded at most once per render."""
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    return oncall_header(functools.cache(oncall_shift_current))
