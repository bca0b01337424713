"""Pushed-story notices (included by releases/urls.py, `releases` namespace)."""

from django.urls import path

import releases.converters  # noqa: F401  (registers `<version:...>`)
from releases.notifications import views

urlpatterns = [
    path("<version:version>/pushed/", views.pushed, name="pushed"),
    path("<version:version>/pushed/<int:number>/notify", views.pushed_notify, name="pushed-notify"),
]
