"""Filing what the checks call for (never twice), acknowledging blockers, confirming the feeds."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from fleetops.github.models import GitHubWrite, Issue
from fleetops.github.upsert import repository_get
from releases.dependencies.rules import DependencyCheckError, check_label
from releases.dependencies.selectors import dependency_gate
from releases.dependencies.services import (
    dependency_check_acknowledge,
    dependency_checks_run,
    dependency_feeds_confirm,
    dependency_issue_file,
)
from releases.models import Activity, DependencyCheckResult, DependencyIssue, FeedConfirmation
from tests.factories import PersonFactory, ProductGroupFactory, UserFactory
from tests.releases import test_dependency_fixtures as fixtures
from tests.releases.factories import ReleaseFactory
from tests.releases.test_dependency_fixtures import (
    PRODUCT,
    product_set,
)

# The shared fixtures (github, golist, oncall_now), used by name.
fixture_github, fixture_golist, fixture_oncall_now = (
    fixtures.fixture_github,
    fixtures.fixture_golist,
    fixtures.fixture_oncall_now,
)

pytestmark = pytest.mark.django_db

OUTDATED = {
    "go_releases": ["1.25.1", "1.24.6", "1.24.4"],
    "extension_releases": ["v1.3.0", "v1.2.7"],
    "osquery_releases": ["5.15.0", "5.12.2"],
    "orbit_files": ["orbit/pkg/update/runner.go"],
    "chrome_files": ["ee/fleetd-chrome/src/tables/new_table.ts"],
}


@pytest.fixture
def dri():
    return PersonFactory(user__username="pieter", name="Pieter de Wit", github_login="pdewit")


@pytest.fixture
def oncall_person():
    return PersonFactory(user__username="casey", name="Casey Oncall", github_login="casey-oc")


@pytest.fixture
def release(dri):
    return ReleaseFactory(version="4.76.0", dri=dri)


@pytest.fixture
def outdated(github, golist, release, oncall_now, oncall_person):
    """A run for the release where every check that can be outdated is; Casey is on call."""
    oncall_now(oncall_person)
    product_set(github, golist, **OUTDATED)
    run = dependency_checks_run(release=release, trigger="test")
    return {r.check_name: r for r in run.results.select_related("run__release__dri")}


def _file(outdated, check, actor):
    return dependency_issue_file(result=outdated[check], actor=actor)


# -- what is filed -------------------------------------------------------------------------------


def test_file_go_patch_is_a_release_blocking_bug_for_dri_and_oncall(outdated, dri, github):
    issue = _file(outdated, "go", dri.user)
    write = issue.write
    assert (write.status, write.method, write.path) == (
        "dry-run",
        "POST",
        f"/repos/{PRODUCT}/issues",
    )
    assert write.payload["title"] == "Upgrade Go to 1.24.6 (release blocker)"
    assert write.payload["labels"] == ["bug", ":reproduce", "~release blocker"]
    assert write.payload["assignees"] == ["pdewit", "casey-oc"]
    body = write.payload["body"]
    assert "We must upgrade to the latest minor version before publishing the next release" in body
    assert "- Ours: 1.24.4 (`go.mod` line 3)" in body
    assert "- Latest: 1.24.6" in body
    assert "@pdewit (Pieter de Wit)" in body
    assert "@casey-oc (Casey Oncall)" in body
    assert write.dedupe_key == "depcheck:go:1.24.6"
    assert github.writes == []  # dry run: nothing sent


def test_file_go_major_is_a_story(outdated, dri):
    payload = _file(outdated, "go-major", dri.user).write.payload
    assert payload["title"] == "Upgrade to Go 1.25 (story)"
    assert payload["labels"] == ["story", ":product"]
    assert "The release can proceed without upgrading the major version" in payload["body"]


def test_file_macadmins_says_to_check_for_changes(outdated, dri):
    payload = _file(outdated, "macadmins-extension", dri.user).write.payload
    assert payload["title"] == "Upgrade macadmins-extension to v1.3.0"
    assert payload["labels"] == ["bug", ":reproduce", "~release blocker"]
    assert "changes, like new tables, that require code changes in Fleet" in payload["body"]


def test_file_osquery_is_not_a_release_blocker(outdated, dri):
    payload = _file(outdated, "osquery", dri.user).write.payload
    assert payload["title"] == "Upgrade osquery to 5.15.0"
    assert payload["labels"] == ["bug", ":reproduce"]
    assert "require updates to Fleet's flag validation and related documentation" in payload["body"]
    assert "https://github.com/fleetdm/fleet/pull/16239/files" in payload["body"]


def test_file_fleetd_one_release_qa_issue_for_both_components(outdated, dri):
    orbit = _file(outdated, "orbit", dri.user)
    chrome = _file(outdated, "fleetd-chrome", dri.user)
    assert orbit.write == chrome.write
    assert GitHubWrite.objects.count() == 1
    payload = orbit.write.payload
    assert payload["title"] == (
        "Release QA: fleetd (changes since orbit-v1.40.0, fleetd-chrome-v1.10.0)"
    )
    assert payload["labels"] == [":release"]
    assert payload["assignees"] == ["pdewit"]
    assert "`orbit/pkg/update/runner.go`" in payload["body"]
    assert "`ee/fleetd-chrome/src/tables/new_table.ts`" in payload["body"]


def test_file_without_oncall_says_so(github, golist, release, dri, oncall_now):
    product_set(github, golist, **OUTDATED)
    run = dependency_checks_run(release=release, trigger="test")
    issue = dependency_issue_file(result=run.results.get(check_name="go"), actor=dri.user)
    assert issue.write.payload["assignees"] == ["pdewit"]
    assert "No on-call engineer is known to fleetops right now" in issue.write.payload["body"]


def test_file_dri_on_call_is_assigned_once(github, golist, release, dri, oncall_now):
    oncall_now(dri)
    product_set(github, golist, **OUTDATED)
    run = dependency_checks_run(release=release, trigger="test")
    issue = dependency_issue_file(result=run.results.get(check_name="go"), actor=dri.user)
    assert issue.write.payload["assignees"] == ["pdewit"]


def test_file_up_to_date_check_has_nothing_to_file(github, golist, release, dri):
    product_set(github, golist)
    run = dependency_checks_run(release=release, trigger="test")
    with pytest.raises(DependencyCheckError, match="nothing to file"):
        dependency_issue_file(result=run.results.get(check_name="go"), actor=dri.user)


# -- never twice ---------------------------------------------------------------------------------


def test_file_twice_is_one_issue(outdated, dri):
    first = _file(outdated, "go", dri.user)
    second = _file(outdated, "go", dri.user)
    assert first == second
    assert GitHubWrite.objects.count() == 1
    assert DependencyIssue.objects.count() == 1


def test_file_again_from_a_later_run_is_the_same_issue(outdated, dri, release):
    first = _file(outdated, "go", dri.user)
    later = dependency_checks_run(release=release, trigger="test")
    again = dependency_issue_file(result=later.results.get(check_name="go"), actor=dri.user)
    assert again == first
    assert GitHubWrite.objects.count() == 1


def test_file_live_posts_once_and_the_mirror_shows_it(outdated, dri, github, settings):
    settings.FLEETOPS_GITHUB_WRITE = True
    issue = _file(outdated, "go", dri.user)
    _file(outdated, "go", dri.user)
    posts = [w for w in github.writes if w.method == "POST"]
    assert len(posts) == 1
    assert posts[0].body["assignees"] == ["pdewit", "casey-oc"]
    assert issue.number
    assert issue.html_url.endswith(f"/issues/{issue.number}")
    mirrored = Issue.objects.get(number=issue.number)
    assert (mirrored.title, mirrored.state) == ("Upgrade Go to 1.24.6 (release blocker)", "open")


def test_file_dry_run_then_live_files_for_real_once(outdated, dri, github, settings):
    rehearsal = _file(outdated, "go", dri.user)
    assert rehearsal.dry_run
    settings.FLEETOPS_GITHUB_WRITE = True
    real = _file(outdated, "go", dri.user)
    _file(outdated, "go", dri.user)
    assert not real.dry_run
    assert real.number
    assert len([w for w in github.writes if w.method == "POST"]) == 1
    assert DependencyIssue.objects.count() == 1


def test_file_links_an_open_issue_filed_by_hand(outdated, dri, github):
    product = repository_get(PRODUCT)
    Issue.objects.create(
        repository=product,
        github_id=1,
        number=31337,
        title="Upgrade Go to 1.24.6",  # filed by hand, without the suffix
        state="open",
        author_login="someone",
        created_at=timezone.now(),
        updated_at=timezone.now(),
    )
    issue = _file(outdated, "go", dri.user)
    assert (issue.linked_existing, issue.number, issue.write) == (True, 31337, None)
    assert GitHubWrite.objects.count() == 0


def test_file_ignores_a_closed_issue_with_the_same_title(outdated, dri):
    Issue.objects.create(
        repository=repository_get(PRODUCT),
        github_id=2,
        number=31338,
        title="Upgrade Go to 1.24.6 (release blocker)",
        state="closed",
        author_login="someone",
        created_at=timezone.now(),
        updated_at=timezone.now(),
    )
    assert not _file(outdated, "go", dri.user).linked_existing


def test_file_with_lost_link_finds_the_write_it_made(outdated, dri, github, settings):
    settings.FLEETOPS_GITHUB_WRITE = True
    first = _file(outdated, "go", dri.user)
    DependencyIssue.objects.all().delete()
    Issue.objects.all().delete()  # not in the mirror either: the gateway's key still knows
    again = _file(outdated, "go", dri.user)
    assert again.number == first.number
    assert len([w for w in github.writes if w.method == "POST"]) == 1


def test_file_github_refuses_then_retry_works(outdated, dri, github, settings):
    settings.FLEETOPS_GITHUB_WRITE = True
    github.fail_next(1, status=502, path_contains="/issues")
    with pytest.raises(DependencyCheckError, match="GitHub did not take the issue"):
        _file(outdated, "go", dri.user)
    assert not DependencyIssue.objects.exists()
    assert GitHubWrite.objects.get().status == "failed"
    assert _file(outdated, "go", dri.user).number


def test_file_issue_survives_a_failing_run(outdated, dri, release, github):
    issue = _file(outdated, "go", dri.user)
    github.fail_next(1, status=502, path_contains="contents/go.mod")
    failing = dependency_checks_run(release=release, trigger="test")
    assert failing.results.get(check_name="go").status == "error"
    assert DependencyIssue.objects.get() == issue


def test_file_records_activity_on_the_release(outdated, dri, release):
    _file(outdated, "osquery", dri.user)
    entry = Activity.objects.get(release=release, kind="dependency-issue")
    assert "Upgrade osquery to 5.15.0" in entry.message
    assert "dry run" in entry.message


# -- who may -------------------------------------------------------------------------------------


def test_file_by_a_qa_lead_is_refused_and_changes_nothing(outdated):
    qa = PersonFactory(user__username="qa")
    ProductGroupFactory(qa_lead=qa)
    with pytest.raises(PermissionDenied):
        _file(outdated, "go", qa.user)
    assert not GitHubWrite.objects.exists()
    assert not DependencyIssue.objects.exists()


def test_file_by_staff_is_allowed(outdated):
    assert _file(outdated, "go", UserFactory(is_staff=True)).write is not None


def test_file_for_an_ad_hoc_run_is_staff_only(github, golist, dri):
    product_set(github, golist, **OUTDATED)
    result = dependency_checks_run(trigger="test").results.get(check_name="go")
    with pytest.raises(PermissionDenied):
        dependency_issue_file(result=result, actor=dri.user)
    assert dependency_issue_file(result=result, actor=UserFactory(is_staff=True))


# -- acknowledging a release blocker --------------------------------------------------------------


@pytest.mark.parametrize("check", ["go", "macadmins-extension"])
def test_an_outdated_go_or_macadmins_cannot_be_acknowledged_away(outdated, dri, release, check):
    FeedConfirmation.objects.create(release=release, at=timezone.now())
    with pytest.raises(DependencyCheckError, match="must upgrade it before publishing"):
        dependency_check_acknowledge(result=outdated[check], actor=dri.user, note="later")
    remaining = dependency_gate(release=release).remaining
    assert any(line.startswith(check_label(check)) for line in remaining), remaining
    assert not Activity.objects.filter(kind="dependency-ack").exists()


def test_another_outdated_check_is_acknowledged_with_a_reason_once(outdated, dri):
    first = dependency_check_acknowledge(result=outdated["osquery"], actor=dri.user, note="first")
    again = dependency_check_acknowledge(result=outdated["osquery"], actor=dri.user, note="second")
    assert again == first
    assert again.note == "first"
    assert Activity.objects.filter(kind="dependency-ack").count() == 1


def test_acknowledge_needs_a_reason(outdated, dri):
    with pytest.raises(DependencyCheckError, match="Say why"):
        dependency_check_acknowledge(result=outdated["osquery"], actor=dri.user, note="  ")


def test_acknowledge_by_someone_else_is_refused(outdated):
    with pytest.raises(PermissionDenied):
        dependency_check_acknowledge(
            result=outdated["osquery"], actor=PersonFactory().user, note="looks fine"
        )


# -- vulnerability feeds -------------------------------------------------------------------------


def test_feeds_confirm_clears_the_gate_item(outdated, dri, release):
    dependency_feeds_confirm(release=release, actor=dri.user, note="Nothing new.")
    assert not any("feeds" in item for item in dependency_gate(release=release).remaining)
    entry = Activity.objects.get(kind="dependency-feeds")
    assert "nothing that might impact our data feeds" in entry.message


def test_feeds_may_affect_notifies_the_oncall_engineer(
    outdated, dri, release, oncall_person, httpserver, settings, django_capture_on_commit_callbacks
):
    settings.SLACK_WEBHOOK_URL = httpserver.url_for("/slack")
    httpserver.expect_request("/slack", method="POST").respond_with_data("ok")
    with django_capture_on_commit_callbacks(execute=True):
        confirmation = dependency_feeds_confirm(
            release=release,
            actor=dri.user,
            note="NVD announced an API key change for 2027.",
            may_affect_feeds=True,
        )
    assert confirmation.oncall_notified == oncall_person
    entry = Activity.objects.get(kind="dependency-feeds")
    assert "@casey-oc (Casey Oncall, on call)" in entry.message
    assert "it is your responsibility to investigate and file a bug" in entry.message
    assert entry.slack_status == "sent"
    posted, _ = httpserver.log[-1]
    assert "@casey-oc" in posted.get_json()["text"]


def test_feeds_may_affect_needs_a_note(outdated, dri, release):
    with pytest.raises(DependencyCheckError, match="Say which announcement"):
        dependency_feeds_confirm(release=release, actor=dri.user, may_affect_feeds=True)
    assert not FeedConfirmation.objects.exists()


def test_feeds_confirm_by_someone_else_is_refused(release):
    with pytest.raises(PermissionDenied):
        dependency_feeds_confirm(release=release, actor=PersonFactory().user)
    assert not FeedConfirmation.objects.exists()


def test_result_rows_are_kept_per_run(outdated, release):
    dependency_checks_run(release=release, trigger="test")
    assert DependencyCheckResult.objects.filter(check_name="go").count() == 2
