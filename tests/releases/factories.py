from __future__ import annotations

import datetime as dt

import factory
from factory.django import DjangoModelFactory

from releases.models import Release
from tests.factories import PersonFactory


class ReleaseFactory(DjangoModelFactory):
    class Meta:
        model = Release

    version = factory.Sequence(lambda n: f"4.{75 + n}.0")
    target_date = dt.date(2026, 12, 16)
    dri = factory.SubFactory(PersonFactory)
    state = Release.State.QA


def mirror_issue(
    number: int, *labels: str, state: str = "open", pull: bool = False, base_ref: str = ""
):
    """An issue (or PR) in the mirror of the product repository, with its labels."""
    from django.conf import settings
    from django.utils import timezone

    from fleetops.github.models import Issue, Label, Repository

    repository, _ = Repository.objects.get_or_create(full_name=settings.GITHUB_REPOSITORY)
    now = timezone.now()
    issue = Issue.objects.create(
        repository=repository,
        github_id=10_000_000 + number,
        number=number,
        title=f"Issue {number}",
        state=state,
        is_pull_request=pull,
        author_login="someone",
        created_at=now,
        updated_at=now,
        base_ref=base_ref,
    )
    for name in labels:
        label, _ = Label.objects.get_or_create(
            repository=repository, name=name, defaults={"github_id": abs(hash(name)) % 10**9}
        )
        issue.labels.add(label)
    return issue
