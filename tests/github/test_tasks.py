from __future__ import annotations

import time

import pytest

from fleetops.github.models import Issue, SyncRun
from fleetops.github.tasks import repository_sync_task
from tests.worker import celery_worker


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_repository_sync_task_on_a_real_worker(fake_github):
    with celery_worker():
        repository_sync_task.delay(full=True, trigger="test")
        deadline = time.monotonic() + 60  # a loaded 2-core machine can take a while
        while time.monotonic() < deadline:
            run = SyncRun.objects.filter(trigger="test").first()
            if run is not None and run.outcome != "running":
                break
            time.sleep(0.1)
    run = SyncRun.objects.get(trigger="test")
    assert run.outcome == "ok", run.error
    assert run.requests == len(fake_github.requests)
    assert Issue.objects.count() == len(fake_github.repo("fleetdm/fleet").issues)
