"""The changing of the guard: record each handoff once and announce it in Slack.

Handbook, "Assume developer on-call alias": successfully transfer the on-call persona to
the next developer. The announcement goes through the one notifier (`fleetops.core.slack`),
after the handoff is committed and with no row lock held.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from fleetops.core.slack import slack_post
from fleetops.org.models import Person, process_time_zone
from oncall.community.selectors import handoff_summary
from oncall.models import (
    OncallHandoff,
)
from oncall.schedule.rules import person_runs
from oncall.schedule.selectors import (
    LOOK_AHEAD,
    LOOK_BACK,
    schedule_load,
)

logger = logging.getLogger(__name__)


INTERRUPTED = "Posting to Slack was interrupted; not retried, so that it is never posted twice."


def _handoff_text(
    rotation: str,
    outgoing: Person | None,
    incoming: Person | None,
    until: dt.datetime | None,
    summary: dict,
) -> str:
    zone = process_time_zone()
    who_in = incoming.name if incoming else "Nobody"
    who_out = outgoing.name if outgoing else "nobody"
    lines = [f"Changing of the guard, {rotation}: {who_out} hands over to {who_in}"]
    if until is not None:
        local = until.astimezone(zone)
        lines[0] += f" (until {local:%a %b} {local.day}, {local:%H:%M %Z})"
    lines[0] += "."
    if incoming is None:
        lines.append("Nobody is on call now: add an override on the on-call page.")
    lines.append(
        f"Community items waiting for a first response: {summary['waiting']} "
        f"({summary['overdue']} past the 1-business-hour SLA)."
    )
    lines.extend(f"  • #{i['number']} {i['title']} ({i['age']})" for i in summary["oldest"])
    lines.append(
        f"Community pull requests without follow-up for over a business day: "
        f"{summary['quiet_pull_requests']}."
    )
    lines.append(f"Stale community issues to close: {summary['stale']}.")
    return "\n".join(lines)


def handoff_record(*, now: dt.datetime | None = None) -> list[OncallHandoff]:
    """Record the latest handoff of each active rotation, once, and announce it.

    Handbook, "Assume developer on-call alias": successfully transfer the on-call persona
    to the next developer (changing of the guard). A handoff is any change of who is on
    call; if several happened since the last check only the latest is recorded. Safe to
    run twice: the (rotation, moment) pair is unique.
    """
    now = now or timezone.now()
    data = schedule_load(start=now - LOOK_BACK, end=now + LOOK_AHEAD)
    recorded = []
    summary: dict | None = None
    for plan in data.rotations:
        runs = person_runs(data.segments(plan))
        current = next((i for i, run in enumerate(runs) if run[1] <= now < run[2]), None)
        if current is None or current == 0:
            continue  # no change of guard within the look-back
        person_id, handoff_at, until = runs[current]
        outgoing_id = runs[current - 1][0]
        if OncallHandoff.objects.filter(rotation_id=plan.id, handoff_at=handoff_at).exists():
            continue
        if summary is None:
            summary = handoff_summary(now=now)
        incoming, outgoing = data.person(person_id), data.person(outgoing_id)
        until_at = until if until < data.end else None
        try:
            with transaction.atomic():
                handoff = OncallHandoff.objects.create(
                    rotation_id=plan.id,
                    handoff_at=handoff_at,
                    outgoing=outgoing,
                    incoming=incoming,
                    until=until_at,
                    summary=summary,
                    text=_handoff_text(plan.name, outgoing, incoming, until_at, summary),
                    slack_status=(
                        OncallHandoff.Slack.PENDING
                        if settings.SLACK_WEBHOOK_URL
                        else OncallHandoff.Slack.OFF
                    ),
                    created_at=now,
                )
        except IntegrityError:  # another worker recorded it at the same moment
            continue
        recorded.append(handoff)
    return [
        handoff_announce(handoff_id=h.pk) if h.slack_status == OncallHandoff.Slack.PENDING else h
        for h in recorded
    ]


def handoff_announce(*, handoff_id: int) -> OncallHandoff:
    """Post a recorded handoff to Slack once; a failure is logged and recorded, not raised.

    One conditional UPDATE claims it (pending -> failed, "interrupted"), so a second worker
    finds nothing to post and a crash mid-post is not mistaken for a sent message; Slack is
    called through the one notifier after that, with no row lock held. Called outside a
    transaction (the task does), so the handoff is committed before it is announced.
    """
    claimed = OncallHandoff.objects.filter(
        pk=handoff_id, slack_status=OncallHandoff.Slack.PENDING
    ).update(slack_status=OncallHandoff.Slack.FAILED, slack_error=INTERRUPTED)
    handoff = OncallHandoff.objects.get(pk=handoff_id)
    if not claimed:
        return handoff
    error = slack_post(handoff.text)
    if error is None:
        handoff.slack_status, handoff.slack_error = OncallHandoff.Slack.OFF, ""
    elif error:
        logger.warning("handoff %s not posted to Slack: %s", handoff.pk, error)
        handoff.slack_status, handoff.slack_error = OncallHandoff.Slack.FAILED, error
    else:
        handoff.slack_status, handoff.slack_error = OncallHandoff.Slack.SENT, ""
    handoff.save(update_fields=["slack_status", "slack_error"])
    return handoff
