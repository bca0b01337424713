from __future__ import annotations

import datetime as dt
import io
import json
import time

import pytest
from django.core.management import CommandError, call_command
from django.db import OperationalError
from django.utils import timezone

from fleetops.github.client import (
    GitHubClient,
    GitHubMalformedResponse,
    GitHubRateLimited,
    GitHubTransientError,
)
from fleetops.github.locks import LockHeartbeat, lock_acquire
from fleetops.github.models import (
    ExternalRelease,
    Issue,
    IssueComment,
    Label,
    Repository,
    SyncRun,
    Tag,
)
from fleetops.github.selectors import mirror_counts
from fleetops.github.sync import repository_sync, tag_dates_backfill
from fleetops.github.tasks import repository_sync_task

REPO = "fleetdm/fleet"
pytestmark = pytest.mark.django_db


def _sync(**kwargs) -> SyncRun:
    return repository_sync(client=GitHubClient(), **kwargs)


def _fixture_counts(fake) -> tuple[int, int]:
    items = fake.repo(REPO).issues.values()
    present = [i for i in items if getattr(i, "removed", None) in (None, 0, False)]
    return sum(not i.is_pr for i in present), sum(i.is_pr for i in present)


def test_sync_first_full_sync_mirrors_the_repository(fake_github):
    run = _sync(full=True)
    assert run.outcome == "ok", run.error
    counts = mirror_counts()
    issues, pulls = _fixture_counts(fake_github)
    assert (counts["issues"], counts["pull_requests"]) == (issues, pulls)
    assert run.created == issues + pulls
    assert counts["labels"] == len(fake_github.repo(REPO).labels)
    assert counts["tags"] == len(fake_github.repo(REPO).tags)
    assert counts["comments"] > 0
    assert ExternalRelease.objects.filter(repository__full_name="osquery/osquery").exists()
    assert ExternalRelease.objects.filter(
        repository__full_name="macadmins/osquery-extension"
    ).exists()
    # The issues listing is asked exactly as the design says.
    first = fake_github.requests_to(f"/repos/{REPO}/issues")[0]
    assert first.query == {
        "state": "all",
        "sort": "updated",
        "direction": "asc",
        "per_page": "100",
        "page": "1",
    }
    assert set(fake_github.auth_headers) == {"token test-token-not-a-secret"}


def test_sync_mirrors_issue_fields(fake_github):
    fake_github.add_member(REPO, "mokafor")
    data = fake_github.add_issue(
        REPO,
        title="Hosts page 500s",
        login="someone",
        author_association="NONE",
        labels=["bug", "#g-mdm", "~release blocker"],
        assignees=["mokafor"],
        milestone="4.75.0",
    )
    fake_github.add_comment(
        REPO, data["number"], login="someone", author_association="NONE", body="more"
    )
    fake_github.add_comment(
        REPO, data["number"], login="mokafor", author_association="MEMBER", body="looking"
    )
    bot = fake_github.add_pull(
        REPO, title="Bump x", login="dependabot[bot]", user_type="Bot", draft=True
    )
    _sync(full=True)
    issue = Issue.objects.get(number=data["number"])
    assert issue.is_pull_request is False
    assert issue.author_login == "someone"
    assert issue.author_association == "NONE"
    assert sorted(issue.labels.values_list("name", flat=True)) == [
        "#g-mdm",
        "bug",
        "~release blocker",
    ]
    assert issue.assignees == ["mokafor"]
    assert issue.milestone.title == "4.75.0"
    assert issue.first_member_response_by == "mokafor"
    assert issue.first_member_response_at is not None
    pull = Issue.objects.get(number=bot["number"])
    assert pull.is_pull_request
    assert pull.author_is_bot
    assert pull.draft


def test_sync_incremental_picks_up_only_changes(fake_github):
    _sync(full=True)
    fake_github.reset_counts()
    numbers = sorted(fake_github.repo(REPO).issues)[:3]
    for number in numbers:
        fake_github.update_issue(REPO, number, title=f"Renamed {number}")
    new = fake_github.add_issue(REPO, title="Brand new bug", labels=["bug"])
    run = _sync()
    assert run.outcome == "ok", run.error
    assert (run.created, run.updated) == (1, 3)
    assert Issue.objects.get(number=new["number"]).title == "Brand new bug"
    assert Issue.objects.get(number=numbers[0]).title == f"Renamed {numbers[0]}"
    issue_requests = fake_github.requests_to(f"/repos/{REPO}/issues")
    assert len([r for r in issue_requests if r.path.endswith("/issues")]) == 1
    assert "since" in issue_requests[0].query
    assert run.requests <= 5


def test_sync_twice_changes_nothing(fake_github):
    _sync(full=True)
    before = mirror_counts()
    run = _sync()
    assert (run.created, run.updated, run.outcome) == (0, 0, "ok")
    assert mirror_counts() == before


def test_sync_killed_between_pages_resumes_without_loss_or_duplicates(fake_github):
    for n in range(230):
        fake_github.add_issue(REPO, title=f"Bulk issue {n}", labels=["bug"])
    total = sum(_fixture_counts(fake_github))
    pages = {"count": 0}

    def kill_on_third_page(request):
        if request.path == f"/repos/{REPO}/issues":
            pages["count"] += 1
            if pages["count"] == 3:
                raise ConnectionResetError("worker killed")  # the socket dies mid-sync

    fake_github.on_request = kill_on_third_page
    with pytest.raises(GitHubTransientError):
        _sync(full=True)
    fake_github.on_request = None
    partial = Issue.objects.count()
    assert 0 < partial < total  # two pages committed, the cursor with them
    cursor = Repository.objects.get(full_name=REPO).issues_cursor
    assert cursor is not None
    run = _sync()
    assert run.outcome == "ok", run.error
    assert Issue.objects.count() == total
    assert Issue.objects.values("number").distinct().count() == total
    assert run.created == total - partial


def test_sync_rate_limited_then_succeeds(fake_github):
    fake_github.rate_limit_next(1, kind="primary", reset_in=30, path_contains="/issues")
    with pytest.raises(GitHubRateLimited) as caught:
        _sync(full=True)
    assert 1 <= caught.value.retry_after <= 31
    assert SyncRun.objects.get().outcome == "error"
    run = _sync(full=True)
    assert run.outcome == "ok"
    assert mirror_counts()["issues"] > 0


def test_sync_secondary_rate_limit_uses_retry_after(fake_github):
    fake_github.rate_limit_next(1, kind="secondary", reset_in=7, status=429)
    with pytest.raises(GitHubRateLimited) as caught:
        _sync(full=True)
    assert caught.value.retry_after == 7


def test_sync_502_then_succeeds(fake_github):
    fake_github.fail_next(1, status=502)
    with pytest.raises(GitHubTransientError, match="502"):
        _sync(full=True)
    assert _sync(full=True).outcome == "ok"


def test_sync_malformed_json_fails_clearly_and_keeps_the_cursor(fake_github):
    _sync(full=True)
    cursor = Repository.objects.get(full_name=REPO).issues_cursor
    fake_github.update_issue(REPO, sorted(fake_github.repo(REPO).issues)[0], title="changed")
    fake_github.malformed_next(1, path_contains="/issues")
    with pytest.raises(GitHubMalformedResponse, match="not JSON"):
        _sync()
    run = SyncRun.objects.order_by("-pk").first()
    assert run.outcome == "error"
    assert "not JSON" in run.error
    assert Repository.objects.get(full_name=REPO).issues_cursor == cursor


def test_sync_marks_deleted_and_transferred_issues(fake_github):
    numbers = sorted(n for n, i in fake_github.repo(REPO).issues.items() if not i.is_pr)
    _sync(full=True)
    fake_github.delete_issue(REPO, numbers[0], status=410)
    fake_github.delete_issue(REPO, numbers[1], status=404)
    _sync(full=True)
    gone = dict(Issue.objects.filter(gone_at__isnull=False).values_list("number", "gone_reason"))
    assert gone == {numbers[0]: "deleted", numbers[1]: "not found"}
    assert not Issue.objects.open().filter(number__in=numbers[:2]).exists()


def test_sync_second_sync_while_one_runs_is_skipped(fake_github):
    repository = Repository.objects.create(full_name=REPO)
    from fleetops.github.locks import lock_acquire

    assert lock_acquire(repository)
    run = _sync()
    assert run.outcome == "skipped"
    assert fake_github.request_count == 0


def test_sync_expired_lock_of_a_dead_worker_is_taken_over(fake_github):
    from django.utils import timezone

    repository = Repository.objects.create(
        full_name=REPO, lock_owner="dead", lock_expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    SyncRun.objects.create(repository=repository, started_at=timezone.now())
    run = _sync()
    assert run.outcome == "ok"
    assert SyncRun.objects.filter(outcome="abandoned").count() == 1


def test_sync_conditional_requests_cost_nothing_when_unchanged(fake_github):
    _sync(full=True)
    fake_github.reset_counts()
    _sync(full=True)
    labels = fake_github.requests_to(f"/repos/{REPO}/labels")
    assert labels
    assert all(r.status == 304 for r in labels)


def test_sync_github_command_json(fake_github):
    out = io.StringIO()
    call_command("sync_github", "--full", "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["outcome"] == "ok"
    assert data["error"] is None
    assert data["requests"] == len(fake_github.requests)
    assert data["created"] == sum(_fixture_counts(fake_github))
    assert data["updated"] == 0
    assert set(data["mirror"]) == {
        "issues",
        "pull_requests",
        "comments",
        "labels",
        "milestones",
        "tags",
    }
    assert data["mirror"]["issues"] == mirror_counts()["issues"]


def test_sync_github_command_waits_out_a_rate_limit(fake_github, monkeypatch):
    slept = []
    monkeypatch.setattr("time.sleep", slept.append)
    fake_github.rate_limit_next(1, kind="secondary", reset_in=3)
    out = io.StringIO()
    call_command("sync_github", "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["outcome"] == "ok"
    assert slept == [3]


def test_sync_github_command_reports_a_permanent_error(fake_github):
    fake_github.fail_next(1, status=401, message="Bad credentials")
    out = io.StringIO()
    with pytest.raises(CommandError, match="Bad credentials"):
        call_command("sync_github", "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["outcome"] == "error"
    assert "Bad credentials" in data["error"]


def test_sync_task_retries_with_githubs_countdown(fake_github, monkeypatch):
    fake_github.rate_limit_next(1, kind="secondary", reset_in=42)
    calls = []

    def fake_retry(*args, **kwargs):
        calls.append(kwargs)
        return RuntimeError("retry")

    monkeypatch.setattr(repository_sync_task, "retry", fake_retry)
    with pytest.raises(RuntimeError, match="retry"):
        repository_sync_task()
    assert calls[0]["countdown"] == 42


def test_sync_tag_dates_and_mirror_rows(fake_github):
    _sync(full=True)
    assert not fake_github.requests_to("/commits/")  # the sync itself only lists
    assert tag_dates_backfill(limit=2) == 2
    families = {t.name.split("-v")[0] for t in Tag.objects.filter(committed_at__isnull=False)}
    assert len(families) == 2  # the newest tag of two different families first
    tag_dates_backfill()
    assert not Tag.objects.filter(committed_at__isnull=True).exists()
    assert Label.objects.filter(name="bug").exists()
    assert IssueComment.objects.filter(issue__isnull=True).count() == 0


def test_sync_github_command_gives_up_under_a_constant_rate_limit(fake_github, monkeypatch):
    slept = []
    monkeypatch.setattr("time.sleep", slept.append)
    fake_github.rate_limit_next(1000, kind="secondary", reset_in=60)
    out = io.StringIO()
    with pytest.raises(CommandError, match="beyond --max-wait 200"):
        call_command("sync_github", "--json", "--max-wait", "200", stdout=out)
    assert slept == [60, 60, 60]  # a bounded wait in all, not forever
    assert json.loads(out.getvalue())["outcome"] == "error"
    assert SyncRun.objects.filter(trigger="command").count() == 4


def test_sync_github_command_refuses_an_absurd_max_wait(fake_github):
    with pytest.raises(CommandError) as raised:
        call_command("sync_github", "--max-wait", "-5", stdout=io.StringIO())
    assert raised.value.returncode == 2


def test_sync_task_retries_after_a_database_blip(fake_github, monkeypatch):
    def blip(**kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    calls = []
    monkeypatch.setattr("fleetops.github.tasks.repository_sync", blip)
    monkeypatch.setattr(
        repository_sync_task, "retry", lambda **kw: calls.append(kw) or RuntimeError("retry")
    )
    with pytest.raises(RuntimeError, match="retry"):
        repository_sync_task()
    assert calls[0]["countdown"] == 30


@pytest.mark.django_db(transaction=True)  # the heartbeat thread has its own connection
def test_lock_heartbeat_keeps_the_lock_alive_and_a_dead_lock_expires(settings):
    settings.GITHUB_SYNC_LOCK_SECONDS = 3
    repository = Repository.objects.create(full_name="fleetdm/heartbeat")
    token = lock_acquire(repository)
    first = Repository.objects.get(pk=repository.pk).lock_expires_at
    with LockHeartbeat(repository.pk, token):
        deadline = time.monotonic() + 10
        while Repository.objects.get(pk=repository.pk).lock_expires_at == first:
            assert time.monotonic() < deadline, "the heartbeat never renewed the lock"
            time.sleep(0.2)
    assert lock_acquire(repository) is None  # still held: renewed
    Repository.objects.filter(pk=repository.pk).update(
        lock_expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    assert lock_acquire(repository) is not None  # a dead run's lock is taken over
