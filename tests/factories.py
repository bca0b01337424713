"""Factories for the organisation; apps add theirs in tests/<app>/factories.py."""

from __future__ import annotations

import datetime as dt

import factory
from django.contrib.auth import get_user_model
from factory.django import DjangoModelFactory

from fleetops.org.models import Holiday, Person, ProductGroup, Sprint

PASSWORD = "correct-horse-battery"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            self.save()


class PersonFactory(DjangoModelFactory):
    class Meta:
        model = Person

    user = factory.SubFactory(UserFactory)
    name = factory.LazyAttribute(
        lambda p: f"{p.user.first_name} {p.user.last_name}" if p.user else "Someone"
    )
    github_login = factory.Sequence(lambda n: f"dev-{n}")
    time_zone = "America/Los_Angeles"
    active = True


class ProductGroupFactory(DjangoModelFactory):
    class Meta:
        model = ProductGroup

    name = factory.Sequence(lambda n: f"Group {n}")
    slug = factory.Sequence(lambda n: f"group-{n}")
    github_label = factory.Sequence(lambda n: f"#g-group-{n}")
    engineering_manager = factory.SubFactory(PersonFactory)
    qa_lead = factory.SubFactory(PersonFactory)
    sprint_capacity = 102


class SprintFactory(DjangoModelFactory):
    class Meta:
        model = Sprint

    number = factory.Sequence(lambda n: n + 1)
    starts_on = factory.Sequence(lambda n: dt.date(2026, 1, 5) + dt.timedelta(weeks=3 * n))
    ends_on = factory.LazyAttribute(lambda s: s.starts_on + dt.timedelta(days=20))


class HolidayFactory(DjangoModelFactory):
    class Meta:
        model = Holiday

    date = factory.Sequence(lambda n: dt.date(2026, 1, 1) + dt.timedelta(days=n))
    name = factory.Sequence(lambda n: f"Holiday {n}")
