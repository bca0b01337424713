"""Template helpers for feeds and long names: webcal:// addresses, break points in paths."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.test import RequestFactory

from fleetops.core.templatetags.feeds import webcal


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "https://ops.example.com/oncall/feeds/1.x/me.ics",
            "webcal://ops.example.com/oncall/feeds/1.x/me.ics",
        ),
        ("http://127.0.0.1:8000/a.ics", "webcal://127.0.0.1:8000/a.ics"),
        ("HTTPS://ops.example.com/a.ics", "webcal://ops.example.com/a.ics"),
        ("/relative/a.ics", "/relative/a.ics"),
        ("ftp://example.com/a.ics", "ftp://example.com/a.ics"),
    ],
)
def test_webcal_swaps_only_an_http_scheme(url, expected):
    assert webcal(url) == expected


def test_absolute_url_uses_the_requests_scheme_and_host():
    request = RequestFactory().get("/", HTTP_HOST="ops.example.com", secure=True)
    html = Template("{% load feeds %}{% absolute_url 'releases:calendar-feed' '7.abc' %}").render(
        Context({"request": request})
    )
    assert html == "https://ops.example.com/releases/feeds/7.abc/calendar.ics"


def test_path_breaks_adds_a_break_after_each_slash_and_escapes():
    html = Template("{% load wrapping %}{{ path|path_breaks }}").render(
        Context({"path": "handbook/<b>x</b>/engineering.rituals.yml"})
    )
    assert html == "handbook/<wbr>&lt;b&gt;x&lt;/<wbr>b&gt;/<wbr>engineering.rituals.yml"
