"""Where long names may break on a narrow screen: between the parts of a path, never inside
a word ("handbook/engineering/" then "engineering.rituals.yml", not "engineering.r"/"ituals")."""

from __future__ import annotations

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.filter(needs_autoescape=True)
def path_breaks(value: object, autoescape: bool = True) -> SafeString:
    """`a/b/c.yml` with a line-break opportunity (<wbr>) after each slash."""
    text = conditional_escape(value) if autoescape else str(value)
    # Escaped just above (or autoescape is off, as in any Django filter).
    return mark_safe(str(text).replace("/", "/<wbr>"))
