from django.urls import path, register_converter

from releases import dependency_views, views
from releases.converters import VersionConverter

register_converter(VersionConverter, "version")

app_name = "releases"
urlpatterns = [
    path("", views.index, name="index"),
    path("calendar.ics", views.calendar_ics, name="calendar-ics"),
    # The dependency checks (releases/dependency_views.py), above the `<version>/` routes.
    path("dependencies/", dependency_views.dependencies_current, name="dependencies"),
    path("dependencies/run/", dependency_views.dependencies_run, name="dependencies-run"),
    path("dependencies/status/", dependency_views.dependencies_status, name="dependencies-status"),
    path(
        "dependencies/results/<int:result_id>/file/",
        dependency_views.dependencies_file,
        name="dependencies-file",
    ),
    path(
        "dependencies/results/<int:result_id>/acknowledge/",
        dependency_views.dependencies_acknowledge,
        name="dependencies-acknowledge",
    ),
    path(
        "<version:version>/dependencies/",
        dependency_views.dependencies_release,
        name="dependencies-release",
    ),
    path(
        "<version:version>/dependencies/feeds/",
        dependency_views.dependencies_confirm_feeds,
        name="dependencies-confirm-feeds",
    ),
    path("<version:version>.json", views.release_json, name="release-json"),
    path("<version:version>/", views.board, name="board"),
    path("<version:version>/board/", views.board_live, name="board-live"),
    path("<version:version>/groups/<slug:group>/signoff", views.signoff_update, name="signoff"),
    path("<version:version>/cut", views.candidate_cut, name="cut"),
    path("<version:version>/state", views.release_state, name="state"),
    path("<version:version>/exceptions/", views.exception_request, name="exception-request"),
    path(
        "<version:version>/exceptions/<int:pk>/decide",
        views.exception_decide,
        name="exception-decide",
    ),
    path("<version:version>/conclude/", views.conclude, name="conclude"),
]
