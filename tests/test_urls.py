"""Every page needs a login, except the sign-in pages, /healthz and /github/webhook."""

from __future__ import annotations

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

# Pages anyone may open: signing in (and the flows around it), health, webhooks.
PUBLIC = {
    "healthz",
    "github:webhook",
    "account_login",
    "account_logout",
    "account_signup",
    "account_reset_password",
    "account_reset_password_done",
    "account_reset_password_from_key",
    "account_reset_password_from_key_done",
    "account_confirm_email",
    "account_email_verification_sent",
    "account_inactive",
    "account_login_code_confirm",
    "socialaccount_login_cancelled",
    "socialaccount_login_error",
    "socialaccount_signup",
    "github_login",
    "github_callback",
    "admin_login_redirect",
    "oncall:feed-me",
    "oncall:feed-rotation",  # calendar feeds: a secret URL token signs in
    "rituals:feed-mine",
    "rituals:feed-all",
    "releases:calendar-feed",
}
SAMPLES = {
    "int": "1",
    "str": "sample",
    "slug": "sample",
    "path": "sample/x",
    "uuid": "00000000-0000-0000-0000-000000000000",
    "version": "4.75.0",
}


def _walk(patterns, prefix="", namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = ":".join(filter(None, [namespace, pattern.namespace or ""]))
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), ns)
        elif isinstance(pattern, URLPattern):
            name = ":".join(filter(None, [namespace, pattern.name or ""]))
            yield name, prefix + str(pattern.pattern)


def _concrete(route: str) -> str:
    """A URL that the route matches: converters and regex groups get sample values."""
    route = re.sub(
        r"<(?:(\w+):)?(\w+)>", lambda m: SAMPLES.get(m.group(1) or "str", "sample"), route
    )
    route = re.sub(r"\(\?P<\w+>[^)]*\)", "1", route)
    route = route.replace("^", "").replace("$", "").replace("\\Z", "").replace("\\", "")
    return "/" + route.lstrip("/")


ROUTES = sorted(set(_walk(get_resolver().url_patterns)))
PRIVATE = [(n, r) for n, r in ROUTES if n not in PUBLIC]


@pytest.mark.parametrize(("name", "route"), PRIVATE, ids=[f"{n or '?'}:{r}" for n, r in PRIVATE])
@pytest.mark.django_db
def test_url_anonymous_is_sent_to_login(client, name, route):
    url = _concrete(route)
    response = client.get(url)
    assert response.status_code in (301, 302), f"{url} answered {response.status_code}"
    location = response["Location"]
    assert location.startswith(("/accounts/login/", "/admin/login/")), f"{url} -> {location}"


@pytest.mark.django_db
def test_url_public_pages_open_without_login(client):
    assert client.get("/healthz").status_code == 200
    assert client.get("/accounts/login/").status_code == 200
    assert client.post("/github/webhook").status_code == 403  # refused: not signed, no login


def test_url_public_list_names_only_existing_routes():
    names = {name for name, _ in ROUTES}
    assert PUBLIC - names <= {"account_login_code_confirm"}, PUBLIC - names
