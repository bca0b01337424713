"""Factories for on-call: rotations with members, overrides, time off."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from oncall.models import OncallProfile, Override, Rotation, RotationMember, TimeOff
from tests.factories import PersonFactory


class RotationFactory(DjangoModelFactory):
    class Meta:
        model = Rotation

    name = factory.Sequence(lambda n: f"Rotation {n}")
    time_zone = "America/Los_Angeles"
    starts_on = dt.date(2026, 1, 5)  # a Monday
    handoff_weekday = 0
    handoff_time = dt.time(9, 0)
    shift_weeks = 1


class RotationMemberFactory(DjangoModelFactory):
    class Meta:
        model = RotationMember

    rotation = factory.SubFactory(RotationFactory)
    person = factory.SubFactory(PersonFactory)
    position = factory.Sequence(lambda n: n)


class OverrideFactory(DjangoModelFactory):
    class Meta:
        model = Override

    rotation = factory.SubFactory(RotationFactory)
    person = factory.SubFactory(PersonFactory)
    starts_at = factory.LazyFunction(timezone.now)
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + dt.timedelta(days=1))


class TimeOffFactory(DjangoModelFactory):
    class Meta:
        model = TimeOff

    person = factory.SubFactory(PersonFactory)
    starts_on = dt.date(2026, 1, 7)
    ends_on = factory.LazyAttribute(lambda t: t.starts_on)


class OncallProfileFactory(DjangoModelFactory):
    class Meta:
        model = OncallProfile
        django_get_or_create = ("person",)

    person = factory.SubFactory(PersonFactory)


def rotation_with(*people, **fields) -> Rotation:
    """A rotation whose members are `people`, in that order."""
    rotation = RotationFactory(**fields)
    for position, person in enumerate(people):
        RotationMember.objects.create(rotation=rotation, person=person, position=position)
    return rotation


_ids = iter(range(9_000_000, 10_000_000))


def mirror_issue(**fields):
    """An issue (or PR) of the product repository in the mirror; community-authored by default."""
    from fleetops.github.models import Issue, Repository

    repository, _ = Repository.objects.get_or_create(full_name="fleetdm/fleet")
    github_id = next(_ids)
    values = {
        "repository": repository,
        "github_id": github_id,
        "number": github_id - 9_000_000 + 100,
        "title": "Something is off",
        "state": "open",
        "author_login": "outsider",
        "author_association": "NONE",
        "created_at": fields.get("created_at"),
        "updated_at": fields.get("created_at"),
    }
    return Issue.objects.create(**(values | fields))


def mirror_comment(issue, *, at, login: str, association: str = "MEMBER", bot: bool = False):
    from fleetops.github.models import IssueComment

    return IssueComment.objects.create(
        repository=issue.repository,
        github_id=next(_ids),
        issue_number=issue.number,
        issue=issue,
        author_login=login,
        author_association=association,
        author_is_bot=bot,
        created_at=at,
        updated_at=at,
    )
