from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from fleetops.core import views as core_views
from releases import views as release_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("accounts/", include("allauth.urls")),
    # One sign-in page (allauth's, with its rate limits) for the admin too.
    path(
        "admin/login/",
        RedirectView.as_view(pattern_name="account_login", query_string=True),
        name="admin_login_redirect",
    ),
    path("admin/", admin.site.urls),
    path("github/", include("fleetops.github.urls")),
    path("releases.json", release_views.releases_json, name="releases-json"),
    path("releases/", include("releases.urls")),
    path("oncall/", include("oncall.urls")),
    path("kpis/", include("kpis.urls")),
    path("rituals/", include("rituals.urls")),
]

admin.site.site_header = "fleetops administration"
admin.site.site_title = "fleetops admin"
