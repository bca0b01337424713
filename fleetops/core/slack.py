"""Announcements to Slack: posted when SLACK_WEBHOOK_URL is set, otherwise only recorded."""

from __future__ import annotations

import logging
from collections.abc import Callable

import requests
from django.conf import settings
from django.db import transaction

logger = logging.getLogger(__name__)


def slack_announce(text: str) -> str:
    """Post `text`; returns "" (not configured), "sent" or "failed: <why>". Never raises."""
    url = settings.SLACK_WEBHOOK_URL
    if not url:
        return ""
    try:
        response = requests.post(url, json={"text": text}, timeout=5)
    except requests.RequestException as exc:
        logger.warning("Slack announcement failed: %s", exc)
        return f"failed: {type(exc).__name__}"[:100]
    if response.status_code >= 300:
        logger.warning("Slack answered %s: %s", response.status_code, response.text[:200])
        return f"failed: Slack answered {response.status_code}"[:100]
    return "sent"


def slack_announce_after_commit(text: str, *, record: Callable[[str], None] | None = None) -> None:
    """Post `text` once the current transaction commits (never while it holds a row lock).

    `record` receives the outcome ("sent", "failed: ...") to store beside what was announced;
    it is not called when Slack is not configured. Outside a transaction, posts at once.
    """

    def post() -> None:
        status = slack_announce(text)
        if status and record is not None:
            record(status)

    transaction.on_commit(post)
