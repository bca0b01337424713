from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from fleetops.github.gateway import (
    actions_variable_set,
    branch_create,
    issue_create,
    milestone_close,
)
from fleetops.github.models import GitHubWrite, Issue

pytestmark = pytest.mark.django_db


def test_gateway_dry_run_records_and_sends_nothing(fake_github, settings):
    settings.FLEETOPS_GITHUB_WRITE = False
    write = issue_create(
        title="Upgrade Go to 1.24.6",
        body="A newer patch is out.",
        labels=["bug", "~release blocker"],
        assignees=["pdewit"],
        reason="dependency check: Go",
        dedupe_key="go:1.24.6",
    )
    assert write.status == "dry-run"
    assert write.payload["labels"] == ["bug", "~release blocker"]
    assert fake_github.writes == []
    assert fake_github.request_count == 0


def test_gateway_live_write_files_the_issue_and_mirrors_it(fake_github, settings, user):
    settings.FLEETOPS_GITHUB_WRITE = True
    write = issue_create(
        title="Upgrade Go to 1.24.6",
        body="A newer patch is out.",
        labels=["bug"],
        assignees=[],
        reason="dependency check: Go",
        actor=user,
    )
    assert write.status == "done", write.error
    assert write.response["number"] > 0
    assert write.html_url.endswith(f"/issues/{write.response['number']}")
    assert len(fake_github.writes) == 1
    assert Issue.objects.get(number=write.response["number"]).title == "Upgrade Go to 1.24.6"
    assert write.actor == user


def test_gateway_same_key_writes_once(fake_github, settings):
    settings.FLEETOPS_GITHUB_WRITE = True
    first = issue_create(title="t", body="b", labels=[], assignees=[], reason="r", dedupe_key="k")
    again = issue_create(title="t", body="b", labels=[], assignees=[], reason="r", dedupe_key="k")
    assert again.pk == first.pk
    assert len(fake_github.writes) == 1


def test_gateway_failed_write_is_recorded_and_can_be_retried(fake_github, settings):
    settings.FLEETOPS_GITHUB_WRITE = True
    number = min(fake_github.repo("fleetdm/fleet").milestones)
    fake_github.fail_next(1, status=502)
    failed = milestone_close(number=number, reason="conclude 4.74.0", dedupe_key="close:1")
    assert failed.status == "failed"
    assert "502" in failed.error
    retried = milestone_close(number=number, reason="conclude 4.74.0", dedupe_key="close:1")
    assert retried.pk != failed.pk
    assert retried.status == "done", retried.error
    real = GitHubWrite.objects.filter(dedupe_key="close:1").exclude(status="failed")
    assert real.get() == retried


def test_gateway_branch_create_payload(fake_github, settings):
    settings.FLEETOPS_GITHUB_WRITE = False
    write = branch_create(name="rc-minor-fleet-v4.76.0", sha="a" * 40, reason="RC cut")
    assert write.payload == {"ref": "refs/heads/rc-minor-fleet-v4.76.0", "sha": "a" * 40}
    assert write.path == "/repos/fleetdm/fleet/git/refs"


def test_gateway_dry_run_is_a_preview_then_the_real_write_happens_once(fake_github, settings):
    settings.FLEETOPS_GITHUB_WRITE = False
    preview = issue_create(title="t", body="b", labels=[], assignees=[], reason="r", dedupe_key="k")
    again = issue_create(title="t", body="b", labels=[], assignees=[], reason="r", dedupe_key="k")
    assert again.pk == preview.pk  # previews do not pile up
    assert preview.status == "dry-run"

    settings.FLEETOPS_GITHUB_WRITE = True
    real = issue_create(title="t", body="b", labels=[], assignees=[], reason="r", dedupe_key="k")
    assert real.pk != preview.pk
    assert real.status == "done", real.error
    assert len(fake_github.writes) == 1
    twice = issue_create(title="t", body="b", labels=[], assignees=[], reason="r", dedupe_key="k")
    assert twice.pk == real.pk
    assert len(fake_github.writes) == 1

    settings.FLEETOPS_GITHUB_WRITE = False  # a preview after the real write shows it done
    shown = issue_create(title="t", body="b", labels=[], assignees=[], reason="r", dedupe_key="k")
    assert shown == real


def test_gateway_abandoned_pending_write_is_released(fake_github, settings):
    settings.FLEETOPS_GITHUB_WRITE = True
    first = issue_create(title="t", body="b", labels=[], assignees=[], reason="r", dedupe_key="k")
    # as if the process died between recording the write and storing GitHub's answer
    GitHubWrite.objects.filter(pk=first.pk).update(status="pending")
    fresh = issue_create(title="t", body="b", labels=[], assignees=[], reason="r", dedupe_key="k")
    assert fresh.pk == first.pk  # in flight: not sent twice
    GitHubWrite.objects.filter(pk=first.pk).update(
        created_at=timezone.now() - dt.timedelta(minutes=11)
    )
    resumed = issue_create(title="t", body="b", labels=[], assignees=[], reason="r", dedupe_key="k")
    assert resumed.pk != first.pk
    assert resumed.status == "done"
    first.refresh_from_db()
    assert first.status == "failed"
    assert "abandoned" in first.error


def test_gateway_sets_an_actions_variable_of_another_repository_once(fake_github, settings):
    settings.FLEETOPS_GITHUB_WRITE = True
    fake_github.repo("fleetdm/confidential").variables["QAWOLF_DEPLOY_TAG"] = "main"
    issues_before = Issue.objects.count()
    for _ in range(2):
        write = actions_variable_set(
            repository="fleetdm/confidential",
            name="QAWOLF_DEPLOY_TAG",
            value="rc-minor-fleet-v4.80.0",
            reason="RC cut",
            dedupe_key="rc:4.80.0:qawolf",
        )
        assert write.status == "done", write.error
    assert [(w.method, w.path, w.body) for w in fake_github.writes] == [
        (
            "PATCH",
            "/repos/fleetdm/confidential/actions/variables/QAWOLF_DEPLOY_TAG",
            {"name": "QAWOLF_DEPLOY_TAG", "value": "rc-minor-fleet-v4.80.0"},
        )
    ]
    assert fake_github.repo("fleetdm/confidential").variables == {
        "QAWOLF_DEPLOY_TAG": "rc-minor-fleet-v4.80.0"
    }
    assert write.response == {}  # 204: nothing mirrored into the product repository
    assert Issue.objects.count() == issues_before


def test_gateway_reports_a_missing_variable_as_failed(fake_github, settings):
    settings.FLEETOPS_GITHUB_WRITE = True
    write = actions_variable_set(
        repository="fleetdm/confidential",
        name="QAWOLF_DEPLOY_TAG",
        value="main",
        reason="conclude",
        dedupe_key="conclude:4.80.0:7:qawolf",
    )
    assert write.status == "failed"
    assert "404" in write.error
