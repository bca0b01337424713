"""The Celery app: configured from Django settings (CELERY_ namespace), tasks autodiscovered."""

from __future__ import annotations

import os

from celery import Celery
from celery.contrib.django.task import DjangoTask
from django.db import InterfaceError, OperationalError

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fleetops.settings")


class FleetopsTask(DjangoTask):
    """Every task retries a database blip (a failover, a restart) with backoff.

    Tasks are idempotent (safe to run twice), so trying again is always right; a task with
    its own retry policy for GitHub's errors keeps it, this only adds the database's.
    """

    autoretry_for = (OperationalError, InterfaceError)
    retry_backoff = 10
    retry_backoff_max = 600
    retry_jitter = True


app = Celery("fleetops", task_cls=FleetopsTask)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
