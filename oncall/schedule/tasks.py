"""Celery tasks of the schedule: thin, idempotent wrappers around services.

They keep the names they were registered under when they lived in `oncall/tasks.py`
(`name=`), so the beat schedule and messages already queued still find them;
`OncallConfig.ready` imports this module, since Celery's autodiscovery looks only at
`oncall.tasks`.
"""

from __future__ import annotations

from celery import shared_task

from oncall.schedule.handoffs import handoff_record
from oncall.schedule.services import time_off_import


@shared_task(name="oncall.tasks.oncall_handoff_check_task", acks_late=True)
def oncall_handoff_check_task() -> str:
    """Record (and announce) a handoff if one happened since the last. Safe to run twice."""
    handoffs = handoff_record()
    if not handoffs:
        return "no new handoff"
    return "; ".join(
        f"{h.rotation.name}: {h.incoming.name if h.incoming else 'nobody'} on call, "
        f"Slack {h.slack_status}"
        for h in handoffs
    )


@shared_task(name="oncall.tasks.time_off_import_task", acks_late=True)
def time_off_import_task(person_id: int) -> str:
    """Import a person's time off from their calendar URL. Safe to run twice."""
    return time_off_import(person_id=person_id).message
