"""The one Slack notifier: a webhook per purpose, the default as fallback, failures returned."""

from __future__ import annotations

import pytest

from fleetops.core import slack


def test_slack_purposes_fall_back_to_the_default(settings):
    settings.SLACK_WEBHOOK_URL = "http://127.0.0.1:9/default"
    settings.SLACK_WEBHOOK_URL_ONCALL = "http://127.0.0.1:9/oncall"
    assert slack.slack_webhook_url(slack.ONCALL) == "http://127.0.0.1:9/oncall"
    assert slack.slack_webhook_url(slack.RELEASES) == "http://127.0.0.1:9/default"
    with pytest.raises(ValueError, match="unknown Slack purpose"):
        slack.slack_webhook_url("gossip")


def test_slack_failure_is_returned_not_raised(settings):
    settings.SLACK_WEBHOOK_URL_DEPENDENCIES = "http://127.0.0.1:9/unreachable"
    assert slack.slack_announce("x", purpose=slack.DEPENDENCIES).startswith("failed:")
