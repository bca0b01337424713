"""Who may sign in: staff-made accounts, and GitHub accounts of the organisation's people."""

from __future__ import annotations

import pytest
from allauth.socialaccount.models import SocialAccount, SocialLogin
from django.contrib.auth import get_user_model
from django.test import RequestFactory

from fleetops.core.accounts import AccountAdapter, SocialAccountAdapter
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def _github_login(login: str) -> SocialLogin:
    account = SocialAccount(
        provider="github", uid="583231", extra_data={"login": login, "id": 583231}
    )
    return SocialLogin(account=account, user=get_user_model()(username=login))


def test_password_signup_is_closed(client):
    assert AccountAdapter().is_open_for_signup(RequestFactory().get("/")) is False
    html = client.get("/accounts/signup/").content.decode()
    assert "Sign Up Closed" in html
    assert 'class="auth-card card"' in html  # in the sign-in card, not bare
    assert "<form" not in html


def test_github_signup_open_only_for_known_active_people():
    PersonFactory(github_login="PDeWit", user=None)
    PersonFactory(github_login="gone", user=None, active=False)
    adapter, request = SocialAccountAdapter(), RequestFactory().get("/")
    assert adapter.is_open_for_signup(request, _github_login("pdewit"))  # logins ignore case
    assert not adapter.is_open_for_signup(request, _github_login("gone"))
    assert not adapter.is_open_for_signup(request, _github_login("stranger"))


def test_github_first_sign_in_links_the_person(rf):
    person = PersonFactory(github_login="pdewit", user=None)
    request = rf.get("/")
    request.session = {}
    sociallogin = _github_login("pdewit")
    user = SocialAccountAdapter().save_user(request, sociallogin)
    person.refresh_from_db()
    assert person.user == user


def test_login_page_offers_github_only_when_configured(client, settings):
    assert "Sign in with GitHub" not in client.get("/accounts/login/").content.decode()
    settings.SOCIALACCOUNT_PROVIDERS = {
        "github": {"APP": {"client_id": "Iv1.abc", "secret": "not-a-real-secret"}}
    }
    html = client.get("/accounts/login/").content.decode()
    assert "Sign in with GitHub" in html
    assert 'action="/accounts/github/login/' in html
