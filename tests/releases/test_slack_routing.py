"""Release messages reach the channel of their purpose; Slack failing never fails the action."""

from __future__ import annotations

import pytest

from releases.board.models import Activity
from releases.board.services import merge_exception_request


@pytest.mark.django_db
def test_merge_exception_request_goes_to_its_approvers_channel(
    org, settings, httpserver, django_capture_on_commit_callbacks
):
    settings.SLACK_WEBHOOK_URL = httpserver.url_for("/slack/default")
    settings.SLACK_WEBHOOK_URL_MERGE_EXCEPTIONS = httpserver.url_for("/slack/exceptions")
    httpserver.expect_oneshot_request("/slack/exceptions", method="POST").respond_with_data(
        "down", status=503
    )
    with django_capture_on_commit_callbacks(execute=True):
        exception = merge_exception_request(
            release=org["release"],
            group=org["mdm"],
            pr_number=42,
            reason="Contract deadline",
            actor=org["staff"],
        )
    assert exception.pk  # the request stands although Slack failed
    entry = Activity.objects.get(kind="exception")
    assert "To approve: Marta Okafor, Pieter de Wit, Dana Ri." in entry.message
    assert entry.slack_status == "failed: Slack answered 503"
    assert [request.path for request, _ in httpserver.log] == ["/slack/exceptions"]
