"""What the mirror tells the domain apps, without importing them (the core imports no app).

`mirror_synced` is sent after a sync of the product repository (the Celery task and the
`sync_github` command) and after a milestone webhook; `releases` derives its releases from
the milestones, branches and tags then. Receivers must not raise: a sync that succeeded
stays a success (see `mirror_synced_send`).
"""

from __future__ import annotations

import logging

from django.dispatch import Signal

logger = logging.getLogger(__name__)

mirror_synced = Signal()  # kwargs: trigger ("sync" | "command" | "webhook")
# Sent by a worker after any mirror change: receivers recompute what their pages store per
# mirror stamp (`fleetops/github/summaries.py`). No kwargs; receivers must not raise.
summaries_refresh = Signal()


def mirror_synced_send(*, trigger: str) -> list[str]:
    """Tell the receivers the mirror changed; their one-line summaries (errors logged)."""
    return _send(mirror_synced, "after the sync", trigger=trigger)


def summaries_refresh_send() -> list[str]:
    """Have the apps recompute what they store per stamp; their one-line summaries."""
    return _send(summaries_refresh, "mirror summaries")


def _send(signal: Signal, when: str, **kwargs: object) -> list[str]:
    """Each receiver's result as a line; a receiver that raised is logged and said "failed"."""
    summaries = []
    for receiver, result in signal.send_robust(sender=None, **kwargs):
        if isinstance(result, Exception):
            logger.warning("%s, %s failed: %s", when, receiver, result)
            summaries.append(f"failed: {result}")
        else:
            summaries.append(str(result))
    return summaries
