"""Pushed stories: the comment and Slack message stakeholders get, once, with a preview."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from fleetops.github.models import GitHubWrite, Milestone
from releases.board.models import Activity
from releases.notifications import rules
from releases.notifications.models import PushedStoryNotice
from releases.notifications.selectors import pushed_story_previews
from releases.notifications.services import pushed_story_notify
from tests.releases.factories import mirror_issue

STORY_BODY = """## Goal

| User story  |
|-------------|
| As an admin I want ... |

- **Requester(s):** @alice, @bob-smith
- Product designer: @noahtalerman

```
Requested by: @not-a-requester
```
"""


def test_requesters_from_the_requester_field():
    assert rules.requesters(STORY_BODY) == ["alice", "bob-smith"]
    assert rules.requesters("Requested by: @carol and @dave") == ["carol", "dave"]
    assert rules.requesters("**Requestor**: @erin") == ["erin"]
    assert rules.requesters("Mentioning @frank elsewhere") == []
    assert rules.requesters("Requester: email@example.com") == []
    assert rules.requesters("") == []


@given(
    logins=st.lists(
        st.from_regex(r"[A-Za-z0-9]([A-Za-z0-9]|-(?=[A-Za-z0-9])){0,20}", fullmatch=True),
        min_size=1,
        max_size=4,
        unique=True,
    ),
    label=st.sampled_from(["Requester", "Requesters", "Requester(s)", "requested by", "REQUESTOR"]),
    bold=st.booleans(),
)
def test_requesters_any_spelling_of_the_field(logins, label, bold):
    field = f"**{label}:**" if bold else f"{label}:"
    body = f"Intro @someone\n\n{field} " + ", ".join(f"@{login}" for login in logins)
    assert rules.requesters(body) == list(dict.fromkeys(logins))


def test_mentions_and_comment():
    mentioned = rules.mentions(head_of_product_design="@noahtalerman", requesters=["alice"])
    assert mentioned == ["@noahtalerman", "@alice"]
    comment = rules.pushed_comment(milestone="4.77.0", mentioned=mentioned)
    assert comment.startswith("@noahtalerman @alice: this story was pushed to milestone 4.77.0")


@pytest.fixture
def story(org):
    issue = mirror_issue(300, "story", "~pushed", "#g-mdm", "customer-acme")
    issue.body, issue.title = STORY_BODY, "Lock a host remotely"
    issue.milestone = Milestone.objects.create(
        repository=issue.repository, github_id=77, number=77, title="4.77.0", state="open"
    )
    issue.save()
    mirror_issue(301, "story")  # not pushed
    return issue


@pytest.mark.django_db
def test_preview_shows_the_comment_and_the_slack_message(story):
    (preview,) = pushed_story_previews()
    assert preview.number == 300
    assert preview.mentioned == ["@noahtalerman", "@alice", "@bob-smith"]
    assert "pushed to milestone 4.77.0" in preview.comment
    assert "customer-acme" in preview.slack_text
    assert preview.slack_text.startswith("VP of Customer Success:")
    assert preview.notice is None


@pytest.mark.django_db
def test_dry_run_is_a_preview_that_tells_nobody(story, org, settings, httpserver):
    settings.SLACK_WEBHOOK_URL = httpserver.url_for("/slack")
    em = org["mdm"].engineering_manager.user
    outcome = pushed_story_notify(release=org["release"], number=300, actor=em)
    assert outcome.status == GitHubWrite.Status.DRY_RUN
    assert outcome.write.payload["body"].startswith("@noahtalerman @alice @bob-smith")
    assert not PushedStoryNotice.objects.exists()
    assert Activity.objects.filter(kind="pushed-preview").count() == 1
    assert httpserver.log == []
    # Asking again is still one preview, not a pile of them.
    pushed_story_notify(release=org["release"], number=300, actor=em)
    assert GitHubWrite.objects.filter(dedupe_key="pushed-story:300").count() == 1


@pytest.fixture
def github_and_slack(settings, httpserver):
    settings.FLEETOPS_GITHUB_WRITE = True
    settings.GITHUB_API_URL = httpserver.url_for("").rstrip("/")
    settings.GITHUB_TOKEN = "test-token"
    settings.SLACK_WEBHOOK_URL = httpserver.url_for("/slack/default")
    settings.SLACK_WEBHOOK_URL_CUSTOMER_SUCCESS = httpserver.url_for("/slack/cs")
    return httpserver


@pytest.mark.django_db(transaction=True)
def test_real_notice_comments_and_tells_customer_success_once(story, org, github_and_slack):
    server = github_and_slack
    server.expect_oneshot_request(
        "/repos/fleetdm/fleet/issues/300/comments", method="POST"
    ).respond_with_json(
        {"id": 1, "html_url": "https://github.com/fleetdm/fleet/issues/300#c1"}, 201
    )
    server.expect_oneshot_request("/slack/cs", method="POST").respond_with_data("ok")
    em = org["mdm"].engineering_manager.user
    outcome = pushed_story_notify(release=org["release"], number=300, actor=em)
    server.check_assertions()
    assert outcome.status == GitHubWrite.Status.DONE
    assert outcome.notice is not None
    slack_entry = Activity.objects.get(kind="pushed-story-slack")
    assert slack_entry.slack_status == "sent"
    assert "customer-acme" in server.log[1][0].get_json()["text"]
    with pytest.raises(ValidationError, match="were told"):
        pushed_story_notify(release=org["release"], number=300, actor=em)
    assert len(server.log) == 2  # one comment, one Slack message
    (preview,) = pushed_story_previews()
    assert preview.notice is not None


@pytest.mark.django_db(transaction=True)
def test_slack_failure_does_not_fail_the_notice(story, org, github_and_slack):
    server = github_and_slack
    server.expect_oneshot_request(
        "/repos/fleetdm/fleet/issues/300/comments", method="POST"
    ).respond_with_json({"id": 1}, 201)
    server.expect_oneshot_request("/slack/cs", method="POST").respond_with_data("no", status=500)
    outcome = pushed_story_notify(
        release=org["release"], number=300, actor=org["mdm"].engineering_manager.user
    )
    assert outcome.notice is not None
    assert PushedStoryNotice.objects.count() == 1
    assert Activity.objects.get(kind="pushed-story-slack").slack_status == (
        "failed: Slack answered 500"
    )


@pytest.mark.django_db
def test_only_an_em_the_dri_or_staff_notify(story, org):
    with pytest.raises(PermissionDenied):
        pushed_story_notify(release=org["release"], number=300, actor=org["outsider"])
    with pytest.raises(ValidationError, match="not an open story labelled ~pushed"):
        pushed_story_notify(release=org["release"], number=301, actor=org["staff"])


@pytest.mark.django_db
def test_pushed_page_previews_and_sends(story, org, client):
    client.force_login(org["staff"])
    page = client.get(reverse("releases:pushed", args=["4.75.0"])).content.decode()
    assert "@noahtalerman @alice @bob-smith" in page
    assert "Slack (customer success)" in page
    response = client.post(reverse("releases:pushed-notify", args=["4.75.0", 300]), follow=True)
    assert "Dry run" in response.content.decode()
