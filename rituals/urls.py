from django.urls import path

from rituals import views

app_name = "rituals"
urlpatterns = [
    path("", views.index, name="index"),
    path("rituals.json", views.rituals_json, name="json"),
    path("feeds/<str:token>/mine.ics", views.feed_mine, name="feed-mine"),
    path("feeds/<str:token>/all.ics", views.feed_all, name="feed-all"),
]
