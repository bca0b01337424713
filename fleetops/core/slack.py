"""Announcements to Slack: posted when SLACK_WEBHOOK_URL is set, otherwise only recorded."""

from __future__ import annotations

import logging

import requests
from django.conf import settings

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
