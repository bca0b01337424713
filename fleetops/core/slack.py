"""The one Slack notifier: each message goes to the incoming webhook of its purpose.

A purpose is why the message is sent, and so which channel it belongs in: release
announcements (#help-engineering), on-call handoffs, dependency-check results,
merge-exception requests (the EM, QA lead and release DRI), and customer-success notices
(a pushed story with a `customer-` label). Each purpose has its own setting
(`SLACK_WEBHOOK_URL_RELEASES`, ...) and falls back to `SLACK_WEBHOOK_URL`; with neither set,
messages are only recorded by their callers. A Slack failure is returned, logged and
recorded, never raised: it must not fail the action that caused the message.

Call it after the change it announces is committed (`transaction.on_commit`, or after the
atomic block), never while holding a row lock: Slack can take seconds to answer.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import requests
from django.conf import settings
from django.db import transaction

logger = logging.getLogger(__name__)

SLACK_TIMEOUT = (3.05, 5)  # connect, read (seconds)

RELEASES = "releases"
ONCALL = "oncall"
DEPENDENCIES = "dependencies"
MERGE_EXCEPTIONS = "merge-exceptions"
CUSTOMER_SUCCESS = "customer-success"

# Purpose -> the setting naming its webhook (each falls back to SLACK_WEBHOOK_URL).
PURPOSE_SETTINGS = {
    RELEASES: "SLACK_WEBHOOK_URL_RELEASES",
    ONCALL: "SLACK_WEBHOOK_URL_ONCALL",
    DEPENDENCIES: "SLACK_WEBHOOK_URL_DEPENDENCIES",
    MERGE_EXCEPTIONS: "SLACK_WEBHOOK_URL_MERGE_EXCEPTIONS",
    CUSTOMER_SUCCESS: "SLACK_WEBHOOK_URL_CUSTOMER_SUCCESS",
}


def slack_webhook_url(purpose: str = RELEASES) -> str:
    """The incoming-webhook URL for `purpose`, else SLACK_WEBHOOK_URL, else "" (not configured)."""
    if purpose not in PURPOSE_SETTINGS:
        raise ValueError(f"unknown Slack purpose {purpose!r}")
    return getattr(settings, PURPOSE_SETTINGS[purpose], "") or settings.SLACK_WEBHOOK_URL


def _send(url: str, text: str) -> requests.Response | requests.RequestException:
    try:
        return requests.post(url, json={"text": text}, timeout=SLACK_TIMEOUT)
    except requests.RequestException as exc:
        return exc


def slack_announce(text: str, *, purpose: str = RELEASES) -> str:
    """Post `text`; returns "" (not configured), "sent" or "failed: <why>". Never raises."""
    url = slack_webhook_url(purpose)
    if not url:
        return ""
    response = _send(url, text)
    if isinstance(response, requests.RequestException):
        logger.warning("Slack announcement (%s) failed: %s", purpose, response)
        return f"failed: {type(response).__name__}"[:100]
    if response.status_code >= 300:
        logger.warning("Slack answered %s: %s", response.status_code, response.text[:200])
        return f"failed: Slack answered {response.status_code}"[:100]
    return "sent"


def slack_announce_after_commit(
    text: str,
    *,
    purpose: str = RELEASES,
    record: Callable[[str], None] | None = None,
) -> None:
    """Post `text` once the current transaction commits (never while it holds a row lock).

    `record` receives the outcome ("sent", "failed: ...") to store beside what was announced;
    it is not called when Slack is not configured. Outside a transaction, posts at once.
    """
    slack_webhook_url(purpose)  # an unknown purpose is a programming error: raise it now

    def post() -> None:
        status = slack_announce(text, purpose=purpose)
        if status and record is not None:
            record(status)

    transaction.on_commit(post)


def slack_post(text: str, *, purpose: str = RELEASES) -> str | None:
    """Post `text`: None when no webhook serves `purpose`, "" when posted, else why not,
    in one sentence for people that never repeats the secret URL. Never raises."""
    url = slack_webhook_url(purpose)
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
