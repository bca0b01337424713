from django.urls import path

from fleetops.github import pages, views

app_name = "github"
urlpatterns = [
    path("", pages.sync_index, name="sync"),
    path("sync/status/", pages.sync_status, name="sync-status"),
    path("sync/", pages.sync_now, name="sync-now"),
    path("webhook", views.webhook, name="webhook"),
]
