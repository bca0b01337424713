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


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_after_a_sync_the_worker_stores_what_pages_read(fake_github):
    """The sync's commits move the stamp; the refresh they queue runs on the worker and
    stores the pages' results at the new stamp (ADR 0022)."""
    from django.core.cache import cache

    from fleetops.github.models import MirrorSummary
    from fleetops.github.stamp import mirror_stamp
    from fleetops.github.summaries import REFRESH_PENDING

    cache.delete(REFRESH_PENDING)
    with celery_worker():
        repository_sync_task.delay(full=True, trigger="test")
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            run = SyncRun.objects.filter(trigger="test").first()
            stored = MirrorSummary.objects.filter(stamp=mirror_stamp(), key__startswith="community")
            if run is not None and run.outcome != "running" and stored.exists():
                break
            time.sleep(0.2)
    assert SyncRun.objects.get(trigger="test").outcome == "ok"
    assert mirror_stamp() > 0
    assert MirrorSummary.objects.filter(stamp=mirror_stamp(), key__startswith="community").exists()
