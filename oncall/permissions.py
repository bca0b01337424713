"""Who may change on-call: data, not a roles table (product groups name their EMs).

- Overrides and swaps: staff, any product group's EM, or the person on call for their own
  shifts (someone covers their shift, or they trade it).
- Time off: only for people it counts for, i.e. active people counted in a group's capacity
  (its members other than its EM and QA lead) or on an active rotation. Anyone may enter
  their own; an EM, that of the people counted in the capacity of a group they manage;
  staff, that of anyone it counts for.
- Closing a stale community issue: staff, an EM, or whoever is on call now.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Exists, OuterRef, Q, QuerySet

from fleetops.org.models import Person, ProductGroup
from fleetops.org.roles import is_engineering_manager, person_of
from oncall.models import RotationMember

__all__ = [
    "can_manage_rotation",
    "can_manage_time_off",
    "time_off_people",
    "time_off_refusal",
]

User = AbstractBaseUser | AnonymousUser | None


def can_manage_rotation(user: User) -> bool:
    """Staff and EMs may override or swap any shift."""
    if user is None or not user.is_authenticated:
        return False
    return bool(user.is_staff) or is_engineering_manager(person_of(user))


def _counted_in(groups: QuerySet[ProductGroup]) -> Exists:
    """Counted in the capacity of one of `groups`: a member who is not its EM or QA lead."""
    through = ProductGroup.members.through
    return Exists(
        through.objects.filter(person=OuterRef("pk"), productgroup__in=groups)
        .exclude(productgroup__engineering_manager=OuterRef("pk"))
        .exclude(productgroup__qa_lead=OuterRef("pk"))
    )


def _on_a_rotation() -> Exists:
    return Exists(RotationMember.objects.filter(person=OuterRef("pk"), rotation__active=True))


def _time_off_scope(user: User) -> QuerySet[Person]:
    """The people whose time off `user` may enter, change or import (a lazy query)."""
    if user is None or not user.is_authenticated:
        return Person.objects.none()
    people = Person.objects.active()
    if user.is_staff:
        return people.filter(
            Q(user=user) | _counted_in(ProductGroup.objects.all()) | _on_a_rotation()
        )
    actor = person_of(user)
    if actor is None:
        return Person.objects.none()
    managed = ProductGroup.objects.filter(engineering_manager=actor)
    return people.filter(Q(pk=actor.pk) | _counted_in(managed))


def time_off_people(user: User) -> list[Person]:
    """Whose time off this user may enter, by name (one query): themselves, the people
    counted in the groups they manage (EM), everyone it counts for (staff)."""
    return list(_time_off_scope(user).order_by("name", "pk"))


def time_off_refusal(user: User, person: Person) -> str:
    """Why `user` may not enter `person`'s time off, in words; "" when they may."""
    if _time_off_scope(user).filter(pk=person.pk).exists():
        return ""
    if not person.active:
        return f"{person.name} is no longer active: their time off counts nowhere."
    actor = person_of(user)
    if user is not None and user.is_authenticated and user.is_staff:
        return (
            f"{person.name} is in no product group's capacity and no on-call rotation: "
            "their time off would count nowhere."
        )
    if actor is not None and is_engineering_manager(actor):
        return (
            f"{person.name} is not counted in the capacity of a group you manage: "
            "ask their EM or staff to enter their time off."
        )
    return (
        f"You may enter only your own time off: {person.name}'s is entered by them, "
        "their EM or staff."
    )


def can_manage_time_off(user: User, person: Person) -> bool:
    """Whether `user` may enter, remove or import `person`'s time off (one query)."""
    return _time_off_scope(user).filter(pk=person.pk).exists()
