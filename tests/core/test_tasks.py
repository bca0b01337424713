from __future__ import annotations

import time

import pytest

from fleetops.core.models import WorkerHeartbeat
from fleetops.core.tasks import worker_heartbeat_task
from tests.worker import celery_worker


@pytest.mark.django_db
def test_worker_heartbeat_task_is_idempotent():
    first = worker_heartbeat_task.apply().get()
    worker_heartbeat_task.apply()
    heartbeat = WorkerHeartbeat.objects.get()  # one row per worker, however often it runs
    assert first.startswith(f"{heartbeat.hostname} alive")


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_worker_heartbeat_runs_on_a_real_worker_over_redis():
    with celery_worker():
        worker_heartbeat_task.delay()
        deadline = time.monotonic() + 60  # a loaded 2-core machine can take a while
        while not WorkerHeartbeat.objects.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
    heartbeat = WorkerHeartbeat.objects.get()
    assert heartbeat.hostname  # written by the worker process's task, read here


@pytest.mark.django_db
def test_every_task_retries_a_database_blip(monkeypatch):
    from celery.exceptions import Retry
    from django.db import OperationalError

    from kpis.tasks import kpi_week_record_due_task

    calls = []

    def blip(**kwargs):
        calls.append(kwargs)
        raise OperationalError("terminating connection due to administrator command")

    monkeypatch.setattr("kpis.tasks.kpi_week_record_due", blip)
    with pytest.raises(Retry, match="Retry in"):  # queued again with backoff, not dropped
        kpi_week_record_due_task.apply(throw=True)
    assert calls
