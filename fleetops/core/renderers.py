"""The form renderer: Django's widget templates through Jinja2, anything else as before.

Jinja2 renders the built-in widgets (`django/forms/jinja2/`) 3-10x faster than the template
engine, with the same HTML (ADR 0025). Templates it does not have, such as the admin's
widgets (`admin/widgets/*.html`, written for the template engine), are rendered by the
template engine, as Django's default renderer would.
"""

from __future__ import annotations

from functools import cached_property

from django.forms.renderers import DjangoTemplates, Jinja2
from django.template.exceptions import TemplateDoesNotExist


class WidgetRenderer(Jinja2):
    @cached_property
    def _templates(self) -> DjangoTemplates:
        return DjangoTemplates()

    def get_template(self, template_name: str):
        try:
            return super().get_template(template_name)
        except TemplateDoesNotExist:
            return self._templates.get_template(template_name)
