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
    summaries = []
    for receiver, result in mirror_synced.send_robust(sender=None, trigger=trigger):
        if isinstance(result, Exception):
            logger.warning("after the sync, %s failed: %s", receiver, result)
            summaries.append(f"failed: {result}")
        else:
            summaries.append(str(result))
    return summaries
