"""The sync's cross-machine lock: one sync per repository at a time, on any machine.

A lock row (the repository's `lock_owner` and `lock_expires_at`) with an expiry that each
page and a heartbeat thread renew; a worker killed while holding it blocks the next run
only until it expires (`GITHUB_SYNC_LOCK_SECONDS`, a minute by default).
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import uuid

from django.conf import settings
from django.db import connection
from django.db.models import Q
from django.utils import timezone

from fleetops.github.models import Repository

logger = logging.getLogger(__name__)


class SyncLocked(Exception):
    """Another sync of this repository holds the lock."""


def lock_ttl() -> dt.timedelta:
    """How long a sync's lock outlives its last sign of life (renewed every page)."""
    return dt.timedelta(seconds=settings.GITHUB_SYNC_LOCK_SECONDS)


def lock_acquire(repository: Repository) -> str | None:
    """Take the repository's sync lock if it is free or expired; returns the token."""
    token = uuid.uuid4().hex
    now = timezone.now()
    taken = Repository.objects.filter(
        Q(lock_expires_at__isnull=True) | Q(lock_expires_at__lt=now), pk=repository.pk
    ).update(lock_owner=token, lock_expires_at=now + lock_ttl())
    return token if taken else None


class LockHeartbeat:
    """Renews a sync's lock every third of its lifetime from a thread, while the sync lives.

    Pages renew it too; the heartbeat keeps a slow step (a long upsert, a GitHub timeout)
    from losing the lock, so the lifetime can be short: a killed worker's lock expires
    within `GITHUB_SYNC_LOCK_SECONDS` and the next sync runs.
    """

    def __init__(self, repository_pk: int, token: str) -> None:
        self.repository_pk, self.token = repository_pk, token
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True, name="sync-lock")

    def __enter__(self) -> LockHeartbeat:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        every = max(lock_ttl().total_seconds() / 3, 1)
        try:
            while not self._stop.wait(every):
                Repository.objects.filter(pk=self.repository_pk, lock_owner=self.token).update(
                    lock_expires_at=timezone.now() + lock_ttl()
                )
        except Exception:  # the sync itself notices a lost lock at its next page
            logger.exception("sync lock heartbeat stopped")
        finally:
            connection.close()  # this thread's own connection


def lock_release(repository: Repository, token: str) -> None:
    Repository.objects.filter(pk=repository.pk, lock_owner=token).update(
        lock_owner="", lock_expires_at=None
    )
