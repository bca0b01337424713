from django.urls import path

from releases import views

app_name = "releases"
urlpatterns = [
    path("", views.index, name="index"),
    path("dependencies/", views.dependencies, name="dependencies"),
]
