from django.urls import path

from releases import views

app_name = "releases"
urlpatterns = [
    path("", views.index, name="index"),
    path("dependencies/", views.index, name="dependencies"),  # replaced by the checks page
]
