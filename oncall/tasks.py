"""Celery tasks of on-call: thin, idempotent wrappers around services."""

from __future__ import annotations

from celery import shared_task

from oncall.services import handoff_record, time_off_import


@shared_task(acks_late=True)
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


@shared_task(acks_late=True)
def time_off_import_task(person_id: int) -> str:
    """Import a person's time off from their calendar URL. Safe to run twice."""
    return time_off_import(person_id=person_id).message
