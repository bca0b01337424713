from django.urls import path

from oncall import views

app_name = "oncall"
urlpatterns = [
    path("", views.index, name="index"),
    path("now.json", views.now_json, name="now-json"),
    path("overrides/", views.override_add, name="override-add"),
    path("overrides/<int:override_id>/cancel/", views.override_remove, name="override-cancel"),
    path("swaps/", views.swap_add, name="swap-add"),
    path("feed-token/", views.feed_rotate, name="feed-rotate"),
    path("stale/<int:number>/close/", views.stale_close, name="stale-close"),
    path("capacity/", views.capacity, name="capacity"),
    path("capacity.json", views.capacity_json, name="capacity-json"),
    path("capacity/<int:number>/", views.capacity_sprint, name="capacity-sprint"),
    path("time-off/", views.time_off_add, name="time-off-add"),
    path("time-off/<int:time_off_id>/delete/", views.time_off_remove, name="time-off-delete"),
    path("time-off/calendar/", views.calendar_set, name="calendar-set"),
    path(
        "time-off/calendar/<int:person_id>/import/", views.calendar_import, name="calendar-import"
    ),
    path("feeds/<str:token>/me.ics", views.feed_me, name="feed-me"),
    path(
        "feeds/<str:token>/rotation-<int:rotation_id>.ics",
        views.feed_rotation,
        name="feed-rotation",
    ),
]
