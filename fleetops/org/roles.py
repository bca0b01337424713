"""Who is who: the roles the organisation's data gives a signed-in user.

Roles are data, not a table of grants (DESIGN, "Who uses it"): a product group names its
engineering manager (EM) and its QA lead; a release (or any other record with a `dri`)
names its release ritual DRI; staff users administer. The domain apps decide what each
role may do (`releases/permissions.py`, `oncall/permissions.py`); this module only answers
"is this user that person?", the same way everywhere.

Every function accepts an anonymous user or None and then answers no.
"""

from __future__ import annotations

from typing import Protocol

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q

from fleetops.org.models import Person, ProductGroup

User = AbstractBaseUser | AnonymousUser | None


class HasDri(Protocol):
    """Anything with a release ritual DRI (a Person foreign key named `dri`)."""

    dri_id: int | None


def person_of(user: User) -> Person | None:
    """The Person behind a signed-in user, if any (no query when `user.person` is cached)."""
    if user is None or not user.is_authenticated:
        return None
    try:
        return user.person
    except Person.DoesNotExist:
        return None


def display_name(user: User) -> str:
    """How to name who did something: their Person's name, else their user name ("someone")."""
    if user is None:
        return "someone"
    person = getattr(user, "person", None)
    if person is not None:
        return person.name
    return user.get_full_name() or user.get_username()


def is_staff(user: User) -> bool:
    """A signed-in staff user: staff administer, and may do what any role may."""
    return bool(user is not None and user.is_authenticated and user.is_staff)


def is_dri(user: User, subject: HasDri) -> bool:
    """The user is the DRI `subject` names (e.g. a release's release ritual DRI)."""
    person = person_of(user)
    return person is not None and subject.dri_id == person.pk


def is_qa_lead(user: User, group: ProductGroup) -> bool:
    """The user is `group`'s QA lead."""
    person = person_of(user)
    return person is not None and group.qa_lead_id == person.pk


def is_engineering_manager(user: User | Person, group: ProductGroup | None = None) -> bool:
    """The user (or person) is `group`'s EM; without a group, the EM of any product group
    (one query)."""
    person = user if isinstance(user, Person) else person_of(user)
    if person is None:
        return False
    if group is not None:
        return group.engineering_manager_id == person.pk
    return ProductGroup.objects.filter(engineering_manager=person).exists()


def is_group_lead(user: User) -> bool:
    """The user is the EM or the QA lead of some product group (one query)."""
    person = person_of(user)
    if person is None:
        return False
    return ProductGroup.objects.filter(Q(engineering_manager=person) | Q(qa_lead=person)).exists()


def group_roles(user: User, group: ProductGroup, subject: HasDri | None = None) -> list[str]:
    """The roles the user holds for a group (and a DRI-bearing subject): "em", "qa", "dri"."""
    person = person_of(user)
    if person is None:
        return []
    roles = []
    if group.engineering_manager_id == person.pk:
        roles.append("em")
    if group.qa_lead_id == person.pk:
        roles.append("qa")
    if subject is not None and subject.dri_id == person.pk:
        roles.append("dri")
    return roles


def groups_managed(person: Person | None) -> list[ProductGroup]:
    """The product groups whose EM `person` is."""
    if person is None:
        return []
    return list(ProductGroup.objects.filter(engineering_manager=person).order_by("name"))


def groups_qa_led(person: Person | None) -> list[ProductGroup]:
    """The product groups whose QA lead `person` is."""
    if person is None:
        return []
    return list(ProductGroup.objects.filter(qa_lead=person).order_by("name"))


def is_group_em(user: User, group: ProductGroup) -> bool:
    """The user is `group`'s EM."""
    return is_engineering_manager(user, group)


def is_group_qa_lead(user: User, group: ProductGroup) -> bool:
    """The user is `group`'s QA lead."""
    return is_qa_lead(user, group)


def is_dri_of(user: User, dri_id: int | None) -> bool:
    """The user is the person named as DRI by id (of a release, a ritual, ...)."""
    person = person_of(user)
    return person is not None and dri_id is not None and dri_id == person.pk
