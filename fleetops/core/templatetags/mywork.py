"""`{% my_work a b … as sections %}`: the domain apps' overview sections, most urgent first."""

from __future__ import annotations

from django import template

from fleetops.core.mywork import WorkSection, work_sections

register = template.Library()


@register.simple_tag
def my_work(*contributions: list[WorkSection] | None) -> list[WorkSection]:
    return work_sections(*contributions)


@register.simple_tag(takes_context=True)
def work_section(context: template.Context, section: WorkSection) -> str:
    """One section, rendered with its own context on top of the page's (user, request, …)."""
    with context.push(**section.context, section=section):
        return context.template.engine.get_template(section.template).render(context)
