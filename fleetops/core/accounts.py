"""Who may sign in: local accounts made by staff, and GitHub accounts of known people.

fleetops is internal. Nobody signs themselves up with a password. A GitHub sign-in is
bound to GitHub's numeric account id, never to the login alone: logins are renamed,
freed and taken again, and a typo in People must not hand an account to a stranger. A
GitHub account signs in when its id is that of an active Person; or, the first time, when
an active Person has no id yet and their login matches exactly (then the id is stored and
binds from then on). With `GITHUB_ORG` set, the account must also be an active member of
that organisation (asked of GitHub with the user's own token, scope `read:org`).
"""

from __future__ import annotations

import logging

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialLogin
from django.conf import settings
from django.http import HttpRequest
from django.shortcuts import render

from fleetops.core.bounds import parse_int
from fleetops.github.client import GitHubClient, GitHubError, GitHubNotFound
from fleetops.org.models import Person

logger = logging.getLogger(__name__)


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False

    def get_client_ip(self, request: HttpRequest) -> str:
        """The client's address from the trusted proxy's X-Forwarded-For
        (`ALLAUTH_TRUSTED_PROXY_COUNT`), so that login throttling is per person, not per
        proxy; a request with a shorter header (not through the proxy) counts by its own
        address instead of failing."""
        count = settings.ALLAUTH_TRUSTED_PROXY_COUNT
        forwarded = [ip.strip() for ip in request.headers.get("x-forwarded-for", "").split(",")]
        if count > 0 and len(forwarded) >= count and forwarded[-count]:
            return forwarded[-count]
        return request.META.get("REMOTE_ADDR", "") or "unknown"


def _github_id(sociallogin: SocialLogin) -> int | None:
    return parse_int(str(sociallogin.account.uid or ""), low=1, high=2**63 - 1)


def person_for_github(sociallogin: SocialLogin) -> Person | None:
    """The active Person this GitHub account is, by id; by exact login only while unbound."""
    github_id = _github_id(sociallogin)
    if github_id is None:
        return None
    people = Person.objects.active()
    bound = people.filter(github_id=github_id).first()
    if bound is not None:
        return bound
    login = str((sociallogin.account.extra_data or {}).get("login", ""))
    if not login:
        return None
    return people.filter(github_id__isnull=True, github_login=login).first()


def org_member(sociallogin: SocialLogin) -> bool:
    """Whether the account is an active member of `GITHUB_ORG` (True when none is set)."""
    org = settings.GITHUB_ORG
    if not org:
        return True
    token = getattr(sociallogin.token, "token", "") if sociallogin.token else ""
    if not token:
        return False
    client = GitHubClient(token=token)
    try:
        _, _, data = client.request("GET", f"/user/memberships/orgs/{org}")
    except GitHubNotFound:
        return False
    except GitHubError as exc:  # GitHub down: refuse, and say so in the log
        logger.warning("membership of %s not checked: %s", org, exc)
        return False
    finally:
        client.close()
    return isinstance(data, dict) and data.get("state") == "active"


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest, sociallogin: SocialLogin) -> bool:
        return person_for_github(sociallogin) is not None

    def pre_social_login(self, request: HttpRequest, sociallogin: SocialLogin) -> None:
        """Refuse unknown accounts; sign a known person in to their existing account."""
        person = person_for_github(sociallogin)
        linked_elsewhere = (
            person is not None
            and sociallogin.is_existing
            and person.user_id is not None
            and sociallogin.user.pk != person.user_id
        )
        if person is None or linked_elsewhere or not org_member(sociallogin):
            raise ImmediateHttpResponse(
                render(
                    request,
                    "account/github_refused.html",
                    {"login": (sociallogin.account.extra_data or {}).get("login", "")},
                    status=403,
                )
            )
        self._bind(person, sociallogin)
        if not sociallogin.is_existing and person.user_id:
            sociallogin.connect(request, person.user)

    def save_user(self, request: HttpRequest, sociallogin: SocialLogin, form=None):
        user = super().save_user(request, sociallogin, form)
        person = person_for_github(sociallogin)
        if person is not None and person.user_id is None:
            person.user = user
            person.save(update_fields=["user"])
        return user

    @staticmethod
    def _bind(person: Person, sociallogin: SocialLogin) -> None:
        if person.github_id is None:
            person.github_id = _github_id(sociallogin)
            person.save(update_fields=["github_id"])
