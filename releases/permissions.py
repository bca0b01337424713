"""Who may do what on a release: the data says (a group's QA lead and EM, the release DRI).

The role lookups are `fleetops.org.roles`; the policies here are the handbook's:

- A product group's sign-off: its QA lead ("Indicate your product group is release-ready"),
  the release ritual DRI and staff. Notes on its card: those, and the group's EM.
- A feature-merge exception: decided by the group's EM, its QA lead and the release DRI
  ("Request release candidate feature merge exception"); staff hold no vote.
- The RC cut, the release's state, the milestone's conclusion: the release ritual DRI and staff.
- Running the dependency checks: staff, the release's DRI, and any EM or QA lead (they run
  the release alongside the DRI); acting on them (filing issues, acknowledging a blocker,
  confirming the feeds): the release DRI and staff.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied

from fleetops.org import roles
from fleetops.org.models import ProductGroup
from releases.board.models import Release


def can_sign(user: AbstractBaseUser | None, release: Release, group: ProductGroup) -> bool:
    """The group's QA lead, the release's DRI and staff may move the group's card."""
    return roles.is_staff(user) or roles.is_dri(user, release) or roles.is_qa_lead(user, group)


def ensure_can_sign(user: AbstractBaseUser | None, release: Release, group: ProductGroup) -> None:
    if not can_sign(user, release, group):
        raise PermissionDenied(
            f"Only {group.name}'s QA lead, the release DRI or staff can change its sign-off."
        )


def can_note(user: AbstractBaseUser | None, release: Release, group: ProductGroup) -> bool:
    """Whoever may move the card, and the group's EM, may add notes to it."""
    return can_sign(user, release, group) or roles.is_engineering_manager(user, group)


def exception_roles(
    user: AbstractBaseUser | None, group: ProductGroup, release: Release
) -> list[str]:
    """The votes the user holds on a merge exception of `group` ("em", "qa", "dri"; none for
    staff as such): the handbook's three approvers, no one else."""
    return roles.group_roles(user, group, release)


def can_drive(user: AbstractBaseUser | None, release: Release) -> bool:
    """The release ritual DRI and staff cut the RC and conclude the milestone."""
    return roles.is_staff(user) or roles.is_dri(user, release)


def ensure_can_drive(user: AbstractBaseUser | None, release: Release, what: str) -> None:
    if not can_drive(user, release):
        raise PermissionDenied(f"Only the release DRI or staff can {what}.")


def can_run_dependency_checks(user: AbstractBaseUser | None, release: Release | None) -> bool:
    """Staff, the release's DRI, and any EM or QA lead (they run the release alongside the DRI)."""
    if roles.is_staff(user):
        return True
    person = roles.person_of(user)
    if person is None:
        return False
    if release is not None and roles.is_dri(user, release):
        return True
    if release is None and Release.objects.in_flight().filter(dri=person).exists():
        return True
    return roles.is_group_lead(user)


def ensure_can_run_dependency_checks(
    user: AbstractBaseUser | None, release: Release | None
) -> None:
    if not can_run_dependency_checks(user, release):
        raise PermissionDenied(
            "Only the release DRI, an engineering manager, a QA lead or staff can run the checks."
        )


def can_act_on_dependency_checks(user: AbstractBaseUser | None, release: Release | None) -> bool:
    """File issues, acknowledge, confirm the feeds: the release DRI or staff."""
    if release is None:
        return roles.is_staff(user)
    return can_drive(user, release)


def ensure_can_act_on_dependency_checks(
    user: AbstractBaseUser | None, release: Release | None, what: str
) -> None:
    if not can_act_on_dependency_checks(user, release):
        raise PermissionDenied(f"Only the release DRI or staff can {what}.")
