"""The dependency checks' pages (included by releases/urls.py, in the `releases` namespace)."""

from django.urls import path

import releases.converters  # noqa: F401  (registers `<version:...>`)
from releases.dependencies import views

urlpatterns = [
    path("dependencies/", views.dependencies_current, name="dependencies"),
    path("dependencies/run/", views.dependencies_run, name="dependencies-run"),
    path("dependencies/status/", views.dependencies_status, name="dependencies-status"),
    path(
        "dependencies/results/<int:result_id>/file/",
        views.dependencies_file,
        name="dependencies-file",
    ),
    path(
        "dependencies/results/<int:result_id>/acknowledge/",
        views.dependencies_acknowledge,
        name="dependencies-acknowledge",
    ),
    path(
        "<version:version>/dependencies/", views.dependencies_release, name="dependencies-release"
    ),
    path(
        "<version:version>/dependencies/feeds/",
        views.dependencies_confirm_feeds,
        name="dependencies-confirm-feeds",
    ),
]
