"""The mirror keeps an issue's or PR's body: hygiene and notices read it."""

from __future__ import annotations

import pytest

from fleetops.github.models import Issue
from fleetops.github.upsert import MalformedPayload, issues_upsert, repository_get
from tests.github.payloads import REPO, issue

pytestmark = pytest.mark.django_db


def test_issue_body_is_mirrored_and_updated():
    repository = repository_get(REPO)
    issues_upsert(repository, [{**issue(7, pull_request=True, updated=0), "body": "Fixes #3"}])
    assert Issue.objects.get(number=7).body == "Fixes #3"
    result = issues_upsert(
        repository, [{**issue(7, pull_request=True, updated=60), "body": "For #3"}]
    )
    assert result.updated == 1
    assert Issue.objects.get(number=7).body == "For #3"


def test_empty_body_is_null_on_github_and_empty_here():
    repository = repository_get(REPO)
    issues_upsert(repository, [{**issue(8), "body": None}])
    assert Issue.objects.get(number=8).body == ""


def test_a_body_that_is_not_text_is_refused_before_anything_is_written():
    repository = repository_get(REPO)
    with pytest.raises(MalformedPayload, match="'body' is not a string"):
        issues_upsert(repository, [issue(9), {**issue(10), "body": ["x"]}])
    assert not Issue.objects.exists()
