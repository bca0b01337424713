"""Handbook, "Confirm latest versions of dependencies": each check, its comparison, its action.

Every test runs the real service against a fake GitHub and a fake Go release list on
loopback, with the watched releases and the tags in the mirror.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from fleetops.github.models import BranchHead, ExternalRelease, Tag
from fleetops.github.upsert import repository_get
from releases.dependencies.selectors import dependency_run_rows
from releases.dependencies.services import dependency_checks_run
from releases.models import (
    DependencyCheckResult,
    DependencyCheckRun,
    FeedConfirmation,
    ReleaseCandidate,
)
from tests.releases import test_dependency_fixtures as fixtures
from tests.releases.factories import ReleaseFactory
from tests.releases.test_dependency_fixtures import (
    CHROME_TAG,
    ORBIT_TAG,
    PRODUCT,
    go_entries,
    mirror_release,
    product_set,
)

# The shared fixtures (github, golist), used by name.
fixture_github, fixture_golist = fixtures.fixture_github, fixtures.fixture_golist

pytestmark = pytest.mark.django_db


def _run(**kwargs) -> dict[str, DependencyCheckResult]:
    run = dependency_checks_run(trigger="test", **kwargs)
    return {r.check_name: r for r in run.results.all()}


def _row(results, check):
    r = results[check]
    return (r.current, r.latest, r.status, r.release_blocker, r.action)


# -- everything up to date ------------------------------------------------------------------------


def test_checks_all_up_to_date(github, golist):
    product_set(github, golist)
    run = dependency_checks_run(trigger="test")
    rows = {row["check"]: row for row in dependency_run_rows(run)}
    assert run.outcome == "ok"
    assert run.ref == "main"
    assert run.finished_at is not None
    assert list(rows) == [
        "go",
        "go-major",
        "macadmins-extension",
        "osquery",
        "vulnerability-feeds",
        "orbit",
        "fleetd-chrome",
    ]
    assert {check: row["status"] for check, row in rows.items()} == {
        "go": "ok",
        "go-major": "ok",
        "macadmins-extension": "ok",
        "osquery": "ok",
        "vulnerability-feeds": "manual",
        "orbit": "ok",
        "fleetd-chrome": "ok",
    }
    assert rows["vulnerability-feeds"]["action"] == "confirm"
    assert rows["go"]["current"] == "1.24.4"
    assert rows["go"]["latest"] == "1.24.4"
    assert not any(row["release_blocker"] for row in rows.values())


# -- Go -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ours", "listed", "go", "go_major"),
    [
        # a newer patch of our line: a release-blocking bug
        ("1.24.4", ["1.24.6", "1.24.4"], ("1.24.4", "1.24.6", "outdated", True, "bug"),
         ("1.24", "1.24", "ok", False, "none")),
        # versions, not strings: 1.24.10 is newer than 1.24.9
        ("1.24.9", ["1.24.10", "1.24.9"], ("1.24.9", "1.24.10", "outdated", True, "bug"),
         ("1.24", "1.24", "ok", False, "none")),
        # a newer major only: a story, not blocking
        ("1.24.4", ["1.25.0", "1.24.4"], ("1.24.4", "1.24.4", "ok", False, "none"),
         ("1.24", "1.25", "outdated", False, "story")),
        # both at once
        ("1.24.4", ["1.25.1", "1.24.5"], ("1.24.4", "1.24.5", "outdated", True, "bug"),
         ("1.24", "1.25", "outdated", False, "story")),
        # equal
        ("1.24.4", ["1.24.4", "1.23.9"], ("1.24.4", "1.24.4", "ok", False, "none"),
         ("1.24", "1.24", "ok", False, "none")),
        # ours is newer than the list
        ("1.24.7", ["1.24.6"], ("1.24.7", "1.24.6", "ok", False, "none"),
         ("1.24", "1.24", "ok", False, "none")),
        # `go 1.22` means 1.22.0
        ("1.22", ["1.22.1"], ("1.22.0", "1.22.1", "outdated", True, "bug"),
         ("1.22", "1.22", "ok", False, "none")),
    ],
)  # fmt: skip
def test_go_rules(github, golist, ours, listed, go, go_major):
    product_set(github, golist, go=ours, go_releases=listed)
    results = _run()
    assert _row(results, "go") == go
    assert _row(results, "go-major") == go_major


def test_go_release_candidates_and_betas_never_count_as_newer(github, golist):
    product_set(github, golist, go_releases=["1.24.4"])
    golist(go_entries("1.24.4", unstable=["1.25rc2", "1.25beta1", "1.24.5rc1"]))
    results = _run()
    assert _row(results, "go")[2:] == ("ok", False, "none")
    assert _row(results, "go-major") == ("1.24", "1.24", "ok", False, "none")


def test_go_blocker_detail_names_the_line_and_ref(github, golist):
    product_set(github, golist, go_releases=["1.24.6"])
    detail = _run()["go"].detail
    assert "Go 1.24.6 is out" in detail
    assert "says go 1.24.4 (line 3)" in detail
    assert "main" in detail


# -- macadmins-extension --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("releases", "expected"),
    [
        (["v1.3.0", "v1.2.7"], ("v1.2.7", "v1.3.0", "outdated", True, "bug")),
        (["v1.2.10", "v1.2.9"], ("v1.2.7", "v1.2.10", "outdated", True, "bug")),
        (["v1.2.7"], ("v1.2.7", "v1.2.7", "ok", False, "none")),
        (["v1.2.6"], ("v1.2.7", "v1.2.6", "ok", False, "none")),
        (["1.2.7"], ("v1.2.7", "1.2.7", "ok", False, "none")),  # v1.2.7 = 1.2.7
    ],
)
def test_macadmins_rule(github, golist, releases, expected):
    product_set(github, golist, extension_releases=releases)
    assert _row(_run(), "macadmins-extension") == expected


def test_macadmins_prereleases_and_drafts_are_ignored(github, golist):
    product_set(github, golist, extension_releases=["v1.2.7"])
    mirror_release("macadmins/osquery-extension", "v1.4.0", prerelease=True)
    mirror_release("macadmins/osquery-extension", "v1.5.0", draft=True)
    mirror_release("macadmins/osquery-extension", "v1.3.0-rc.1")  # not flagged, still a pre-release
    assert _row(_run(), "macadmins-extension") == ("v1.2.7", "v1.2.7", "ok", False, "none")


def test_macadmins_outdated_says_to_check_for_new_tables(github, golist):
    product_set(github, golist, extension_releases=["v1.3.0"])
    assert (
        "like new tables, that require code changes in Fleet"
        in _run()["macadmins-extension"].detail
    )


# -- osquery --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("releases", "expected"),
    [
        (["5.15.0", "5.12.2"], ("5.12.2", "5.15.0", "outdated", False, "bug")),
        (["5.12.10"], ("5.12.2", "5.12.10", "outdated", False, "bug")),
        (["5.12.2"], ("5.12.2", "5.12.2", "ok", False, "none")),
        (["5.12.1"], ("5.12.2", "5.12.1", "ok", False, "none")),
    ],
)
def test_osquery_rule_is_never_a_release_blocker(github, golist, releases, expected):
    product_set(github, golist, osquery_releases=releases)
    assert _row(_run(), "osquery") == expected


def test_osquery_prerelease_only_is_up_to_date(github, golist):
    product_set(github, golist, osquery_releases=["5.12.2"])
    mirror_release("osquery/osquery", "5.16.0", prerelease=True)
    assert _row(_run(), "osquery")[2] == "ok"


def test_osquery_outdated_mentions_flag_validation(github, golist):
    product_set(github, golist, osquery_releases=["5.15.0"])
    detail = _run()["osquery"].detail
    assert "Not a release blocker" in detail
    assert "flag validation" in detail


# -- vulnerability feeds --------------------------------------------------------------------------


def test_feeds_need_confirmation_until_confirmed(github, golist):
    product_set(github, golist)
    release = ReleaseFactory()
    assert _row(_run(release=release), "vulnerability-feeds") == (
        "",
        "",
        "manual",
        False,
        "confirm",
    )
    FeedConfirmation.objects.create(release=release, at=timezone.now(), note="Nothing on NVD.")
    result = _run(release=release)["vulnerability-feeds"]
    assert (result.status, result.action) == ("ok", "none")
    assert "Nothing on NVD." in result.detail


# -- fleetd components ----------------------------------------------------------------------------


def test_fleetd_orbit_changes_call_for_release_qa(github, golist):
    product_set(
        github,
        golist,
        orbit_files=["orbit/pkg/update/runner.go", "orbit/cmd/desktop/desktop.go"],
    )
    results = _run()
    orbit = results["orbit"]
    assert _row(results, "orbit") == (ORBIT_TAG, "main", "outdated", False, "fleetd-release-qa")
    assert [f["filename"] for f in orbit.data["files"]] == [
        "orbit/pkg/update/runner.go",
        "orbit/cmd/desktop/desktop.go",
    ]
    assert [c["message"] for c in orbit.data["commits"]] == [
        "Fix host details",
        "Orbit: retry TUF updates",
    ]
    assert "fleetd release QA needed" in orbit.detail
    assert _row(results, "fleetd-chrome") == (CHROME_TAG, "main", "ok", False, "none")


def test_fleetd_chrome_changes_call_for_release_qa(github, golist):
    product_set(github, golist, chrome_files=["ee/fleetd-chrome/src/tables/new_table.ts"])
    results = _run()
    assert results["fleetd-chrome"].status == "outdated"
    assert results["orbit"].status == "ok"


def test_fleetd_compares_since_the_newest_tag_by_version(github, golist):
    product_set(github, golist)
    _run()
    compared = {r.path for r in github.requests_to("/compare/")}
    assert compared == {
        f"/repos/{PRODUCT}/compare/{ORBIT_TAG}...main",
        f"/repos/{PRODUCT}/compare/{CHROME_TAG}...main",
    }


def test_fleetd_files_only_under_another_path_are_no_changes(github, golist):
    product_set(github, golist, orbit_files=["orbital/readme.md"])
    assert _run()["orbit"].status == "ok"


# -- errors: the check says why, the others still run ---------------------------------------------


def _statuses(results):
    return {check: r.status for check, r in results.items()}


def test_error_go_mod_without_go_line(github, golist):
    product_set(
        github, golist, go_mod="module x\n\nrequire github.com/macadmins/osquery-extension v1.2.7\n"
    )
    results = _run()
    assert results["go"].detail == results["go-major"].detail
    assert results["go"].detail.startswith("go.mod has no `go` directive")
    assert _statuses(results) == {
        "go": "error",
        "go-major": "error",
        "macadmins-extension": "ok",
        "osquery": "ok",
        "vulnerability-feeds": "manual",
        "orbit": "ok",
        "fleetd-chrome": "ok",
    }
    assert DependencyCheckRun.objects.get().outcome == "partial"


def test_error_unparsable_go_version_names_the_line(github, golist):
    product_set(github, golist, go="1.24.x")
    assert _run()["go"].detail.startswith("line 3 of go.mod: `1.24.x` is not a Go version")


def test_error_go_mod_without_the_extension(github, golist):
    product_set(github, golist, go_mod="module x\n\ngo 1.24.4\n")
    results = _run()
    assert results["macadmins-extension"].detail == (
        "go.mod does not require github.com/macadmins/osquery-extension"
    )
    assert results["go"].status == "ok"


def test_error_workflow_404(github, golist):
    product_set(github, golist)
    github.repo(PRODUCT).files.pop(("main", ".github/workflows/generate-osqueryd-targets.yml"))
    results = _run()
    assert results["osquery"].status == "error"
    assert results["osquery"].detail == (
        "GitHub has no .github/workflows/generate-osqueryd-targets.yml at main (404)"
    )
    assert results["go"].status == results["macadmins-extension"].status == "ok"


def test_error_workflow_without_the_pin(github, golist):
    product_set(github, golist, workflow="name: x\non: push\n")
    assert _run()["osquery"].detail.endswith("has no top-level `env:` block")


def test_error_go_list_unreachable(github, golist, settings):
    product_set(github, golist)
    settings.GO_RELEASES_URL = "http://127.0.0.1:9/dl/"  # nothing listens on the discard port
    results = _run()
    assert results["go"].status == results["go-major"].status == "error"
    assert results["go"].detail == (
        "The Go release list could not be reached: connection refused by 127.0.0.1:9"
    )
    cause = "The Go release list could not be reached (connection refused by 127.0.0.1:9)"
    assert results["go"].data == {"transient": True, "cause": cause}
    assert results["macadmins-extension"].status == results["osquery"].status == "ok"


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        ("<html>maintenance</html>", 200, "is not JSON"),
        ("oops", 503, "answered 503"),
        ({"releases": []}, 200, "not a JSON list"),
        ([{"version": "go1.25rc1", "stable": False}], 200, "has no stable release"),
    ],
)
def test_error_go_list_garbage(github, golist, body, status, message):
    product_set(github, golist)
    golist(body, status=status)
    results = _run()
    assert results["go"].status == "error"
    assert message in results["go"].detail
    assert results["osquery"].status == "ok"


def test_error_mirror_without_releases(github, golist):
    product_set(github, golist, osquery_releases=[])
    assert _run()["osquery"].detail == (
        "the mirror has no releases of osquery/osquery — run sync_github"
    )


def test_error_mirror_without_orbit_tags(github, golist):
    product_set(github, golist)
    Tag.objects.filter(name__startswith="orbit-v").delete()
    results = _run()
    assert results["orbit"].detail == "the mirror has no orbit-v* tags — run sync_github"
    assert results["fleetd-chrome"].status == "ok"


def test_error_github_down_for_go_mod_is_transient(github, golist):
    product_set(github, golist)
    github.fail_next(1, status=502, path_contains="contents/go.mod")
    results = _run()
    assert {results[c].status for c in ("go", "go-major", "macadmins-extension")} == {"error"}
    assert "Run the checks again" in results["go"].detail
    # The root cause is kept apart: the page and the gate say it once for the three checks.
    assert results["go"].data == {
        "transient": True,
        "cause": "GitHub answered HTTP 502: Server Error",
    }
    assert results["osquery"].status == "ok"


def test_error_compare_404(github, golist):
    product_set(github, golist)
    github.repo(PRODUCT).compares.pop((ORBIT_TAG, "main"))
    assert _run()["orbit"].detail == f"GitHub has no a comparison {ORBIT_TAG}...main (404)"


# -- which ref, one run at a time -----------------------------------------------------------------


def test_ref_is_the_rc_branch_when_it_exists(github, golist):
    release = ReleaseFactory(version="4.76.0")
    ReleaseCandidate.objects.create(
        release=release, branch=release.rc_branch_name, cut_at=timezone.now(), dry_run=False
    )
    product_set(github, golist, ref="rc-minor-fleet-v4.76.0", go="1.24.3", go_releases=["1.24.4"])
    run = dependency_checks_run(release=release, trigger="test")
    assert run.ref == "rc-minor-fleet-v4.76.0"
    assert run.results.get(check_name="go").latest == "1.24.4"


def test_ref_dry_run_cut_falls_back_to_main_and_says_why(github, golist):
    release = ReleaseFactory(version="4.76.0")
    ReleaseCandidate.objects.create(
        release=release, branch=release.rc_branch_name, cut_at=timezone.now(), dry_run=True
    )
    product_set(github, golist)
    run = dependency_checks_run(release=release, trigger="test")
    assert (run.ref, run.outcome) == ("main", "ok")
    assert "dry-run" in run.ref_note


def test_ref_dry_run_cut_whose_branch_github_has_is_used(github, golist):
    release = ReleaseFactory(version="4.76.0")
    ReleaseCandidate.objects.create(
        release=release, branch=release.rc_branch_name, cut_at=timezone.now(), dry_run=True
    )
    BranchHead.objects.create(
        repository=repository_get(PRODUCT),
        name=release.rc_branch_name,
        sha="a" * 40,
        fetched_at=timezone.now(),
    )
    product_set(github, golist, ref=release.rc_branch_name)
    assert dependency_checks_run(release=release, trigger="test").ref == release.rc_branch_name


def test_ref_given_explicitly(github, golist):
    product_set(github, golist, ref="my-branch")
    assert dependency_checks_run(ref="my-branch", trigger="test").outcome == "ok"


def test_run_while_another_runs_is_skipped(github, golist):
    release = ReleaseFactory()
    DependencyCheckRun.objects.create(release=release, ref="main", started_at=timezone.now())
    run = dependency_checks_run(release=release, trigger="test")
    assert run.outcome == "skipped"
    assert not run.results.exists()
    assert github.request_count == 0


def test_run_after_a_dead_worker_marks_it_abandoned(github, golist):
    product_set(github, golist)
    release = ReleaseFactory()
    stale = DependencyCheckRun.objects.create(
        release=release, ref="main", started_at=timezone.now() - dt.timedelta(hours=1)
    )
    run = dependency_checks_run(release=release, trigger="test")
    stale.refresh_from_db()
    assert (stale.outcome, run.outcome) == ("abandoned", "ok")


def test_run_for_another_release_is_not_skipped(github, golist):
    product_set(github, golist)
    DependencyCheckRun.objects.create(
        release=ReleaseFactory(), ref="main", started_at=timezone.now()
    )
    assert dependency_checks_run(release=ReleaseFactory(), trigger="test").outcome == "ok"


def test_run_bumps_the_release_board(github, golist):
    product_set(github, golist)
    release = ReleaseFactory()
    dependency_checks_run(release=release, trigger="test")
    release.refresh_from_db()
    assert release.board_version == 1


def test_run_twice_reads_files_conditionally(github, golist):
    product_set(github, golist)
    dependency_checks_run(trigger="test")
    github.reset_counts()
    dependency_checks_run(trigger="test")
    statuses = [
        r.status for r in github.requests if "/contents/" in r.path or "/compare/" in r.path
    ]
    assert statuses == [304, 304, 304, 304]
    assert ExternalRelease.objects.count() == 4  # the mirror's releases are read, never fetched
