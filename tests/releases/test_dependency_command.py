"""`manage.py check_dependencies [--ref REF] [--json]`."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from releases.models import DependencyCheckRun, FeedConfirmation, Release
from tests.releases import test_dependency_fixtures as fixtures
from tests.releases.factories import ReleaseFactory
from tests.releases.test_dependency_fixtures import product_set

# The shared fixtures (github, golist), used by name.
fixture_github, fixture_golist = fixtures.fixture_github, fixtures.fixture_golist

pytestmark = pytest.mark.django_db

KEYS = ["check", "current", "latest", "status", "release_blocker", "action", "detail"]
CHECKS = [
    "go",
    "go-major",
    "macadmins-extension",
    "osquery",
    "vulnerability-feeds",
    "orbit",
    "fleetd-chrome",
]


FLEETD = {"orbit", "fleetd-chrome"}


def _command(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("check_dependencies", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def _command_failing(*args: str) -> tuple[str, CommandError]:
    """Run a command that must exit non-zero; its stdout (the JSON) and the error."""
    out = io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("check_dependencies", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue(), raised.value


def test_command_json_prints_only_the_list(github, golist):
    product_set(
        github,
        golist,
        go_releases=["1.25.0", "1.24.6"],
        orbit_files=["orbit/cmd/desktop/desktop.go"],
    )
    out, _ = _command("--json")
    rows = json.loads(out)
    assert [row["check"] for row in rows] == CHECKS
    assert all(list(row) == KEYS for row in rows if row["check"] not in FLEETD)
    assert all(list(row) == [*KEYS, "files", "commits"] for row in rows if row["check"] in FLEETD)
    by_check = {row["check"]: row for row in rows}
    assert by_check["orbit"]["files"] == ["orbit/cmd/desktop/desktop.go"]
    assert all(isinstance(sha, str) and sha for sha in by_check["orbit"]["commits"])
    assert by_check["go"] == {
        "check": "go",
        "current": "1.24.4",
        "latest": "1.24.6",
        "status": "outdated",
        "release_blocker": True,
        "action": "bug",
        "detail": by_check["go"]["detail"],
    }
    assert by_check["go-major"]["action"] == "story"
    assert by_check["orbit"]["action"] == "fleetd-release-qa"
    assert by_check["vulnerability-feeds"] == {
        "check": "vulnerability-feeds",
        "current": None,
        "latest": None,
        "status": "manual",
        "release_blocker": False,
        "action": "confirm",
        "detail": by_check["vulnerability-feeds"]["detail"],
    }


def test_command_json_errors_are_rows_too(github, golist, settings):
    product_set(github, golist)
    settings.GO_RELEASES_URL = "http://127.0.0.1:9/dl/"
    out, error = _command_failing("--json")
    assert error.returncode == 1  # verdicts are incomplete: release tooling must not pass
    assert "2 of 7 checks errored: go, go-major" in str(error)
    rows = {row["check"]: row for row in json.loads(out)}
    assert rows["go"]["status"] == rows["go-major"]["status"] == "error"
    assert rows["go"]["current"] is None
    assert rows["osquery"]["status"] == "ok"


def test_command_runs_for_the_current_release(github, golist):
    release = ReleaseFactory(state=Release.State.QA)
    product_set(github, golist)
    FeedConfirmation.objects.create(release=release, at=timezone.now())
    rows = {row["check"]: row for row in json.loads(_command("--json")[0])}
    assert (rows["vulnerability-feeds"]["status"], rows["vulnerability-feeds"]["action"]) == (
        "ok",
        "none",
    )
    run = DependencyCheckRun.objects.get()
    assert (run.release, run.trigger) == (release, "command")


def test_command_ref_is_an_ad_hoc_run(github, golist):
    ReleaseFactory(state=Release.State.QA)
    product_set(github, golist, ref="feature-branch")
    rows = json.loads(_command("--ref", "feature-branch", "--json")[0])
    assert {row["status"] for row in rows} == {"ok", "manual"}
    run = DependencyCheckRun.objects.get()
    assert (run.ref, run.release) == ("feature-branch", None)
    assert {r.path for r in github.requests_to("/contents/")} == {
        "/repos/fleetdm/fleet/contents/go.mod",
        "/repos/fleetdm/fleet/contents/.github/workflows/generate-osqueryd-targets.yml",
    }
    assert {r.query.get("ref") for r in github.requests_to("/contents/")} == {"feature-branch"}


def test_command_human_summary(github, golist):
    product_set(github, golist, extension_releases=["v1.3.0"])
    out, _ = _command()
    assert out.startswith("Dependency checks of fleetdm/fleet at main: ok.")
    assert "- macadmins-extension: outdated, release blocker v1.2.7 → v1.3.0 [bug]." in out
    assert "- Vulnerability feeds: manual [confirm]." in out


def test_command_while_a_run_is_in_progress_fails(github, golist):
    DependencyCheckRun.objects.create(release=None, ref="main", started_at=timezone.now())
    with pytest.raises(CommandError, match="another run for the same release is in progress"):
        _command("--json")


def test_command_exits_1_when_every_check_errored(github, golist, settings):
    settings.GITHUB_API_URL = "http://127.0.0.1:9"
    settings.GO_RELEASES_URL = "http://127.0.0.1:9/dl/"
    out, error = _command_failing("--json")
    assert error.returncode == 1
    assert {row["status"] for row in json.loads(out)} <= {"error", "manual"}


@pytest.mark.parametrize(
    ("ref", "problem"),
    [
        ("", "the ref is empty"),
        ("x" * 5000, "5,000 characters long"),
        ("bad\udcffref", "characters git does not allow"),
        ("a..b", "characters git does not allow"),
        ("refs/heads/x.lock", "not a name git allows"),
        ("with space", "characters git does not allow"),
    ],
)
def test_command_bad_ref_exits_2_and_records_nothing(github, golist, ref, problem):
    _, error = _command_failing("--ref", ref)
    assert error.returncode == 2
    assert problem in str(error)
    assert not DependencyCheckRun.objects.exists()
