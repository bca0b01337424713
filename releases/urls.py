from django.urls import path, register_converter

from releases import views
from releases.converters import VersionConverter

register_converter(VersionConverter, "version")

app_name = "releases"
urlpatterns = [
    path("", views.index, name="index"),
    path("calendar.ics", views.calendar_ics, name="calendar-ics"),
    path("dependencies/", views.index, name="dependencies"),  # replaced by the checks page
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
