"""`{% rituals_mine %}`: the signed-in person's rituals due soon, for the overview page.

The core imports no domain app, so the overview's template loads this tag library instead:
the rituals app registers it, and it runs only on the page that shows it.
"""

from __future__ import annotations

from typing import Any

from django import template

from fleetops.org.roles import person_of
from rituals.selectors import rituals_due_for, rituals_for_patch_releases, rituals_today

register = template.Library()

DAYS_AHEAD = 14


@register.inclusion_tag("rituals/overview_card.html", takes_context=True)
def rituals_mine(context: template.Context) -> dict[str, Any]:
    request = context.get("request")
    person = person_of(getattr(request, "user", None))
    today = rituals_today()
    return {
        "person": person,
        "rows": rituals_due_for(person=person, today=today, days=DAYS_AHEAD),
        "days": DAYS_AHEAD,
        "today": today,
    }


@register.inclusion_tag("rituals/patch_release_card.html")
def rituals_patch_release(release: Any) -> dict[str, Any]:
    """The rituals done for each patch release, on a patch release's board (else nothing)."""
    is_patch = getattr(release, "kind", "") == "patch"
    return {"rituals": rituals_for_patch_releases() if is_patch else [], "release": release}
