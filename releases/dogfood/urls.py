"""The dogfood deploy of a release (included by releases/urls.py, `releases` namespace)."""

from django.urls import path

import releases.converters  # noqa: F401  (registers `<version:...>`)
from releases.dogfood import views

urlpatterns = [
    path("<version:version>/dogfood/", views.dogfood, name="dogfood"),
]
