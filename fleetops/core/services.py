"""Operational state of the deployment itself."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from fleetops.core.models import WorkerHeartbeat


def worker_heartbeat_record(*, hostname: str, now: dt.datetime | None = None) -> WorkerHeartbeat:
    """Record that the worker `hostname` is alive now."""
    heartbeat, _ = WorkerHeartbeat.objects.update_or_create(
        hostname=hostname, defaults={"seen_at": now or timezone.now()}
    )
    return heartbeat
