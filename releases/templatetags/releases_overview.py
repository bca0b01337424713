"""`{% releases_mine as sections %}`: the signed-in person's release work, for the overview.

The core imports no domain app, so the overview's template loads this tag library: it
answers with `WorkSection`s that `{% my_work %}` orders among the other apps' sections.
"""

from __future__ import annotations

from django import template

from fleetops.core.mywork import WorkSection
from fleetops.org.models import process_today
from fleetops.org.roles import person_of
from releases.board.mywork import release_sections, release_work

register = template.Library()


@register.simple_tag(takes_context=True)
def releases_mine(context: template.Context) -> list[WorkSection]:
    request = context.get("request")
    person = person_of(getattr(request, "user", None))
    return release_sections(release_work(person=person, today=process_today()))
