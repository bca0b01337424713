"""A release's hygiene findings (included by releases/urls.py, `releases` namespace)."""

from django.urls import path

import releases.converters  # noqa: F401  (registers `<version:...>`)
from releases.hygiene import views

urlpatterns = [
    path("<version:version>/hygiene/", views.hygiene, name="hygiene"),
    path("<version:version>/hygiene.json", views.hygiene_json, name="hygiene-json"),
]
