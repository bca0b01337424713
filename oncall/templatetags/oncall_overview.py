"""`{% oncall_mine as sections %}`: the signed-in person's on-call work, for the overview.

The core imports no domain app, so the overview's template loads this tag library: it
answers with `WorkSection`s that `{% my_work %}` orders among the other apps' sections.
"""

from __future__ import annotations

from django import template

from fleetops.core.mywork import WorkSection
from fleetops.org.roles import person_of
from oncall.mywork import oncall_sections, oncall_work

register = template.Library()


@register.simple_tag(takes_context=True)
def oncall_mine(context: template.Context) -> list[WorkSection]:
    request = context.get("request")
    return oncall_sections(oncall_work(person=person_of(getattr(request, "user", None))))
