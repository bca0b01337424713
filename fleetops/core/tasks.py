from __future__ import annotations

import socket

from celery import shared_task

from fleetops.core.services import worker_heartbeat_record


@shared_task(bind=True, ignore_result=True)
def worker_heartbeat_task(self) -> str:
    """Record that a worker is consuming the queue. Safe to run twice."""
    hostname = self.request.hostname or socket.gethostname()
    heartbeat = worker_heartbeat_record(hostname=hostname)
    return f"{heartbeat.hostname} alive at {heartbeat.seen_at:%H:%M:%S}"
