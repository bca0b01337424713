from django.urls import path

from kpis import views

app_name = "kpis"
urlpatterns = [
    path("", views.index, name="index"),
    path("weekly.csv", views.weekly_csv, name="weekly-csv"),
    path("weekly.json", views.weekly_json, name="weekly-json"),
]
