"""Numbers as the KPI page shows them: averages with 2 decimals, a dash for none."""

from __future__ import annotations

from django import template

register = template.Library()

DASH = "—"


@register.filter
def kpi_number(value: object) -> str:
    if value is None or value == "":
        return DASH
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


@register.filter
def kpi_signed(value: object) -> str:
    """A change with its sign: +3, \u22121.25 (a minus sign), \u00b10."""
    if value is None:
        return DASH
    if value == 0:
        return "±0"
    text = kpi_number(abs(value))  # type: ignore[arg-type]
    return f"+{text}" if value > 0 else f"\u2212{text}"  # type: ignore[operator]
