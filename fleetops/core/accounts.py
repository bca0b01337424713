"""Who may sign in: local accounts made by staff, and GitHub accounts of known people.

fleetops is internal. Nobody signs themselves up with a password; a GitHub sign-in is
accepted when its login belongs to an active Person of the organisation, and links to
that Person on first use.
"""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialLogin
from django.http import HttpRequest

from fleetops.org.models import Person


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False


def _person_for(sociallogin: SocialLogin) -> Person | None:
    login = (sociallogin.account.extra_data or {}).get("login", "")
    if not login:
        return None
    return Person.objects.active().filter(github_login__iexact=login).first()


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest, sociallogin: SocialLogin) -> bool:
        return _person_for(sociallogin) is not None

    def pre_social_login(self, request: HttpRequest, sociallogin: SocialLogin) -> None:
        """Sign a known person in to their existing account instead of making a second one."""
        if sociallogin.is_existing:
            return
        person = _person_for(sociallogin)
        if person is not None and person.user_id:
            sociallogin.connect(request, person.user)

    def save_user(self, request: HttpRequest, sociallogin: SocialLogin, form=None):
        user = super().save_user(request, sociallogin, form)
        person = _person_for(sociallogin)
        if person is not None and person.user_id is None:
            person.user = user
            person.save(update_fields=["user"])
        return user
