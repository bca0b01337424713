"""Who may sign in: staff-made accounts, and GitHub accounts of the organisation's people."""

from __future__ import annotations

import pytest
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.models import SocialAccount, SocialLogin, SocialToken
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from fleetops.core.accounts import AccountAdapter, SocialAccountAdapter
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def _github_login(login: str, uid: int = 583231) -> SocialLogin:
    account = SocialAccount(provider="github", uid=str(uid), extra_data={"login": login, "id": uid})
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
    assert adapter.is_open_for_signup(request, _github_login("PDeWit"))
    assert not adapter.is_open_for_signup(request, _github_login("pdewit"))  # exactly, unbound
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


@pytest.fixture
def github_app(settings):
    settings.SOCIALACCOUNT_PROVIDERS = {
        "github": {"APP": {"client_id": "Iv1.abc", "secret": "not-a-real-secret"}}
    }


def _pre_login(sociallogin: SocialLogin):
    request = RequestFactory().get("/")
    request.session = {}
    request.user = AnonymousUser()
    sociallogin.lookup()  # as allauth does before asking the adapter
    try:
        SocialAccountAdapter().pre_social_login(request, sociallogin)
    except ImmediateHttpResponse as refused:
        return refused.response
    return None


def test_github_sign_in_binds_the_id_and_refuses_another_account_with_the_login(github_app):
    person = PersonFactory(github_login="amorgan", user__username="amorgan")
    assert _pre_login(_github_login("amorgan", uid=777002)) is None
    person.refresh_from_db()
    assert person.github_id == 777002
    refused = _pre_login(_github_login("AMORGAN", uid=777001))
    assert refused.status_code == 403
    assert "cannot sign in" in refused.content.decode()
    # the login was freed and taken by someone else: the id decides, not the login
    assert _pre_login(_github_login("amorgan", uid=777003)).status_code == 403
    # the person renamed their GitHub account: the id still signs them in
    assert _pre_login(_github_login("amorgan-renamed", uid=777002)) is None


def test_github_sign_in_of_an_inactive_person_is_refused():
    PersonFactory(github_login="gone", github_id=5, active=False)
    assert _pre_login(_github_login("gone", uid=5)).status_code == 403


def test_github_sign_in_checks_organisation_membership(fake_github, settings, github_app):
    settings.GITHUB_ORG = "fleetdm"
    PersonFactory(github_login="pdewit", github_id=42)
    fake_github.viewer = "pdewit"

    def attempt():
        sociallogin = _github_login("pdewit", uid=42)
        sociallogin.token = SocialToken(token="user-token-not-a-secret")
        return _pre_login(sociallogin)

    fake_github.org_members = {"fleetdm": {"pdewit"}}
    assert attempt() is None
    fake_github.org_members = {"fleetdm": set()}
    assert attempt().status_code == 403


def test_github_login_urls_are_404_without_an_oauth_app(client):
    assert client.get("/accounts/github/login/").status_code == 404
    assert client.get("/accounts/github/login/callback/?code=x&state=y").status_code == 404


def test_password_reset_is_not_offered_without_mail(client, settings):
    settings.EMAIL_HOST = ""
    response = client.post("/accounts/password/reset/", {"email": "someone@example.com"})
    assert response.status_code == 404


def test_login_throttle_counts_the_client_behind_the_proxy(settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    request = RequestFactory().get(
        "/", HTTP_X_FORWARDED_FOR="203.0.113.9, 198.51.100.7", REMOTE_ADDR="10.0.0.2"
    )
    assert AccountAdapter().get_client_ip(request) == "198.51.100.7"
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 2
    assert AccountAdapter().get_client_ip(request) == "203.0.113.9"
    bare = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2")  # not through the proxy
    assert AccountAdapter().get_client_ip(bare) == "10.0.0.2"


@pytest.mark.django_db
def test_the_admin_sends_the_anonymous_to_sign_in_and_tells_the_signed_in_non_staff(client):
    """A signed-in engineer opening /admin/ was sent to the sign-in page, which sent them
    back (allauth forwards the signed-in): a redirect loop. Now they are told."""
    response = client.get("/admin/")
    assert response.status_code == 302
    response = client.get(response["Location"])
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")
    client.force_login(PersonFactory().user)
    response = client.get("/admin/", follow=True)
    assert response.status_code == 403
    assert len(response.redirect_chain) == 1  # /admin/ -> /admin/login/, and no further
    assert "The administration is for staff" in response.content.decode()
    staff = get_user_model().objects.create_user("root", is_staff=True, is_superuser=True)
    client.force_login(staff)
    assert client.get("/admin/").status_code == 200
