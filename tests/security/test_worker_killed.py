"""A Celery worker killed with SIGKILL in the middle of a sync: the next run makes it whole."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.db import connection

from fleetops.github.client import GitHubClient
from fleetops.github.models import Issue, Repository, SyncRun
from fleetops.github.sync import repository_sync
from tests.worker import redis_url

ROOT = Path(__file__).resolve().parents[2]
REPO = "fleetdm/fleet"


def _database_url() -> str:
    settings = connection.settings_dict
    host, port = settings["HOST"] or "127.0.0.1", settings["PORT"] or 5432
    return f"postgres://{settings['USER']}@{host}:{port}/{settings['NAME']}"


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_sync_killed_with_sigkill_resumes_whole(fake_github, settings):
    if connection.vendor != "postgresql":
        pytest.skip("a worker process shares the test database only on PostgreSQL")
    broker = redis_url()
    for n in range(450):
        fake_github.add_issue(REPO, title=f"Bulk issue {n}", labels=["bug"])
    total = len(fake_github.repo(REPO).issues)
    queue = f"fleetops-kill-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "fleetops.settings",
        "DATABASE_URL": _database_url(),
        "REDIS_URL": broker,
        "GITHUB_API_URL": fake_github.url,
        "GITHUB_TOKEN": "test-token-not-a-secret",
        "GITHUB_REPOSITORY": REPO,
        "GITHUB_SYNC_LOCK_SECONDS": "2",
    }
    env.pop("PYENV_VERSION", None)
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "fleetops",
            "worker",
            "-P",
            "solo",
            "-Q",
            queue,
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "-l",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    pages = {"count": 0}

    def kill_on_third_page(request):
        if request.path == f"/repos/{REPO}/issues":
            pages["count"] += 1
            if pages["count"] == 3:
                os.kill(worker.pid, signal.SIGKILL)  # mid-sync, while it waits for this page
                time.sleep(0.5)

    fake_github.on_request = kill_on_third_page
    try:
        from fleetops.github.tasks import repository_sync_task

        repository_sync_task.apply_async(kwargs={"full": True, "trigger": "kill-test"}, queue=queue)
        deadline = time.monotonic() + 60
        while worker.poll() is None and time.monotonic() < deadline:
            time.sleep(0.1)
        assert worker.returncode == -signal.SIGKILL, worker.stderr.read().decode()[-2000:]
    finally:
        fake_github.on_request = None
        if worker.poll() is None:
            worker.kill()
    killed = SyncRun.objects.get(trigger="kill-test")
    assert killed.outcome == "running"  # it never finished
    partial = Issue.objects.count()
    assert 0 < partial < total
    time.sleep(2.5)  # the dead worker's lock expires
    settings.GITHUB_SYNC_LOCK_SECONDS = 2
    run = repository_sync(client=GitHubClient())
    assert run.outcome == "ok", run.error
    assert SyncRun.objects.get(pk=killed.pk).outcome == "abandoned"
    assert Issue.objects.count() == total
    assert Issue.objects.values("number").distinct().count() == total
    assert Repository.objects.get(full_name=REPO).lock_owner == ""
