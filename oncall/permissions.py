"""Who may change on-call: data, not a roles table (product groups name their EMs).

- Overrides and swaps: staff, any product group's EM, or the person on call for their own
  shifts (someone covers their shift, or they trade it).
- Time off: the person themselves, the EM of a group they belong to, or staff.
- Closing a stale community issue: staff, an EM, or whoever is on call now.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from fleetops.org.models import Person, ProductGroup
from fleetops.org.roles import is_engineering_manager, person_of

__all__ = ["can_manage_rotation", "can_manage_time_off", "time_off_people"]


def can_manage_rotation(user: AbstractBaseUser | AnonymousUser | None) -> bool:
    """Staff and EMs may override or swap any shift."""
    if user is None or not user.is_authenticated:
        return False
    return bool(user.is_staff) or is_engineering_manager(person_of(user))


def can_manage_time_off(user: AbstractBaseUser | AnonymousUser | None, person: Person) -> bool:
    """The person themselves, an EM of one of their groups, or staff."""
    if user is None or not user.is_authenticated:
        return False
    if user.is_staff:
        return True
    actor = person_of(user)
    if actor is None:
        return False
    if actor.pk == person.pk:
        return True
    return ProductGroup.objects.filter(engineering_manager=actor, members=person).exists()


def time_off_people(user: AbstractBaseUser | AnonymousUser | None) -> list[Person]:
    """Whose time off this user may enter: everyone (staff), their groups (EM), themselves."""
    if user is None or not user.is_authenticated:
        return []
    people = Person.objects.active().order_by("name")
    if user.is_staff:
        return list(people)
    actor = person_of(user)
    if actor is None:
        return []
    managed = people.filter(product_groups__engineering_manager=actor).distinct()
    return sorted({actor, *managed}, key=lambda p: p.name)
