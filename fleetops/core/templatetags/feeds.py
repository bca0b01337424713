"""Calendar feed addresses for templates: the absolute URL a calendar app subscribes to."""

from __future__ import annotations

from django import template
from django.urls import reverse

register = template.Library()


@register.simple_tag(takes_context=True)
def absolute_url(context: template.Context, view_name: str, *args: object) -> str:
    """`{% absolute_url 'oncall:feed-me' token as url %}`: scheme and host of this request."""
    return context["request"].build_absolute_uri(reverse(view_name, args=args))


@register.filter
def webcal(url: str) -> str:
    """The `webcal://` form of an http(s) feed URL: a click opens the calendar app's
    subscribe dialog instead of downloading the file once."""
    scheme, sep, rest = str(url).partition("://")
    return f"webcal://{rest}" if sep and scheme.lower() in ("http", "https") else str(url)
