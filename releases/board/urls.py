"""The release board's pages (included by releases/urls.py, in the `releases` namespace)."""

from django.urls import path

import releases.converters  # noqa: F401  (registers `<version:...>`)
from releases.board import actions, feeds, views

# The list and calendar come before the dependency pages, the `<version>` routes after them.
index_patterns = [
    path("", views.index, name="index"),
    path("calendar.ics", feeds.calendar_ics, name="calendar-ics"),
    path("feeds/<str:token>/calendar.ics", feeds.calendar_feed, name="calendar-feed"),
]
urlpatterns = [
    path("<version:version>.json", views.release_json, name="release-json"),
    path("<version:version>/", views.board, name="board"),
    path("<version:version>/board/", views.board_live, name="board-live"),
    path("<version:version>/groups/<slug:group>/signoff", actions.signoff_update, name="signoff"),
    path("<version:version>/groups/<slug:group>/notes", actions.signoff_note, name="signoff-note"),
    path(
        "<version:version>/groups/<slug:group>/reason",
        actions.signoff_reason,
        name="signoff-reason",
    ),
    path("<version:version>/cut", views.candidate_cut, name="cut"),
    path("<version:version>/state", actions.release_state, name="state"),
    path("<version:version>/exceptions/", actions.exception_request, name="exception-request"),
    path(
        "<version:version>/exceptions/<int:pk>/decide",
        actions.exception_decide,
        name="exception-decide",
    ),
    path("<version:version>/conclude/", views.conclude, name="conclude"),
]
