"""Load the organisation from its file: people and their accounts, groups, boards, DRI.

Idempotent: a second load of the same file changes nothing. People (by login) and groups
(by slug) left out of the file are deactivated, never deleted; so are the sign-in
accounts of people left out (superusers excepted). Every problem, in the file or against
the database, is found before anything is written, and the load is one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction

from fleetops.org.models import Organization, Person, ProductGroup
from fleetops.org.orgfile.rules import GroupSpec, OrgFileInvalid, OrgSpec, PersonSpec

KINDS = ("organization", "people", "groups", "accounts")


@dataclass
class LoadSummary:
    """What a load created, updated and deactivated: logins, slugs, the organisation."""

    created: dict[str, list[str]] = field(default_factory=lambda: {k: [] for k in KINDS})
    updated: dict[str, list[str]] = field(default_factory=lambda: {k: [] for k in KINDS})
    deactivated: dict[str, list[str]] = field(
        default_factory=lambda: {k: [] for k in KINDS if k != "organization"}
    )

    def as_dict(self) -> dict[str, dict[str, list[str]]]:
        return {"created": self.created, "updated": self.updated, "deactivated": self.deactivated}

    @property
    def changed(self) -> bool:
        return any(any(v.values()) for v in self.as_dict().values())


def _set(obj: Any, values: dict[str, Any]) -> bool:
    """Assign `values`; True when any differed."""
    changed = False
    for key, value in values.items():
        if getattr(obj, key) != value:
            setattr(obj, key, value)
            changed = True
    return changed


def _conflicts(spec: OrgSpec) -> list[str]:
    """Problems only the database can show: a name or label held by a group left out, an
    account that belongs to someone else."""
    problems = []
    slugs = {g.slug for g in spec.groups}
    others = ProductGroup.objects.exclude(slug__in=slugs)
    for i, group in enumerate(spec.groups):
        for key, value in (("name", group.name), ("label", group.label)):
            lookup = "name" if key == "name" else "github_label"
            holder = others.filter(**{lookup: value}).values_list("slug", flat=True).first()
            if holder:
                problems.append(
                    f"groups[{i}].{key}: {value!r} belongs to group {holder!r}, which the file "
                    f"leaves out; rename that group in the admin first (group {group.slug})"
                )
    for i, person in enumerate(spec.people):
        owner = (
            Person.objects.filter(user__username__iexact=person.login)
            .exclude(github_login__iexact=person.login)
            .values_list("github_login", flat=True)
            .first()
        )
        if (
            owner
            and not Person.objects.filter(
                github_login__iexact=person.login, user__isnull=False
            ).exists()
        ):
            problems.append(
                f"people[{i}].login: the account {person.login!r} belongs to person {owner!r} "
                f"(person {person.login})"
            )
    return problems


def _account(person: Person, spec: PersonSpec, summary: LoadSummary) -> None:
    User = get_user_model()
    user = person.user or (
        User.objects.filter(username__iexact=spec.login, person__isnull=True).first()
    )
    values = {"email": spec.email, "is_staff": spec.staff, "is_active": True}
    if user is None:
        first, _, last = spec.name.partition(" ")
        user = User(username=spec.login, first_name=first[:150], last_name=last[:150], **values)
        user.set_unusable_password()
        user.save()
        summary.created["accounts"].append(spec.login)
    elif _set(user, values):
        user.save()
        summary.updated["accounts"].append(spec.login)
    if person.user_id != user.pk:
        person.user = user
        person.save(update_fields=["user"])


def _people(spec: OrgSpec, summary: LoadSummary) -> dict[str, Person]:
    people: dict[str, Person] = {}
    existing = {p.github_login.lower(): p for p in Person.objects.select_related("user")}
    for entry in spec.people:
        person = existing.get(entry.login.lower())
        values: dict[str, Any] = {"name": entry.name, "email": entry.email, "active": True}
        if entry.time_zone:
            values["time_zone"] = entry.time_zone
        if person is None:
            person = Person.objects.create(github_login=entry.login, **values)
            summary.created["people"].append(entry.login)
        elif _set(person, values):
            person.save()
            summary.updated["people"].append(entry.login)
        _account(person, entry, summary)
        people[entry.login.lower()] = person
    keep = [p.pk for p in people.values()]
    for person in Person.objects.filter(active=True).exclude(pk__in=keep).select_related("user"):
        person.active = False
        person.save(update_fields=["active"])
        summary.deactivated["people"].append(person.github_login)
    accounts = get_user_model().objects.filter(
        person__active=False, is_active=True, is_superuser=False
    )
    summary.deactivated["accounts"] += list(accounts.values_list("username", flat=True))
    accounts.update(is_active=False)
    return people


def _group(entry: GroupSpec, people: dict[str, Person], summary: LoadSummary) -> ProductGroup:
    def who(login: str | None) -> Person | None:
        return people[login.lower()] if login else None

    values: dict[str, Any] = {
        "name": entry.name,
        "github_label": entry.label,
        "engineering_manager": who(entry.em),
        "qa_lead": who(entry.qa_lead),
        "board_number": entry.board,
        "active": True,
    }
    if entry.capacity is not None:
        values["sprint_capacity"] = entry.capacity
    group = ProductGroup.objects.filter(slug=entry.slug).first()
    created = group is None
    if group is None:
        group = ProductGroup.objects.create(slug=entry.slug, **values)
        summary.created["groups"].append(entry.slug)
    changed = _set(group, values)
    if changed:
        group.save()
    # The EM and the QA lead are members of their group too.
    members = {who(login).pk for login in (entry.em, entry.qa_lead, *entry.members) if login}
    if set(group.members.values_list("pk", flat=True)) != members:
        group.members.set(members)
        changed = True
    if changed and not created:
        summary.updated["groups"].append(entry.slug)
    return group


def _organization(spec: OrgSpec, people: dict[str, Person], summary: LoadSummary) -> None:
    values = {
        "github_login": spec.organization,
        "drafting_board": spec.drafting_board,
        "release_dri": people[spec.release_dri.lower()] if spec.release_dri else None,
    }
    organization = Organization.objects.select_for_update().filter(pk=1).first()
    if organization is None:
        Organization.objects.create(pk=1, **values)
        summary.created["organization"].append(spec.organization)
    elif _set(organization, values):
        organization.save()
        summary.updated["organization"].append(spec.organization)


def organization_load(*, spec: OrgSpec) -> LoadSummary:
    """Make the organisation what `spec` says, in one transaction; raises `OrgFileInvalid`
    and writes nothing when the database disagrees (a left-out group holds a label, say)."""
    try:
        return _load(spec)
    except IntegrityError as exc:  # e.g. two groups swapping labels in one load
        raise OrgFileInvalid([f"database: {str(exc).splitlines()[0]}"]) from exc


@transaction.atomic
def _load(spec: OrgSpec) -> LoadSummary:
    # One load at a time: a second waits here, then finds nothing left to change.
    list(Organization.objects.select_for_update().filter(pk=1))
    problems = _conflicts(spec)
    if problems:
        raise OrgFileInvalid(problems)
    summary = LoadSummary()
    people = _people(spec, summary)
    slugs = [g.slug for g in spec.groups]
    left_out = ProductGroup.objects.filter(active=True).exclude(slug__in=slugs)
    summary.deactivated["groups"] = list(left_out.values_list("slug", flat=True))
    left_out.update(active=False)
    for entry in spec.groups:
        _group(entry, people, summary)
    _organization(spec, people, summary)
    for kind in summary.as_dict().values():
        for names in kind.values():
            names.sort(key=str.lower)
    return summary
