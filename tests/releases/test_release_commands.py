"""`release_cut` and `release_conclude`: the plan, --apply, --json and refusals (exit 2)."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from fleetops.github.models import GitHubWrite
from releases.board.models import Release, ReleaseCandidate

pytestmark = pytest.mark.django_db


def _run(*args: str) -> dict:
    out = io.StringIO()
    call_command(*args, "--json", stdout=out)
    return json.loads(out.getvalue())


def test_conclude_plan_json_shape_changes_nothing(milestoned):
    data = _run("release_conclude", "4.75.0")
    assert set(data) == {"version", "applied", "writes", "left_open"}
    assert (data["version"], data["applied"]) == ("4.75.0", False)
    assert {w["status"] for w in data["writes"]} == {"planned"}
    assert {w["method"] for w in data["writes"]} == {"PATCH", "GRAPHQL"}
    assert all(set(w) == {"method", "path", "body", "status"} for w in data["writes"])
    assert data["writes"][-1] == {
        "method": "PATCH",
        "path": "/repos/fleetdm/confidential/actions/variables/QAWOLF_DEPLOY_TAG",
        "body": {"name": "QAWOLF_DEPLOY_TAG", "value": "main"},
        "status": "planned",
    }
    assert data["left_open"] == [
        {"repository": "fleetdm/fleet", "number": 9004, "column": "In progress"},
        {"repository": "fleetdm/fleet", "number": 9008, "column": "Awaiting QA"},
    ]
    assert not GitHubWrite.objects.exists()
    assert milestoned.fake.writes == []


def test_conclude_apply_dry_run_then_live_then_nothing(milestoned, settings):
    settings.FLEETOPS_GITHUB_WRITE = False
    dry = _run("release_conclude", "4.75.0", "--apply")
    assert dry["applied"] is True
    assert {w["status"] for w in dry["writes"]} == {"dry-run"}
    settings.FLEETOPS_GITHUB_WRITE = True
    live = _run("release_conclude", "4.75.0", "--apply")
    assert {w["status"] for w in live["writes"]} == {"done"}
    assert len(milestoned.fake.writes) == len(live["writes"]) == 7
    again = _run("release_conclude", "4.75.0", "--apply")
    assert {w["status"] for w in again["writes"]} == {"skipped"}
    assert len(milestoned.fake.writes) == 7
    assert Release.objects.get(version="4.75.0").state == "concluded"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["release_conclude", "4.99.0"], "No release '4.99.0'"),
        (["release_cut", "not-a-version", "--apply"], "No release 'not-a-version'"),
    ],
)
def test_unknown_version_is_refused_with_exit_2(org, args, message):
    with pytest.raises(CommandError, match=message) as refused:
        call_command(*args)
    assert refused.value.returncode == 2
    assert not GitHubWrite.objects.exists()


def test_conclusion_before_publishing_is_refused_with_exit_2(org):
    with pytest.raises(CommandError, match="after the release is published") as refused:
        call_command("release_conclude", "4.75.0", "--apply")
    assert refused.value.returncode == 2
    assert "\n" not in str(refused.value)
    assert not GitHubWrite.objects.exists()


def test_cut_plan_then_dry_run_then_real_cut(org, fake_github, main_branch, settings):
    Release.objects.filter(version="4.75.0").update(state="planned")
    fake_github.repo("fleetdm/confidential").variables["QAWOLF_DEPLOY_TAG"] = "main"
    plan = _run("release_cut", "4.75.0")
    assert [(w["method"], w["path"], w["status"]) for w in plan["writes"]] == [
        ("POST", "/repos/fleetdm/fleet/git/refs", "planned"),
        ("POST", "/repos/fleetdm/fleet/issues", "planned"),
        ("PATCH", "/repos/fleetdm/confidential/actions/variables/QAWOLF_DEPLOY_TAG", "planned"),
    ]
    assert plan["writes"][2]["body"] == {
        "name": "QAWOLF_DEPLOY_TAG",
        "value": "rc-minor-fleet-v4.75.0",
    }
    assert not ReleaseCandidate.objects.exists()

    settings.FLEETOPS_GITHUB_WRITE = False
    dry = _run("release_cut", "4.75.0", "--apply")
    assert {w["status"] for w in dry["writes"]} == {"dry-run"}
    assert ReleaseCandidate.objects.get().dry_run
    assert fake_github.writes == []

    settings.FLEETOPS_GITHUB_WRITE = True  # the dry run does not block the real cut
    real = _run("release_cut", "4.75.0", "--apply")
    assert {w["status"] for w in real["writes"]} == {"done"}
    assert real["writes"][0]["body"] == {
        "ref": "refs/heads/rc-minor-fleet-v4.75.0",
        "sha": main_branch,
    }
    candidate = ReleaseCandidate.objects.get()
    assert not candidate.dry_run
    assert "refs/heads/rc-minor-fleet-v4.75.0" in fake_github.repo("fleetdm/fleet").refs
    assert fake_github.repo("fleetdm/confidential").variables == {
        "QAWOLF_DEPLOY_TAG": "rc-minor-fleet-v4.75.0"
    }
    again = _run("release_cut", "4.75.0", "--apply")
    assert {w["status"] for w in again["writes"]} == {"skipped"}
    assert len(fake_github.writes) == 3


def test_cut_failing_halfway_resumes(org, fake_github, main_branch, settings):
    Release.objects.filter(version="4.75.0").update(state="planned")
    fake_github.repo("fleetdm/confidential").variables["QAWOLF_DEPLOY_TAG"] = "main"
    settings.FLEETOPS_GITHUB_WRITE = True
    fake_github.fail_next(1, status=502, path_contains="/issues")
    failed = "Could not file the release QA issue: GitHub answered HTTP 502"
    with pytest.raises(CommandError, match=failed) as e:
        call_command("release_cut", "4.75.0", "--apply")
    assert e.value.returncode == 2
    assert not ReleaseCandidate.objects.exists()
    resumed = _run("release_cut", "4.75.0", "--apply")
    assert [w["status"] for w in resumed["writes"]] == ["skipped", "done", "done"]
    refs = [w for w in fake_github.writes if w.path.endswith("/git/refs")]
    assert len(refs) == 1
    assert not ReleaseCandidate.objects.get().dry_run
