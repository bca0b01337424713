from allauth.account import views as account_views
from allauth.socialaccount.providers.github import views as github_views
from django.contrib import admin
from django.urls import include, path

from fleetops.core import views as core_views
from fleetops.org import views as org_views
from releases.board import views as release_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("me/", org_views.me, name="me"),
    # allauth answers 500 for GitHub without an OAuth app, and password reset needs mail.
    path(
        "accounts/github/login/",
        core_views.only_if(core_views.github_configured, github_views.oauth2_login),
        name="github_login",
    ),
    path(
        "accounts/github/login/callback/",
        core_views.only_if(core_views.github_configured, github_views.oauth2_callback),
        name="github_callback",
    ),
    path(
        "accounts/password/reset/",
        core_views.only_if(core_views.mail_configured, account_views.password_reset),
        name="account_reset_password",
    ),
    path("accounts/", include("allauth.urls")),
    # One sign-in page (allauth's, with its rate limits) for the admin too.
    path("admin/login/", core_views.admin_login, name="admin_login_redirect"),
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
