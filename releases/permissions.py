"""Who may do what on a release: the data says (a group's QA lead and EM, the release DRI)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied

from fleetops.org.models import Person, ProductGroup
from releases.models import Release


def person_of(user: AbstractBaseUser | None) -> Person | None:
    if user is None or not user.is_authenticated:
        return None
    return getattr(user, "person", None)


def is_dri(user: AbstractBaseUser | None, release: Release) -> bool:
    person = person_of(user)
    return person is not None and release.dri_id == person.pk


def can_sign(user: AbstractBaseUser | None, release: Release, group: ProductGroup) -> bool:
    """The group's QA lead, the release's DRI and staff may move the group's card."""
    if user is None or not user.is_authenticated:
        return False
    if user.is_staff or is_dri(user, release):
        return True
    person = person_of(user)
    return person is not None and group.qa_lead_id == person.pk


def ensure_can_sign(user: AbstractBaseUser | None, release: Release, group: ProductGroup) -> None:
    if not can_sign(user, release, group):
        raise PermissionDenied(
            f"Only {group.name}'s QA lead, the release DRI or staff can change its sign-off."
        )


def can_drive(user: AbstractBaseUser | None, release: Release) -> bool:
    """The release ritual DRI and staff cut the RC and conclude the milestone."""
    return bool(user and user.is_authenticated and (user.is_staff or is_dri(user, release)))


def ensure_can_drive(user: AbstractBaseUser | None, release: Release, what: str) -> None:
    if not can_drive(user, release):
        raise PermissionDenied(f"Only the release DRI or staff can {what}.")
