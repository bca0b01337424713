"""The mirror's change stamp: it moves after every write of the mirror that a page shows.

The release board's viewers poll with an ETag; the ETag holds this stamp, so a label added
by a webhook reaches every open board at its next poll, and a sync that changed nothing
leaves the ETag (and the viewers' 204s) alone. Every mirror write goes through
`fleetops/github/upsert.py`, `refs.py` or the boards' services, which call
`mirror_changed()` when they wrote something.

The stamp is bumped after the commit (`transaction.on_commit`), in its own statement: it
can lag the data by an instant but never run ahead of it, and no writer holds its row lock
while doing anything else (sync pages and webhooks never wait on each other for it). A
viewer who polled between the commit and the bump redraws once more; if the bump itself
failed, the ETag's minute also changes (see `releases/board/selectors.py`).
"""

from __future__ import annotations

import logging

from django.db import DatabaseError, transaction
from django.db.models import F

from fleetops.github.models import MirrorStamp

logger = logging.getLogger(__name__)
STAMP_PK = 1


def mirror_changed() -> None:
    """Move the stamp once the current transaction commits (at once in autocommit).

    Not deduplicated per transaction: a callback registered in a savepoint that rolls back
    is dropped with it, so each write registers its own (one small UPDATE each).
    """
    transaction.on_commit(_bump)


def _bump() -> None:
    if stamp_move():
        # What pages store per stamp (`summaries.py`) is recomputed by a worker, so that
        # the next viewer reads it instead of computing it.
        from fleetops.github.summaries import summaries_refresh_soon  # noqa: PLC0415

        summaries_refresh_soon()


def stamp_move() -> bool:
    """Move the stamp now (no refresh); False if the database refused."""
    try:
        if not MirrorStamp.objects.filter(pk=STAMP_PK).update(version=F("version") + 1):
            MirrorStamp.objects.bulk_create(
                [MirrorStamp(pk=STAMP_PK, version=1)], ignore_conflicts=True
            )
    except DatabaseError:
        # The data is committed; the board's ETag also changes every minute.
        logger.warning("mirror stamp not moved", exc_info=True)
        return False
    return True


def mirror_stamp() -> int:
    """The stamp now (0 before the first write)."""
    value = MirrorStamp.objects.filter(pk=STAMP_PK).values_list("version", flat=True).first()
    return value or 0
