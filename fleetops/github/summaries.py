"""Results computed from the mirror, stored with the mirror stamp they were computed at.

Some pages aggregate over every open item ever filed: the release board's per-group counts,
the hygiene findings, the community queue. Their cost grew with the repository's history
(ADR 0022). Each is now computed once per mirror change and stored in `MirrorSummary` with
the stamp it was computed at; a view reads one row. The stamp moves after every commit that
changes the mirror (`fleetops/github/stamp.py`), so a row whose stamp is the current one
holds what a fresh computation would return, and any other row is ignored: a count on the
board equals a fresh count after every sync and webhook, with no expiry to tune.

The stamp is read *before* computing: a writer that commits meanwhile moves the stamp past
the stored one, so the next view computes again (the stored row may hold newer data than
its stamp, never older). Views that miss together wait for one computation (an advisory
lock per key on PostgreSQL).

After a writer's commit moves the stamp, a worker recomputes what the apps store
(`summaries_refresh`, a signal the apps answer, since the mirror imports no app), so
viewers read results instead of paying for them: at most one refresh is queued at a time,
and a refresh that starts clears the mark, so a write during it queues the next. With
Celery eager (`make run`), nothing is queued: the first view after a change computes.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from celery import current_app
from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from fleetops.github.models import MirrorStamp, MirrorSummary
from fleetops.github.signals import summaries_refresh_send
from fleetops.github.stamp import STAMP_PK, mirror_stamp

logger = logging.getLogger(__name__)
KEEP = timedelta(days=7)  # rows for parameters nobody asked about for a week are dropped
REFRESH_PENDING = "mirror-summaries-refresh-pending"
REFRESH_TASK = "fleetops.github.tasks.mirror_summaries_refresh_task"
REFRESH_DELAY = 2  # seconds: the writes of one sync page or a burst of webhooks, one refresh


def summary_key(name: str, *params: Any) -> str:
    """`name`, plus a digest of the parameters the result depends on (groups, branch, ...).

    A name ends with the version of its value's shape (`board.group_counts.v1`): a change of
    shape gets a new version, so no code ever reads a row written in another shape.
    """
    if not params:
        return name
    digest = hashlib.sha256(json.dumps(params, sort_keys=True, default=str).encode())
    return f"{name}:{digest.hexdigest()[:24]}"


def mirror_summary(key: str, compute: Callable[[], Any]) -> Any:
    """The stored result for `key` if it was computed at the current stamp, else `compute()`.

    One query when stored; otherwise the stamp, the computation and one write. `compute`
    returns something JSON can hold (what is returned is always what JSON gives back, so a
    stored and a fresh result look the same to the caller).
    """
    found, value = _stored(key)
    if found:
        return value
    with transaction.atomic():
        _one_computes(key)
        found, value = _stored(key)  # computed by whoever held the lock before us
        if found:
            return value
        stamp = mirror_stamp()
        started = time.perf_counter()
        value = json.loads(json.dumps(compute()))
        _store(key, stamp, value, round((time.perf_counter() - started) * 1000))
    return value


def _stored(key: str) -> tuple[bool, Any]:
    current = Coalesce(Subquery(MirrorStamp.objects.filter(pk=STAMP_PK).values("version")[:1]), 0)
    stored = MirrorSummary.objects.filter(key=key, stamp=current).values_list("value", flat=True)
    for wrapped in stored[:1]:
        if isinstance(wrapped, list) and len(wrapped) == 1:  # a list of one: a result may be null
            return True, wrapped[0]
        logger.warning("mirror summary %s holds an unexpected value: computed again", key)
    return False, None


def _one_computes(key: str) -> None:
    """On PostgreSQL, wait for whoever computes `key` now (the lock ends with the transaction).

    After a change, the viewers polling a board all miss at once; the first computes, the
    others wait for its row instead of each computing the same result (at 400,000 issues,
    about a second of work each). Nested results lock in one order (a part, then the
    whole), so no two computations wait on each other.
    """
    if connection.vendor != "postgresql":
        return
    digest = hashlib.sha256(f"mirror-summary:{key}".encode()).digest()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s)", [int.from_bytes(digest[:8], "big", signed=True)]
        )


def _store(key: str, stamp: int, value: Any, compute_ms: int) -> None:
    """Keep `value` unless a row computed at a later stamp is already there."""
    now = timezone.now()
    fields = {"stamp": stamp, "value": [value], "computed_at": now, "compute_ms": compute_ms}
    try:
        with transaction.atomic():
            if MirrorSummary.objects.filter(key=key, stamp__lte=stamp).update(**fields):
                return
            if MirrorSummary.objects.filter(key=key).exists():
                return  # a later stamp's result is stored: keep it
            MirrorSummary.objects.filter(computed_at__lt=now - KEEP).delete()
            MirrorSummary.objects.create(key=key, **fields)
    except IntegrityError:
        pass  # another request stored it first
    except DatabaseError:
        # Showing the fresh result matters; storing it is only a saving.
        logger.warning("mirror summary %s not stored", key, exc_info=True)


def summaries_refresh_soon() -> None:
    """Queue one refresh of the stored results, unless one is already queued."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return
    try:
        if cache.add(REFRESH_PENDING, 1, timeout=300):
            # By name: the mirror's writers sit below its tasks (import-linter's layers).
            current_app.send_task(REFRESH_TASK, countdown=REFRESH_DELAY)
    except Exception:  # a broker that is down: only a saving is lost, views compute on a miss
        logger.warning("mirror summaries refresh not queued", exc_info=True)


def summaries_refresh_now() -> list[str]:
    """Recompute what the apps store per stamp (the worker's task); their summaries."""
    cache.delete(REFRESH_PENDING)  # a write from now on queues the next refresh
    return summaries_refresh_send()
