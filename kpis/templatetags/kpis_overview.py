"""`{% kpis_mine as sections %}`: last week's headline KPIs for staff, on the overview.

The core imports no domain app, so the overview's template loads this tag library: it
answers with `WorkSection`s that `{% my_work %}` orders among the other apps' sections.
"""

from __future__ import annotations

from django import template

from fleetops.core.mywork import WorkSection
from fleetops.org.roles import is_staff
from kpis.mywork import kpi_sections

register = template.Library()


@register.simple_tag(takes_context=True)
def kpis_mine(context: template.Context) -> list[WorkSection]:
    request = context.get("request")
    return kpi_sections(staff=is_staff(getattr(request, "user", None)))
