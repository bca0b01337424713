"""Who someone is in the organisation, once: the person behind a user, EMs, QA leads, DRIs.

Roles are data, not a roles table: a product group names its engineering manager and QA
lead, a release names its ritual DRI, staff users administer. Domain apps ask here and
add their own rules on top (who may sign off, who may override a shift).
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from fleetops.org.models import Person, ProductGroup

User = AbstractBaseUser | AnonymousUser | None


def person_of(user: User) -> Person | None:
    """The Person behind a signed-in user, if any (None when signed out or unlinked)."""
    if user is None or not user.is_authenticated:
        return None
    try:
        return user.person
    except Person.DoesNotExist:
        return None


def is_staff(user: User) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_staff)


def is_engineering_manager(person: Person | None) -> bool:
    """An EM of any product group."""
    return person is not None and ProductGroup.objects.filter(engineering_manager=person).exists()


def is_qa_lead(person: Person | None) -> bool:
    """The QA lead of any product group."""
    return person is not None and ProductGroup.objects.filter(qa_lead=person).exists()


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
    person = person_of(user)
    return person is not None and group.engineering_manager_id == person.pk


def is_group_qa_lead(user: User, group: ProductGroup) -> bool:
    person = person_of(user)
    return person is not None and group.qa_lead_id == person.pk


def is_dri_of(user: User, dri_id: int | None) -> bool:
    """Whether the user is the person named as DRI (of a release, a ritual, ...)."""
    person = person_of(user)
    return person is not None and dri_id is not None and dri_id == person.pk
