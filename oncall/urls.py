from django.urls import path

from oncall.capacity import views as capacity
from oncall.community import views as community
from oncall.schedule import views as schedule

app_name = "oncall"
urlpatterns = [
    path("", schedule.index, name="index"),
    path("now.json", schedule.now_json, name="now-json"),
    path("overrides/", schedule.override_add, name="override-add"),
    path("overrides/<int:override_id>/cancel/", schedule.override_remove, name="override-cancel"),
    path("swaps/", schedule.swap_add, name="swap-add"),
    path("feed-token/", schedule.feed_rotate, name="feed-rotate"),
    path("stale/<int:number>/close/", community.stale_close, name="stale-close"),
    path("capacity/", capacity.capacity, name="capacity"),
    path("capacity.json", capacity.capacity_json, name="capacity-json"),
    path("capacity/<int:number>/", capacity.capacity_sprint, name="capacity-sprint"),
    path("time-off/", capacity.time_off_add, name="time-off-add"),
    path("time-off/<int:time_off_id>/delete/", capacity.time_off_remove, name="time-off-delete"),
    path("time-off/calendar/", capacity.calendar_set, name="calendar-set"),
    path(
        "time-off/calendar/<int:person_id>/import/",
        capacity.calendar_import,
        name="calendar-import",
    ),
    path("feeds/<str:token>/me.ics", schedule.feed_me, name="feed-me"),
    path(
        "feeds/<str:token>/rotation-<int:rotation_id>.ics",
        schedule.feed_rotation,
        name="feed-rotation",
    ),
]
