"""Celery as `make run` has it: tasks run in the request that starts them (the embedded
default, `CELERY_TASK_ALWAYS_EAGER`), for the tests of what a page says after a button."""

from __future__ import annotations

import pytest

from fleetops.celery import app


@pytest.fixture
def eager(settings):
    """`settings.CELERY_TASK_ALWAYS_EAGER = True`, and the Celery app told so (it read the
    settings once, at start-up)."""
    saved = app.conf.task_always_eager, app.conf.task_eager_propagates  # before: it may
    settings.CELERY_TASK_ALWAYS_EAGER = True  # read the settings through
    app.conf.task_always_eager, app.conf.task_eager_propagates = True, True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = saved
