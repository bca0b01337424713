"""A real Celery worker on the real Redis, for integration tests.

Each test run uses its own queue, so a development worker on the same Redis never
takes the test's tasks.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterator

import pytest
import redis
from celery.contrib.testing.worker import start_worker

from fleetops.celery import app

# One queue for the whole test run: Celery caches its routing (and the broker pool) after
# the first task is sent, so the queue must not change between tests.
QUEUE = f"fleetops-test-{uuid.uuid4().hex[:8]}"


def redis_url() -> str:
    url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except (redis.RedisError, OSError) as exc:
        if os.environ.get("CI"):
            pytest.fail(f"Redis at {url} does not answer: {exc}")
        pytest.skip(f"Redis at {url} does not answer: {exc}")
    return url


@contextlib.contextmanager
def celery_worker() -> Iterator[object]:
    """Start a solo-pool worker consuming a fresh queue on Redis; stop it afterwards."""
    url = redis_url()
    queue = QUEUE
    saved = {k: app.conf[k] for k in ("broker_url", "task_always_eager", "task_default_queue")}
    app.conf.update(broker_url=url, task_always_eager=False, task_default_queue=queue)
    app.connection_for_write().ensure_connection(max_retries=1)
    try:
        with start_worker(
            app, pool="solo", perform_ping_check=False, shutdown_timeout=10
        ) as worker:
            yield worker
    finally:
        app.conf.update(saved)
        with contextlib.suppress(Exception):
            redis.Redis.from_url(url).delete(queue)
