"""Announcements to Slack: posted when SLACK_WEBHOOK_URL is set, otherwise only recorded.

The one notifier. Call it after the change it announces is committed
(`transaction.on_commit`, or after the atomic block), never while holding a row lock: Slack
can take seconds to answer.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import requests
from django.conf import settings
from django.db import transaction

logger = logging.getLogger(__name__)

SLACK_TIMEOUT = (3.05, 5)  # connect, read (seconds)


def _send(url: str, text: str) -> requests.Response | requests.RequestException:
    try:
        return requests.post(url, json={"text": text}, timeout=SLACK_TIMEOUT)
    except requests.RequestException as exc:
        return exc


def slack_announce(text: str) -> str:
    """Post `text`; returns "" (not configured), "sent" or "failed: <why>". Never raises."""
    url = settings.SLACK_WEBHOOK_URL
    if not url:
        return ""
    response = _send(url, text)
    if isinstance(response, requests.RequestException):
        logger.warning("Slack announcement failed: %s", response)
        return f"failed: {type(response).__name__}"[:100]
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


def slack_post(text: str) -> str | None:
    """Post `text`: None when SLACK_WEBHOOK_URL is not set, "" when posted, else why not,
    in one sentence for people that never repeats the secret URL. Never raises."""
    url = settings.SLACK_WEBHOOK_URL
    if not url:
        return None
    response = _send(url, text)
    if isinstance(response, requests.Timeout):
        return "Slack did not answer in time."
    if isinstance(response, requests.ConnectionError):
        return "Could not connect to Slack."
    if isinstance(response, requests.RequestException):
        return f"Could not post to Slack ({response.__class__.__name__})."
    if response.status_code >= 300:
        return f"Slack answered HTTP {response.status_code}: {response.text[:200]}"
    return ""
