from __future__ import annotations

import datetime as dt
import json
import uuid
from urllib.parse import urlencode

import hypothesis
import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from kombu.exceptions import OperationalError

from fleetops.github.client import GitHubClient, GitHubNotFound, GitHubTransientError
from fleetops.github.models import (
    ExternalRelease,
    Issue,
    IssueComment,
    Label,
    Milestone,
    Repository,
    Tag,
    WebhookDelivery,
)
from fleetops.github.sync import repository_sync
from fleetops.github.tasks import webhook_deliveries_sweep_task, webhook_delivery_process_task
from fleetops.github.upsert import issues_upsert, repository_get
from fleetops.github.webhooks import (
    WebhookDeliveryConflict,
    webhook_deliveries_unprocessed,
    webhook_delivery_give_up,
    webhook_delivery_process,
)
from tests.github.payloads import (
    REPO,
    SECRET,
    URL,
    body_of,
    comment,
    create_tag,
    deliver,
    event,
    issue,
    issue_id,
    label,
    milestone,
    ping,
    pull_id,
    pull_request,
    release,
    sign,
    when,
)

pytestmark = pytest.mark.django_db

TABLES = [
    Repository,
    Issue,
    IssueComment,
    Label,
    Milestone,
    Tag,
    ExternalRelease,
    WebhookDelivery,
]


@pytest.fixture(autouse=True)
def webhook_settings(settings):
    settings.GITHUB_WEBHOOK_SECRET = SECRET
    settings.GITHUB_REPOSITORY = REPO


@pytest.fixture
def queued(monkeypatch) -> list[int]:
    """The delivery ids the view queued (no broker: the test runs the task itself)."""
    ids: list[int] = []
    monkeypatch.setattr(webhook_delivery_process_task, "delay_on_commit", ids.append)
    return ids


def _counts() -> dict[str, int]:
    return {table.__name__: table.objects.count() for table in TABLES}


def _apply(client, queued: list[int], event_name: str, payload, **kwargs) -> WebhookDelivery:
    """Deliver, then run the queued task as a worker would."""
    response = deliver(client, event_name, payload, **kwargs)
    assert response.status_code == 202, response.json()
    assert response.json() == {"detail": "queued"}
    delivery_id = queued.pop()
    summary = webhook_delivery_process_task(delivery_id)
    assert isinstance(summary, str)
    delivery = WebhookDelivery.objects.get(pk=delivery_id)
    assert delivery.processed_at is not None
    return delivery


def _issue(number: int) -> Issue:
    return Issue.objects.get(repository__full_name=REPO, number=number)


class NoGitHub:
    """A GitHub that has nothing: for tests that must not reach the network."""

    def issue(self, repository: str, number: int) -> dict:
        raise GitHubNotFound(f"GET /repos/{repository}/issues/{number} answered 404", status=404)

    def commit(self, repository: str, sha: str) -> dict:
        raise GitHubNotFound(f"GET /repos/{repository}/commits/{sha} answered 404", status=404)

    def close(self) -> None:
        pass


# -- the endpoint ---------------------------------------------------------------------------


def test_webhook_url_is_github_webhook():
    assert reverse("github:webhook") == URL == "/github/webhook"


def test_webhook_good_signature_queues_and_the_task_mirrors_the_issue(client, queued):
    response = deliver(client, "issues", event("opened", issue=issue(101)), delivery="d-101")
    assert response.status_code == 202
    assert response.json() == {"detail": "queued"}
    delivery = WebhookDelivery.objects.get()
    assert queued == [delivery.pk]
    assert (delivery.delivery_id, delivery.event, delivery.action) == ("d-101", "issues", "opened")
    assert delivery.processed_at is None
    assert not Issue.objects.exists()  # the view only records and queues

    summary = webhook_delivery_process_task(delivery.pk)

    row = _issue(101)
    assert (row.title, row.state, row.github_id) == ("Hosts page shows 500", "open", issue_id(101))
    assert (row.author_login, row.author_association) == ("community-dev", "NONE")
    delivery.refresh_from_db()
    assert delivery.processed_at is not None
    assert delivery.outcome == "applied: issue #101 opened: created"
    assert delivery.outcome in summary


def test_webhook_enqueues_after_commit(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = deliver(client, "issues", event("opened", issue=issue(101)))
    assert response.status_code == 202
    assert len(callbacks) == 1


@pytest.mark.parametrize(
    "signature",
    [
        None,
        "",
        "sha256=" + "0" * 64,
        "sha1=0123456789abcdef0123456789abcdef01234567",
        "sha256=ünïcödé",
    ],
    ids=["missing", "empty", "zeros", "sha1", "non-ascii"],
)
def test_webhook_bad_signature_is_refused_and_changes_nothing(
    client, queued, django_assert_num_queries, signature
):
    with django_assert_num_queries(0):  # nothing is read, let alone written
        response = deliver(
            client,
            "issues",
            event("opened", issue=issue(101)),
            signature=signature,
            signed=signature is not None,  # None: no header at all
        )
    assert response.status_code == 403
    assert "X-Hub-Signature-256" in response.json()["detail"]
    assert set(_counts().values()) == {0}
    assert queued == []


def test_webhook_signed_with_another_secret_is_refused(client, queued):
    response = deliver(client, "issues", event("opened", issue=issue(101)), secret="guess")
    assert response.status_code == 403
    assert response.json() == {"detail": "X-Hub-Signature-256 does not match the body"}
    assert set(_counts().values()) == {0}


def test_webhook_without_a_secret_is_refused(client, queued, settings):
    settings.GITHUB_WEBHOOK_SECRET = ""
    response = deliver(client, "issues", event("opened", issue=issue(101)), secret="")
    assert response.status_code == 403
    assert "not configured" in response.json()["detail"]
    assert set(_counts().values()) == {0}


def test_webhook_replayed_delivery_is_ignored(client, queued):
    payload = event("opened", issue=issue(101))
    _apply(client, queued, "issues", payload, delivery="d-same")
    response = deliver(client, "issues", payload, delivery="d-same")
    assert response.status_code == 200
    assert response.json() == {"detail": "already received"}
    assert WebhookDelivery.objects.count() == 1
    assert queued == []


def test_webhook_replay_of_an_unqueued_delivery_queues_it_again(client, queued, monkeypatch):
    def down(delivery_id: int) -> None:
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    payload = event("opened", issue=issue(101))
    with monkeypatch.context() as patch:
        patch.setattr(webhook_delivery_process_task, "delay_on_commit", down)
        response = deliver(client, "issues", payload, delivery="d-lost")
    assert response.status_code == 503
    assert "redeliver" in response.json()["detail"]

    response = deliver(client, "issues", payload, delivery="d-lost")  # GitHub's "Redeliver"
    assert response.status_code == 200
    assert response.json() == {"detail": "already received; queued again"}
    delivery = WebhookDelivery.objects.get()
    assert queued == [delivery.pk]


def test_webhook_ping_answers_200(client, queued):
    response = deliver(client, "ping", ping())
    assert response.status_code == 200
    assert response.json() == {"detail": "pong: the webhook is configured"}
    assert set(_counts().values()) == {0}


def test_webhook_unknown_event_is_accepted_and_logged(client, queued, caplog):
    caplog.set_level("INFO", logger="fleetops.github.webhooks")
    payload = event("completed", workflow_run={"id": 1})
    response = deliver(client, "workflow_run", payload, delivery="d-unknown")
    assert response.status_code == 202
    assert response.json() == {"detail": "ignored: unknown event"}
    delivery = WebhookDelivery.objects.get()
    assert (delivery.event, delivery.action) == ("workflow_run", "completed")
    assert delivery.outcome == "ignored: unknown event"
    assert delivery.processed_at is not None
    assert queued == []
    assert "d-unknown workflow_run.completed ignored: unknown event" in caplog.text


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        (b'{"action": "opened", "issue": ', "malformed JSON payload"),
        (b"\xff\xfe\x00garbage", "malformed JSON payload"),
        (b"", "malformed JSON payload"),
        (b'{"n": NaN}', "malformed JSON payload: NaN is not JSON"),
        (b'["a list"]', "payload is a JSON list, not an object"),
    ],
    ids=["truncated", "binary", "empty", "nan", "list"],
)
def test_webhook_malformed_json_with_a_good_signature_is_400(client, queued, body, detail):
    response = deliver(client, "issues", body)
    assert response.status_code == 400
    assert response.json()["detail"].startswith(detail)
    assert set(_counts().values()) == {0}


@pytest.mark.parametrize(
    ("headers", "detail"),
    [
        ({"HTTP_X_GITHUB_DELIVERY": "d-1"}, "missing X-GitHub-Event header"),
        ({"HTTP_X_GITHUB_EVENT": "issues"}, "missing X-GitHub-Delivery header"),
        (
            {"HTTP_X_GITHUB_EVENT": "issues", "HTTP_X_GITHUB_DELIVERY": "x" * 101},
            "X-GitHub-Delivery is not a GitHub value",
        ),
    ],
    ids=["no-event", "no-delivery", "long-delivery"],
)
def test_webhook_without_github_headers_is_400(client, queued, headers, detail):
    body = body_of(event("opened", issue=issue(101)))
    response = client.post(
        URL, body, content_type="application/json", HTTP_X_HUB_SIGNATURE_256=sign(body), **headers
    )
    assert response.status_code == 400
    assert response.json()["detail"].startswith(detail)
    assert set(_counts().values()) == {0}


@pytest.mark.parametrize("method", ["get", "put", "delete"])
def test_webhook_other_methods_are_405(client, method):
    response = getattr(client, method)(URL)
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert response.json() == {"detail": "only POST is allowed"}


def test_webhook_payload_over_the_upload_limit_is_413(client, queued, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = deliver(client, "issues", event("opened", issue=issue(101)))
    assert response.status_code == 413
    assert response.json() == {"detail": "payload too large"}
    assert set(_counts().values()) == {0}


def test_webhook_accepts_a_form_encoded_delivery(client, queued):
    body = urlencode({"payload": json.dumps(event("opened", issue=issue(101)))}).encode()
    response = client.post(
        URL,
        body,
        content_type="application/x-www-form-urlencoded",
        headers={
            "X-GitHub-Event": "issues",
            "X-GitHub-Delivery": "d-form",
            "X-Hub-Signature-256": sign(body),
        },
    )
    assert response.status_code == 202
    webhook_delivery_process_task(queued.pop())
    assert _issue(101).title == "Hosts page shows 500"


@pytest.mark.parametrize(
    ("event_name", "payload", "outcome"),
    [
        (
            "issues",
            event("opened", issue=issue(7, repo="someone/else"), repo="someone/else"),
            "ignored: repository someone/else is not mirrored",
        ),
        (
            "issues",  # watched repositories count for releases only
            event("opened", issue=issue(7, repo="osquery/osquery"), repo="osquery/osquery"),
            "ignored: repository osquery/osquery is not mirrored",
        ),
        (
            "release",
            event("published", release=release(repo="someone/else"), repo="someone/else"),
            "ignored: repository someone/else is not mirrored",
        ),
        (
            "issues",
            {"action": "opened", "issue": issue(7)},
            "ignored: the payload names no repository",
        ),
        (
            "create",
            {**create_tag("main-2"), "ref_type": "branch"},
            "ignored: only tag creations are mirrored",
        ),
    ],
    ids=["other-repo", "watched-repo-issue", "other-repo-release", "no-repo", "branch"],
)
def test_webhook_deliveries_we_do_not_mirror_are_stored_as_ignored(
    client, queued, event_name, payload, outcome
):
    response = deliver(client, event_name, payload)
    assert response.status_code == 202
    assert response.json() == {"detail": outcome}
    assert WebhookDelivery.objects.get().outcome == outcome
    assert queued == []
    assert not Issue.objects.exists()
    assert not ExternalRelease.objects.exists()


# -- events ----------------------------------------------------------------------------------


def test_webhook_issue_opened_then_labeled_then_closed(client, queued):
    bug = label("bug", github_id=41)
    p2 = label("P2", github_id=42, color="fbca04")
    _apply(client, queued, "issues", event("opened", issue=issue(101, updated=0)))
    _apply(
        client,
        queued,
        "issues",
        event("labeled", issue=issue(101, labels=[bug, p2], updated=1), label=p2),
    )
    row = _issue(101)
    assert sorted(row.labels.values_list("name", flat=True)) == ["P2", "bug"]
    assert row.state == "open"

    done = _apply(
        client,
        queued,
        "issues",
        event("closed", issue=issue(101, labels=[bug], state="closed", updated=30, closed=30)),
    )
    row.refresh_from_db()
    assert (row.state, row.state_reason, row.closed_at) == ("closed", "completed", when(30))
    assert list(row.labels.values_list("name", flat=True)) == ["bug"]
    assert done.outcome == "applied: issue #101 closed: updated"
    assert Issue.objects.count() == 1


def test_webhook_late_delivery_does_not_overwrite_newer_data(client, queued):
    bug = label("bug", github_id=41)
    _apply(client, queued, "issues", event("labeled", issue=issue(101, labels=[bug], updated=5)))
    late = _apply(client, queued, "issues", event("opened", issue=issue(101, updated=0)))
    row = _issue(101)
    assert list(row.labels.values_list("name", flat=True)) == ["bug"]
    assert row.updated_at == when(5)
    assert late.outcome.endswith("unchanged (the mirror has this or a newer copy)")


def test_webhook_issue_deleted_stays_gone_after_a_late_edit(client, queued):
    _apply(client, queued, "issues", event("opened", issue=issue(101)))
    gone = _apply(client, queued, "issues", event("deleted", issue=issue(101, updated=3)))
    assert gone.outcome == "applied: issue #101 marked deleted"
    late = _apply(client, queued, "issues", event("edited", issue=issue(101, updated=2)))
    row = _issue(101)
    assert (row.gone_reason, row.title) == ("deleted", "Hosts page shows 500")
    assert row.gone_at is not None
    assert late.outcome == "ignored: issue #101 was deleted or transferred on GitHub"
    assert not Issue.objects.open().exists()


def test_webhook_issue_transferred_is_marked_gone(client, queued):
    _apply(client, queued, "issues", event("opened", issue=issue(101)))
    payload = event(
        "transferred",
        issue=issue(101, updated=4),
        changes={"new_repository": {"full_name": "fleetdm/confidential"}, "new_issue": {}},
    )
    _apply(client, queued, "issues", payload)
    assert _issue(101).gone_reason == "transferred"


def test_webhook_member_comment_sets_the_first_member_response(client, queued):
    _apply(client, queued, "issues", event("opened", issue=issue(101)))
    answer = comment(101, github_id=901, login="member-mo", association="MEMBER", created=12)
    delivery = _apply(
        client,
        queued,
        "issue_comment",
        event("created", issue=issue(101, comments=1, updated=12), comment=answer),
    )
    row = _issue(101)
    assert (row.first_member_response_at, row.first_member_response_by) == (when(12), "member-mo")
    assert row.comments_count == 1
    assert IssueComment.objects.get().issue == row
    assert delivery.outcome == "applied: comment 901 on #101 created"


def test_webhook_community_comment_is_not_a_member_response(client, queued):
    _apply(client, queued, "issues", event("opened", issue=issue(101)))
    more = comment(101, github_id=902, login="someone", association="NONE", created=3)
    _apply(client, queued, "issue_comment", event("created", issue=issue(101), comment=more))
    assert _issue(101).first_member_response_at is None


def test_webhook_comment_deleted_clears_the_first_member_response(client, queued):
    answer = comment(101, github_id=901, created=12)
    _apply(
        client,
        queued,
        "issue_comment",  # the comment's issue is not mirrored yet: the delivery brings it
        event("created", issue=issue(101, comments=1, updated=12), comment=answer),
    )
    assert _issue(101).first_member_response_by == "member-mo"
    _apply(
        client,
        queued,
        "issue_comment",
        event("deleted", issue=issue(101, comments=0, updated=20), comment=answer),
    )
    row = _issue(101)
    assert (row.first_member_response_at, row.comments_count) == (None, 0)
    assert not IssueComment.objects.exists()


def test_webhook_late_comment_edit_keeps_the_newer_copy(client, queued):
    newer = comment(101, github_id=901, created=12, updated=40)
    older = comment(101, github_id=901, created=12, updated=20)
    _apply(client, queued, "issue_comment", event("edited", issue=issue(101), comment=newer))
    late = _apply(client, queued, "issue_comment", event("edited", issue=issue(101), comment=older))
    assert IssueComment.objects.get().updated_at == when(40)
    assert late.outcome.endswith("the mirror has a newer copy")


def test_webhook_pull_request_merged_updates_the_row_the_issues_endpoint_made(client, queued):
    repository = repository_get(REPO)
    issues_upsert(repository, [issue(205, pull_request=True, comments=4, updated=0)])  # the sync
    row = _issue(205)
    assert row.github_id == issue_id(205) != pull_id(205)

    merged = pull_request(205, state="closed", updated=50, closed=50, merged=50)
    delivery = _apply(client, queued, "pull_request", event("closed", pull_request=merged))

    row.refresh_from_db()
    assert row.github_id == issue_id(205)  # the issue id, not the pull id
    assert (row.state, row.merged_at, row.closed_at) == ("closed", when(50), when(50))
    assert row.is_pull_request
    assert row.author_association == "CONTRIBUTOR"
    assert Issue.objects.count() == 1
    assert delivery.outcome == "applied: pull request #205 closed: updated"


def test_webhook_pull_request_without_a_count_keeps_the_mirrors_comment_count(client, queued):
    issues_upsert(repository_get(REPO), [issue(205, pull_request=True, comments=4)])
    pull = pull_request(205, draft=True, updated=3)
    del pull["comments"]
    _apply(client, queued, "pull_request", event("converted_to_draft", pull_request=pull))
    row = _issue(205)
    assert (row.draft, row.comments_count) == (True, 4)


def test_webhook_pull_request_not_yet_mirrored_is_read_from_github(client, queued, fake_github):
    data = fake_github.add_pull(REPO, title="Add a webhook", login="community-dev")
    number = data["number"]
    pull, _ = GitHubClient().get(f"/repos/{REPO}/pulls/{number}")  # what the webhook carries
    assert pull["id"] != data["id"]
    fake_github.reset_counts()

    delivery = _apply(client, queued, "pull_request", event("opened", pull_request=pull))

    row = _issue(number)
    assert (row.github_id, row.is_pull_request, row.title) == (data["id"], True, "Add a webhook")
    assert delivery.outcome == f"applied: pull request #{number} opened: read from GitHub, created"
    assert [r.path for r in fake_github.requests] == [f"/repos/{REPO}/issues/{number}"]
    # The sync lists the same PR by its issue id: no second row, no collision.
    run = repository_sync(client=GitHubClient(), full=True)
    assert run.outcome == "ok", run.error
    assert Issue.objects.filter(number=number).count() == 1


def test_webhook_pull_request_merged_after_a_sync_keeps_one_row(client, queued, fake_github):
    data = fake_github.add_pull(REPO, title="Fix hosts page", login="community-dev")
    number = data["number"]
    assert repository_sync(client=GitHubClient(), full=True).outcome == "ok"
    fake_github.update_issue(REPO, number, merged_at=fake_github.now())
    pull, _ = GitHubClient().get(f"/repos/{REPO}/pulls/{number}")

    _apply(client, queued, "pull_request", event("closed", pull_request=pull))

    row = _issue(number)
    assert row.github_id == data["id"]
    assert row.merged_at is not None
    assert row.state == "closed"
    assert repository_sync(client=GitHubClient()).outcome == "ok"
    assert Issue.objects.filter(number=number).count() == 1


def test_webhook_pull_request_when_github_is_unreachable_is_retried(client, queued):
    response = deliver(client, "pull_request", event("opened", pull_request=pull_request(206)))
    assert response.status_code == 202
    delivery_id = queued.pop()
    with pytest.raises(GitHubTransientError):  # called directly, Celery's retry re-raises
        webhook_delivery_process_task(delivery_id)
    delivery = WebhookDelivery.objects.get()
    assert delivery.processed_at is None
    assert not Issue.objects.exists()

    given_up = webhook_delivery_give_up(delivery_id, reason="cannot reach GitHub")
    assert given_up.outcome == "error: gave up (cannot reach GitHub); the next sync catches up"
    assert given_up.processed_at is not None


def test_webhook_label_created_edited_deleted(client, queued):
    _apply(client, queued, "label", event("created", label=label("~needs triage", github_id=77)))
    assert Label.objects.get().name == "~needs triage"
    _apply(
        client,
        queued,
        "issues",
        event("labeled", issue=issue(101, labels=[label("~needs triage", github_id=77)])),
    )
    edited = label("~triaged", github_id=77, color="0e8a16")
    _apply(client, queued, "label", event("edited", label=edited, changes={"name": {}}))
    assert list(_issue(101).labels.values_list("name", flat=True)) == ["~triaged"]
    deleted = _apply(client, queued, "label", event("deleted", label=edited))
    assert not Label.objects.exists()
    assert not _issue(101).labels.exists()
    assert deleted.outcome == "applied: label '~triaged' deleted"


def test_webhook_milestone_created_closed_deleted(client, queued):
    _apply(client, queued, "milestone", event("created", milestone=milestone(214, updated=0)))
    assert Milestone.objects.get().state == "open"
    _apply(
        client, queued, "issues", event("milestoned", issue=issue(101, milestone=milestone(214)))
    )
    assert _issue(101).milestone.number == 214

    closed = milestone(214, state="closed", updated=9, closed=9)
    _apply(client, queued, "milestone", event("closed", milestone=closed))
    assert (Milestone.objects.get().state, Milestone.objects.get().closed_at) == ("closed", when(9))
    late = _apply(client, queued, "milestone", event("edited", milestone=milestone(214, updated=1)))
    assert Milestone.objects.get().state == "closed"
    assert late.outcome == "applied: milestone 214: the mirror has a newer copy"

    _apply(client, queued, "milestone", event("deleted", milestone=closed))
    assert not Milestone.objects.exists()
    assert _issue(101).milestone is None


def test_webhook_tag_create_reads_the_commit(client, queued, fake_github):
    tag = fake_github.add_tag(REPO, "fleet-v4.76.0", date="2026-11-20T16:00:00Z")
    fake_github.reset_counts()
    delivery = _apply(client, queued, "create", create_tag("fleet-v4.76.0"))
    row = Tag.objects.get(name="fleet-v4.76.0")
    assert row.commit_sha == tag["commit"]["sha"]
    assert row.committed_at.isoformat() == "2026-11-20T16:00:00+00:00"
    assert delivery.outcome == f"applied: tag fleet-v4.76.0 created at {row.commit_sha[:12]}"
    assert [r.path for r in fake_github.requests] == [f"/repos/{REPO}/commits/tags/fleet-v4.76.0"]


def test_webhook_tag_gone_from_github_is_ignored(client, queued, fake_github):
    delivery = _apply(client, queued, "create", create_tag("fleet-v0.0.0-deleted"))
    assert not Tag.objects.exists()
    assert delivery.outcome == "ignored: tag fleet-v0.0.0-deleted is no longer on GitHub"


def test_webhook_release_of_osquery_is_mirrored_and_deleted(client, queued):
    published = release("5.21.0", repo="osquery/osquery", published=60)
    _apply(client, queued, "release", event("published", release=published, repo="osquery/osquery"))
    row = ExternalRelease.objects.get()
    assert (row.repository.full_name, row.tag_name, row.published_at) == (
        "osquery/osquery",
        "5.21.0",
        when(60),
    )
    gone = _apply(
        client, queued, "release", event("deleted", release=published, repo="osquery/osquery")
    )
    assert not ExternalRelease.objects.exists()
    assert gone.outcome == "applied: release 5.21.0 of osquery/osquery deleted"


def test_webhook_release_of_the_product_and_the_extension(client, queued):
    _apply(
        client,
        queued,
        "release",
        event(
            "released",
            release=release("v1.3.0", github_id=3, repo="macadmins/osquery-extension"),
            repo="macadmins/osquery-extension",
        ),
    )
    _apply(
        client,
        queued,
        "release",
        event("published", release=release("fleet-v4.76.0", github_id=4, repo=REPO)),
    )
    assert sorted(ExternalRelease.objects.values_list("repository__full_name", "tag_name")) == [
        ("fleetdm/fleet", "fleet-v4.76.0"),
        ("macadmins/osquery-extension", "v1.3.0"),
    ]


def test_webhook_malformed_object_is_recorded_and_writes_nothing(client, queued):
    broken = issue(101, labels=[label("bug", github_id=41)])
    del broken["title"]
    delivery = _apply(client, queued, "issues", event("opened", issue=broken))
    assert delivery.outcome == "malformed: issue #101: missing 'title'"
    assert not Issue.objects.exists()
    assert not Label.objects.exists()  # the labels it carried were rolled back too


def test_webhook_processing_twice_changes_nothing(client, queued):
    answer = comment(101, github_id=901, created=12)
    payload = event("created", issue=issue(101, comments=1, updated=12), comment=answer)
    delivery = _apply(client, queued, "issue_comment", payload)
    before = (_counts(), list(Issue.objects.values()), list(IssueComment.objects.values()))

    assert webhook_delivery_process_task(delivery.pk) == webhook_delivery_process_task(delivery.pk)
    again = WebhookDelivery.objects.get()
    assert (again.processed_at, again.outcome) == (delivery.processed_at, delivery.outcome)

    # Even applied again from scratch (a worker killed before recording it), nothing moves.
    WebhookDelivery.objects.update(processed_at=None, outcome="")
    webhook_delivery_process_task(delivery.pk)
    after = (_counts(), list(Issue.objects.values()), list(IssueComment.objects.values()))
    assert after == before


def test_webhook_task_for_a_missing_delivery_says_so():
    assert webhook_delivery_process_task(424242) == "webhook delivery 424242 not found"


# -- properties ------------------------------------------------------------------------------

EVENTS = ["issues", "issue_comment", "pull_request", "label", "milestone", "create", "release"]
header_values = st.one_of(st.none(), st.text(max_size=120), st.uuids().map(str))
event_names = st.one_of(st.none(), st.sampled_from([*EVENTS, "ping"]), st.text(max_size=60))
content_types = st.sampled_from(
    ["application/json", "application/x-www-form-urlencoded", "text/plain", "multipart/form-data"]
)
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=10), children, max_size=3)
    ),
    max_leaves=12,
)
json_bodies = st.one_of(
    st.binary(max_size=300),
    json_values.map(lambda value: json.dumps(value).encode()),
    st.dictionaries(st.sampled_from(["action", "repository", "issue", "ref_type"]), json_values)
    .map(lambda value: {**value, "repository": {"full_name": REPO}})
    .map(lambda value: json.dumps(value).encode()),
)
PROPERTY_SETTINGS = hypothesis_settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _post(client, body: bytes, content_type: str, headers: dict[str, str | None]):
    sent = {key: value for key, value in headers.items() if value is not None}
    return client.post(URL, body, content_type=content_type, headers=sent)


@PROPERTY_SETTINGS
@given(
    body=st.binary(max_size=500) | json_bodies,
    signature=st.one_of(
        st.none(),
        st.text(max_size=80),
        st.binary(max_size=50).map(lambda b: sign(b)),  # a real signature of another body
        st.text("0123456789abcdef", min_size=64, max_size=64).map("sha256=".__add__),
    ),
    event_name=event_names,
    delivery=header_values,
    content_type=content_types,
)
def test_webhook_property_bad_signature_never_touches_the_database(
    client, queued, django_assert_num_queries, body, signature, event_name, delivery, content_type
):
    headers = {
        "X-Hub-Signature-256": signature,
        "X-GitHub-Event": event_name,
        "X-GitHub-Delivery": delivery,
    }
    if signature == sign(body):
        return  # vanishingly rare: hypothesis found the right signature
    with django_assert_num_queries(0):
        response = _post(client, body, content_type, headers)
    assert response.status_code == 403
    assert "detail" in response.json()
    assert queued == []


@PROPERTY_SETTINGS
@given(
    body=json_bodies,
    event_name=st.sampled_from([*EVENTS, "ping"]) | event_names,
    delivery=st.uuids().map(str) | header_values,
    content_type=st.just("application/json") | content_types,
)
def test_webhook_property_signed_bodies_never_500(
    client, queued, body, event_name, delivery, content_type
):
    with transaction.atomic():  # each example starts from an empty database
        headers = {
            "X-Hub-Signature-256": sign(body),
            "X-GitHub-Event": event_name,
            "X-GitHub-Delivery": delivery,
        }
        response = _post(client, body, content_type, headers)
        assert response.status_code in (200, 202, 400), response.content
        assert "detail" in response.json()
        if response.status_code == 400:
            assert not WebhookDelivery.objects.exists()
        while queued:
            delivery_row = webhook_delivery_process(queued.pop(), client=NoGitHub())
            assert delivery_row.processed_at is not None
            assert delivery_row.outcome
            hypothesis.event(delivery_row.outcome.partition(":")[0])
        hypothesis.event(f"status {response.status_code}")
        transaction.set_rollback(True)


def _base_payloads() -> dict[str, tuple[str, dict]]:
    return {
        "issues": ("issues", event("opened", issue=issue(301, labels=[label()]))),
        "comment": ("issue_comment", event("created", issue=issue(301), comment=comment(301))),
        "pull": ("pull_request", event("closed", pull_request=pull_request(302, merged=5))),
        "label": ("label", event("created", label=label("P1", github_id=7))),
        "milestone": ("milestone", event("closed", milestone=milestone(9, state="closed"))),
        "release": ("release", event("published", release=release(repo=REPO))),
        "create": ("create", create_tag("fleet-v9.9.9")),
    }


DELETE = object()


@PROPERTY_SETTINGS
@given(data=st.data())
def test_webhook_property_odd_payloads_are_recorded_never_raised(client, queued, data):
    name = data.draw(st.sampled_from(sorted(_base_payloads())))
    event_name, payload = _base_payloads()[name]
    objects = [key for key, value in payload.items() if isinstance(value, dict)]
    target = data.draw(st.sampled_from(objects))
    fields = sorted(payload[target])
    field = data.draw(st.sampled_from(fields))
    value = data.draw(st.one_of(st.just(DELETE), json_values))
    if value is DELETE:
        del payload[target][field]
    else:
        payload[target][field] = value
    action = data.draw(st.sampled_from(["opened", "edited", "deleted", "closed", "transferred"]))
    payload["action"] = data.draw(st.just(payload.get("action")) | st.just(action))
    with transaction.atomic():
        issues_upsert(repository_get(REPO), [issue(302, pull_request=True)])  # a mirrored PR
        response = deliver(client, event_name, payload, delivery=str(uuid.uuid4()))
        assert response.status_code in (202, 400), response.content
        while queued:
            delivery_id = queued.pop()
            try:
                delivery = webhook_delivery_process(delivery_id, client=NoGitHub())
            except WebhookDeliveryConflict:  # a row collides: retried, then given up
                delivery = webhook_delivery_give_up(delivery_id, reason="conflict")
            assert delivery.processed_at is not None
            assert delivery.outcome
            hypothesis.event(f"{event_name}: {delivery.outcome.partition(':')[0]}")
        transaction.set_rollback(True)


@pytest.mark.parametrize(
    "body",
    [
        b'{"action": "opened", "issue": {"title": "a\\u0000b"}}',
        b'{"action": "opened", "a\\u0000": 1}',
        b'{"action": "opened", "list": [["x\\u0000"]]}',
    ],
    ids=["value", "key", "nested"],
)
def test_webhook_with_a_nul_character_is_400_in_our_words(client, queued, body):
    response = deliver(client, "issues", body)
    assert response.status_code == 400
    assert response.json()["detail"] == "payload contains a NUL character, which no text can hold"
    assert set(_counts().values()) == {0}


def test_unprocessed_deliveries_are_swept_and_processed(client, monkeypatch):
    monkeypatch.setattr(webhook_delivery_process_task, "delay_on_commit", lambda pk: None)
    deliver(client, "issues", event("opened", issue=issue(101)), delivery="d-lost")
    lost = WebhookDelivery.objects.get(delivery_id="d-lost")
    assert webhook_deliveries_unprocessed() == []  # too fresh: its task may still come
    WebhookDelivery.objects.filter(pk=lost.pk).update(
        received_at=timezone.now() - dt.timedelta(minutes=5)
    )
    assert webhook_deliveries_unprocessed() == [lost.pk]
    monkeypatch.setattr(
        webhook_delivery_process_task, "delay", lambda pk: webhook_delivery_process_task(pk)
    )
    assert webhook_deliveries_sweep_task() == "1 webhook deliveries queued again"
    lost.refresh_from_db()
    assert lost.processed_at is not None
    assert _issue(101).title == "Hosts page shows 500"
    assert webhook_deliveries_unprocessed() == []
