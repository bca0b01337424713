"""Form widgets render through Jinja2 (settings.FORM_RENDERER): the same HTML as Django's
template engine would give, for every kind of widget the product uses and any value."""

from __future__ import annotations

import datetime as dt
import re

from django import forms
from django.forms.renderers import DjangoTemplates, Jinja2
from hypothesis import given
from hypothesis import strategies as st

TEMPLATES, JINJA2 = DjangoTemplates(), Jinja2()

text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=20
)
attrs = st.dictionaries(
    st.sampled_from(["class", "placeholder", "maxlength", "aria-describedby", "autofocus"]),
    st.one_of(text, st.booleans(), st.integers(0, 500)),
    max_size=3,
)
choices = st.lists(st.tuples(text, text), max_size=6)


def _same(widget: forms.Widget, name: str, value) -> None:
    html = [_normal(widget.render(name, value, renderer=r)) for r in (TEMPLATES, JINJA2)]
    assert html[1] == html[0]


def _normal(html: str) -> str:
    """The two template sets differ only in the whitespace between tags and in how they
    write a quote: Django `&#x27;` and `&quot;`, markupsafe `&#39;` and `&#34;`."""
    html = html.replace("&#39;", "&#x27;").replace("&#34;", "&quot;")
    return re.sub(r">\s+<", "><", html).strip()


@given(attrs, text, st.one_of(st.none(), text, st.integers()))
def test_inputs_and_textareas_render_alike(attributes, name, value):
    for widget in (
        forms.TextInput(attrs=attributes),
        forms.URLInput(attrs=attributes),
        forms.HiddenInput(attrs=attributes),
        forms.Textarea(attrs=attributes),
    ):
        _same(widget, name or "field", value)


@given(attrs, choices, st.one_of(st.none(), text))
def test_selects_render_alike(attributes, options, value):
    _same(forms.Select(attrs=attributes, choices=options), "state", value)
    grouped = [("Group <one>", options), ("", [("x", "Plain & simple")])]
    _same(forms.Select(attrs=attributes, choices=grouped), "zone", value)


@given(st.dates(min_value=dt.date(1, 1, 1)), st.datetimes(timezones=st.just(dt.UTC)))
def test_dates_render_alike(day, moment):
    _same(forms.DateInput(attrs={"type": "date"}), "on", day)
    _same(forms.DateTimeInput(attrs={"type": "datetime-local"}), "at", moment)


def test_the_product_renders_widgets_with_jinja2_and_the_admins_with_the_template_engine():
    from django.contrib.admin.widgets import AdminTimeWidget
    from django.forms.renderers import get_default_renderer

    from fleetops.core.renderers import WidgetRenderer

    renderer = get_default_renderer()
    assert isinstance(renderer, WidgetRenderer)
    assert isinstance(renderer, Jinja2)
    assert "jinja2" in type(renderer.get_template("django/forms/widgets/input.html")).__module__
    _same(forms.Textarea(), "note", "a & b")
    # The admin's widgets exist only for the template engine: rendered by it, not refused
    # (the admin add pages' tests render the related-object wrapper the same way).
    html = AdminTimeWidget().render("at", dt.time(9, 30), renderer=renderer)
    assert html == AdminTimeWidget().render("at", dt.time(9, 30), renderer=TEMPLATES)
    assert 'value="09:30:00"' in html
