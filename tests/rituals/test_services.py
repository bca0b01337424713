"""Fetching the rituals files and filing the auto-issues (rituals/services.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from fleetops.github.models import GitHubWrite
from rituals.models import RitualFile, RitualIssue
from rituals.selectors import ritual_catalogue
from rituals.services import ritual_files_fetch, ritual_issues_file
from tests.fakegithub.seed_rituals import RITUALS_PATH

pytestmark = pytest.mark.django_db

D = dt.date(2026, 11, 18)  # the seed file's "Release ritual" (Triweekly from 2024-03-06)


def _posts(github):
    return [w for w in github.writes if w.method == "POST" and w.path.endswith("/issues")]


def test_fetch_stores_the_file_and_the_rituals_load_from_it(github):
    [outcome] = ritual_files_fetch()
    assert outcome.ok
    stored = RitualFile.objects.select_related("content").get(path=RITUALS_PATH)
    assert stored.content.etag
    assert stored.error == ""
    catalogue = ritual_catalogue()
    assert len(catalogue.rituals) == 8
    assert len(catalogue.problems) == 2


def test_fetch_again_is_a_304_that_keeps_the_stored_copy(github):
    ritual_files_fetch()
    first = RitualFile.objects.get().content
    github.reset_counts()
    ritual_files_fetch()
    assert [r.status for r in github.requests] == [304]
    again = RitualFile.objects.select_related("content").get().content
    assert again.pk == first.pk
    assert again.text == first.text
    assert len(ritual_catalogue().rituals) == 8


def test_fetch_error_is_recorded_and_the_previous_copy_stays(github):
    ritual_files_fetch()
    github.fail_next(1, status=502)
    [outcome] = ritual_files_fetch()
    assert not outcome.ok
    stored = RitualFile.objects.get()
    assert "502" in stored.error
    assert stored.content is not None
    assert len(ritual_catalogue().rituals) == 8
    ritual_files_fetch()  # GitHub is back: the error goes
    assert RitualFile.objects.get().error == ""


def test_fetch_of_a_missing_file_is_an_error_and_nothing_loads(github, settings):
    settings.FLEETOPS_RITUALS_FILES = ["handbook/nope.rituals.yml"]
    [outcome] = ritual_files_fetch()
    assert not outcome.ok
    assert "404" in RitualFile.objects.get().error
    assert ritual_catalogue().rituals == []


def test_file_issues_dry_run_previews_and_never_counts_as_filed(github, settings):
    ritual_files_fetch()
    [outcome] = ritual_issues_file(day=D)
    assert outcome.outcome == "dry-run"
    assert _posts(github) == []
    assert not RitualIssue.objects.exists()
    ritual_issues_file(day=D)  # previews do not pile up
    assert GitHubWrite.objects.filter(status="dry-run").count() == 1
    settings.FLEETOPS_GITHUB_WRITE = True  # the preview did not file it: now it is filed
    [outcome] = ritual_issues_file(day=D)
    assert outcome.outcome == "filed"
    assert len(_posts(github)) == 1


def test_file_issues_posts_the_handbook_payload_once(github, settings):
    settings.FLEETOPS_GITHUB_WRITE = True
    ritual_files_fetch()
    [outcome] = ritual_issues_file(day=D)
    [post] = _posts(github)
    assert post.path == "/repos/fleetdm/fleet/issues"
    assert post.body == {
        "title": "Release ritual",
        "body": "Go through the process of releasing the next iteration of Fleet.\n\n"
        "https://fleetdm.com/handbook/engineering#release-fleet",
        "labels": ["#g-mdm", ":release"],
        "assignees": ["lukeheath"],
    }
    issue = RitualIssue.objects.get()
    assert (issue.task, issue.due_on, issue.number) == ("Release ritual", D, outcome.number)
    assert issue.html_url.endswith(f"/issues/{issue.number}")
    # A second run, the beat the next hour: nothing more is written.
    [again] = ritual_issues_file(day=D)
    assert again.outcome == "already-filed"
    assert again.number == outcome.number
    assert len(_posts(github)) == 1


def test_file_issues_only_rituals_due_on_the_day(github, settings):
    settings.FLEETOPS_GITHUB_WRITE = True
    ritual_files_fetch()
    assert ritual_issues_file(day=D + dt.timedelta(days=1)) == []
    assert _posts(github) == []


def test_file_issues_other_repository_of_the_same_owner(daily_rituals, settings):
    settings.FLEETOPS_GITHUB_WRITE = True
    ritual_files_fetch()
    outcomes = ritual_issues_file(day=D)
    assert [o.outcome for o in outcomes] == ["filed"] * 3
    paths = sorted(w.path for w in _posts(daily_rituals))
    assert paths == [
        "/repos/fleetdm/confidential/issues",
        "/repos/fleetdm/fleet/issues",
        "/repos/fleetdm/fleet/issues",
    ]
    empty_url = next(
        w for w in _posts(daily_rituals) if w.body["title"] == "Check the dogfood instance"
    )
    assert empty_url.body["body"] == "Is it up?"  # no URL: no blank line, no trailing text


def test_file_issues_failure_is_retried_without_repeating_what_succeeded(daily_rituals, settings):
    settings.FLEETOPS_GITHUB_WRITE = True
    ritual_files_fetch()
    daily_rituals.fail_next(1, status=502, path_contains="/issues")
    outcomes = ritual_issues_file(day=D)
    assert [o.outcome for o in outcomes] == ["failed", "filed", "filed"]
    assert RitualIssue.objects.count() == 2
    retried = ritual_issues_file(day=D)
    assert [o.outcome for o in retried] == ["filed", "already-filed", "already-filed"]
    assert len([w for w in _posts(daily_rituals) if w.status == 201]) == 3
    assert RitualIssue.objects.count() == 3


def test_file_issues_a_crash_after_the_write_is_recorded_on_the_next_run(daily_rituals, settings):
    """The write went through but the run died before recording it: the rerun records the
    gateway's answer instead of filing again."""
    settings.FLEETOPS_GITHUB_WRITE = True
    ritual_files_fetch()
    ritual_issues_file(day=D)
    RitualIssue.objects.all().delete()
    outcomes = ritual_issues_file(day=D)
    assert [o.outcome for o in outcomes] == ["filed"] * 3
    assert len(_posts(daily_rituals)) == 3
