"""The mirror's stamp moves after each write a page shows, and only then (the board's ETag)."""

from __future__ import annotations

import pytest

from fleetops.github.stamp import mirror_stamp
from fleetops.github.upsert import (
    issue_mark_gone,
    issues_upsert,
    label_delete,
    labels_upsert,
    repository_get,
)
from tests.github.payloads import REPO, issue, label

pytestmark = pytest.mark.django_db


@pytest.fixture
def moved(django_capture_on_commit_callbacks):
    """Run `write` as its own transaction would, and say whether the stamp moved."""

    def check(write) -> bool:
        before = mirror_stamp()
        with django_capture_on_commit_callbacks(execute=True):
            write()
        return mirror_stamp() != before

    return check


def test_new_changed_and_relabelled_issues_move_the_stamp(moved):
    repository = repository_get(REPO)
    bug = label("bug", github_id=1)
    assert moved(lambda: issues_upsert(repository, [issue(1, labels=[bug])]))
    assert not moved(lambda: issues_upsert(repository, [issue(1, labels=[bug])]))
    assert moved(lambda: issues_upsert(repository, [issue(1, labels=[], updated=5)]))
    assert moved(lambda: issues_upsert(repository, [issue(1, state="closed", updated=9)]))
    # A late copy (older than the stored one) changes nothing, so nothing moves.
    assert not moved(lambda: issues_upsert(repository, [issue(1, updated=1)]))


def test_labels_and_gone_issues_move_the_stamp_only_when_something_changed(moved):
    repository = repository_get(REPO)
    assert moved(lambda: labels_upsert(repository, [label("P1", github_id=7)]))
    assert not moved(lambda: labels_upsert(repository, [label("P1", github_id=7)]))
    assert moved(lambda: label_delete(repository, 7))
    assert not moved(lambda: label_delete(repository, 7))
    issues_upsert(repository, [issue(3)])
    assert moved(lambda: issue_mark_gone(repository, 3, "deleted"))
    assert not moved(lambda: issue_mark_gone(repository, 3, "deleted"))


def test_the_stamp_waits_for_the_commit(django_capture_on_commit_callbacks):
    repository = repository_get(REPO)
    before = mirror_stamp()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        issues_upsert(repository, [issue(4)])
        assert mirror_stamp() == before  # not ahead of the data
    assert callbacks
