"""GitHub webhooks: verify a delivery, record it, and apply it to the mirror.

The view calls `webhook_receive` (verify, parse, record) and queues
`webhook_delivery_process_task`, which calls `webhook_delivery_process`. Every write goes
through the sync's own upserts in `fleetops/github/upsert.py`: there is one write path.

Decisions:

- Signature first. `X-Hub-Signature-256` is checked (HMAC-SHA256 of the raw body with
  `GITHUB_WEBHOOK_SECRET`, `hmac.compare_digest`) before the body is parsed or the database
  is touched; without a secret every delivery is refused (403), so a forged delivery
  changes nothing and costs no query.
- Replays. `X-GitHub-Delivery` is unique: a second copy answers 200 "already received" and
  adds no row. GitHub's "Redeliver" reuses the id, so a copy of a delivery that was stored
  but never processed (its enqueue failed: 503) is queued again; processing is idempotent.
- Pull request ids. GitHub gives one PR two ids: the issue id (issues endpoint, which the
  sync reads and the mirror keys on) and the pull id (pulls endpoint, `pull_request`
  webhook). A `pull_request` delivery is written by `pull_request_upsert`, which finds the
  row by (repository, number) and keeps its issue id. A PR not yet in the mirror is read
  from `GET /repos/{repo}/issues/{number}` (one request) and written from that issue
  object: a row keyed by the pull id would make the sync's next insert of the same number
  collide with the (repository, number) constraint.
- Tags. A `create` delivery names the tag but carries no sha, and an empty sha would send
  the sync's tag-date step to ask GitHub for commit "". So the worker reads the tag's
  commit (`GET /repos/{repo}/commits/tags/{name}`, one request) and writes its sha and date
  with `tags_upsert` and `tag_date_set`. Branch creations are ignored.
- Boards. `projects_v2_item` is organisation-level: it is handled for the configured
  organisation's mirrored boards only (see `fleetops/github/boards/webhooks.py`).
- Repositories. Everything is mirrored for `GITHUB_REPOSITORY`; `release` also for the
  watched repositories (`WATCHED_REPOSITORIES` of the sync). A delivery about any other
  repository, or an event we do not handle, is stored as processed with an "ignored: ..."
  outcome and not queued.
- Order. Deliveries arrive late, out of order or twice. `issues_upsert` keeps a row whose
  `updated_at` is newer; comments and milestones are written only when not older than the
  stored copy; an issue GitHub reported deleted or transferred stays gone. Labels and
  releases carry no update time: a late "edited" after "deleted" brings one back until the
  next complete listing (the sync's `labels_upsert(complete=True)` drops a label again).
- GitHub errors. A 5xx, timeout or rate limit while reading a PR or a tag raises, so the
  task retries with backoff; any other GitHub answer, and a payload that lacks what the
  mirror needs, is recorded as the outcome and the delivery is done (the sync catches up).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, quote

from django.conf import settings
from django.db import DataError, IntegrityError, transaction
from django.utils import timezone

from fleetops.core.errors import error_sentence
from fleetops.github.boards.webhooks import EVENT as BOARD_EVENT
from fleetops.github.boards.webhooks import projects_v2_item_apply, projects_v2_item_ignored
from fleetops.github.client import GitHubClient, GitHubNotFound, GitHubPermanentError
from fleetops.github.models import Issue, IssueComment, Milestone, Repository, WebhookDelivery
from fleetops.github.sync import WATCHED_REPOSITORIES
from fleetops.github.upsert import (
    MalformedPayload,
    UpsertResult,
    comment_delete,
    comments_upsert,
    issue_mark_gone,
    issues_upsert,
    label_delete,
    labels_upsert,
    milestone_delete,
    milestones_upsert,
    parse_time,
    pull_request_upsert,
    release_delete,
    releases_upsert,
    repository_get,
    tag_date_set,
    tags_upsert,
)

logger = logging.getLogger(__name__)

SIGNATURE_PREFIX = "sha256="
OUTCOME_MAX = 200  # WebhookDelivery.outcome
EVENT_MAX = 50  # WebhookDelivery.event and .action
DELIVERY_ID_MAX = 100  # WebhookDelivery.delivery_id
GONE_FOR_GOOD = ("deleted", "transferred")


class WebhookRejected(Exception):
    """A delivery we refuse: nothing of it was stored."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail


class WebhookDeliveryConflict(Exception):
    """Another writer (the sync, a parallel delivery) created the same row first: retry."""


@dataclass(frozen=True)
class WebhookReceipt:
    """What to answer GitHub, and the delivery to queue (None: nothing to process)."""

    status: int
    detail: str
    queue: WebhookDelivery | None = None


def webhook_signature_verify(*, body: bytes, signature: str | None) -> None:
    """Refuse unless `signature` is "sha256=" + HMAC-SHA256 of the raw body with our secret."""
    secret = settings.GITHUB_WEBHOOK_SECRET
    if not secret:
        raise WebhookRejected(403, "webhook not configured: GITHUB_WEBHOOK_SECRET is not set")
    if not signature:
        raise WebhookRejected(403, "missing X-Hub-Signature-256 header")
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    # Bytes on both sides: compare_digest refuses non-ASCII str, and a header may be anything.
    if not hmac.compare_digest(
        (SIGNATURE_PREFIX + digest).encode(), signature.encode("utf-8", "replace")
    ):
        raise WebhookRejected(403, "X-Hub-Signature-256 does not match the body")


def webhook_receive(
    *,
    body: bytes,
    signature: str | None,
    event: str | None,
    delivery_id: str | None,
    content_type: str = "application/json",
) -> WebhookReceipt:
    """Verify, parse and record one delivery; the caller queues `receipt.queue`."""
    webhook_signature_verify(body=body, signature=signature)
    event = _header_token(event, "X-GitHub-Event", EVENT_MAX)
    delivery_id = _header_token(delivery_id, "X-GitHub-Delivery", DELIVERY_ID_MAX)
    payload = _payload_parse(body, content_type)
    if event == "ping":
        return WebhookReceipt(200, "pong: the webhook is configured")

    known = WebhookDelivery.objects.filter(delivery_id=delivery_id).first()
    if known is not None:
        return _replay(known)
    action = payload.get("action")
    action = action[:EVENT_MAX] if isinstance(action, str) and action.isprintable() else ""
    ignored = _ignored_reason(event, payload)
    now = timezone.now()
    try:
        with transaction.atomic():
            delivery = WebhookDelivery.objects.create(
                delivery_id=delivery_id,
                event=event,
                action=action,
                payload=payload,
                received_at=now,
                processed_at=now if ignored else None,
                outcome=ignored,
            )
    except IntegrityError:  # a parallel copy of the same delivery was stored first
        return WebhookReceipt(200, "already received")
    except DataError as exc:  # the database's own words stay in the log, not in the answer
        logger.warning("webhook %s not stored: %s", delivery_id, exc)
        raise WebhookRejected(400, "payload cannot be stored") from exc
    if ignored:
        logger.info("webhook %s %s.%s %s", delivery_id, event, action, ignored)
        return WebhookReceipt(202, ignored)
    return WebhookReceipt(202, "queued", queue=delivery)


def _header_token(value: str | None, header: str, max_length: int) -> str:
    value = (value or "").strip()
    if not value:
        raise WebhookRejected(400, f"missing {header} header")
    if len(value) > max_length or not value.isascii() or not value.isprintable():
        raise WebhookRejected(400, f"{header} is not a GitHub value: {value[:40]!r}")
    return value


def _payload_parse(body: bytes, content_type: str) -> dict[str, Any]:
    """The JSON object of the body; a form-encoded webhook sends it as the `payload` field."""
    data: bytes | str = body
    if content_type == "application/x-www-form-urlencoded":
        try:
            fields = parse_qs(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise WebhookRejected(400, f"malformed form-encoded body: {exc}") from exc
        if not fields.get("payload"):
            raise WebhookRejected(400, "form-encoded delivery without a 'payload' field")
        data = fields["payload"][0]
    try:
        payload = json.loads(data, parse_constant=_no_constant)
    except (ValueError, RecursionError) as exc:
        raise WebhookRejected(400, f"malformed JSON payload: {exc}") from exc
    if not isinstance(payload, dict):
        raise WebhookRejected(400, f"payload is a JSON {type(payload).__name__}, not an object")
    if _has_nul(payload):
        raise WebhookRejected(400, "payload contains a NUL character, which no text can hold")
    return payload


def _has_nul(payload: Any) -> bool:
    """Whether any key or string value holds U+0000 (PostgreSQL's jsonb refuses it)."""
    stack = [payload]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _replay(known: WebhookDelivery) -> WebhookReceipt:
    if known.processed_at is None:
        return WebhookReceipt(200, "already received; queued again", queue=known)
    return WebhookReceipt(200, "already received")


def _repository_name(payload: dict[str, Any]) -> str | None:
    repository = payload.get("repository")
    name = repository.get("full_name") if isinstance(repository, dict) else None
    return name if isinstance(name, str) else None


def _mirrored_name(event: str, name: str) -> str | None:
    """The configured spelling of `name` if this event is mirrored for it."""
    names = [settings.GITHUB_REPOSITORY]
    if event == "release":
        names += WATCHED_REPOSITORIES
    return next((known for known in names if known.lower() == name.lower()), None)


def _ignored_reason(event: str, payload: dict[str, Any]) -> str:
    """Why a delivery needs no processing ("" when it does)."""
    if event == BOARD_EVENT:  # organisation-level: no repository in the payload
        return projects_v2_item_ignored(payload)
    if event not in HANDLERS:
        return "ignored: unknown event"
    name = _repository_name(payload)
    if name is None:
        return "ignored: the payload names no repository"
    if _mirrored_name(event, name) is None:
        return f"ignored: repository {name} is not mirrored"[:OUTCOME_MAX]
    if event == "create" and payload.get("ref_type") != "tag":
        return "ignored: only tag creations are mirrored"
    return ""


def webhook_delivery_process(
    delivery_id: int, *, client: GitHubClient | None = None
) -> WebhookDelivery | None:
    """Apply a stored delivery to the mirror through the sync's upserts; safe to run twice."""
    github = _LazyGitHub(client)
    try:
        with transaction.atomic():
            delivery = WebhookDelivery.objects.select_for_update().filter(pk=delivery_id).first()
            if delivery is None or delivery.processed_at is not None:
                return delivery
            outcome = _delivery_apply(delivery, github)
            delivery.outcome = outcome[:OUTCOME_MAX]
            delivery.processed_at = timezone.now()
            delivery.save(update_fields=["outcome", "processed_at"])
    except IntegrityError as exc:
        raise WebhookDeliveryConflict(f"delivery {delivery_id}: {exc}") from exc
    finally:
        github.close()
    logger.info("webhook %s %s", delivery.delivery_id, delivery.outcome)
    return delivery


SWEEP_AFTER = dt.timedelta(minutes=2)  # a delivery still unprocessed then was never queued
SWEEP_BATCH = 200


def webhook_deliveries_unprocessed(*, now: dt.datetime | None = None) -> list[int]:
    """Stored deliveries nobody processed (Redis was down when they came), oldest first."""
    now = now or timezone.now()
    return list(
        WebhookDelivery.objects.filter(processed_at__isnull=True, received_at__lt=now - SWEEP_AFTER)
        .order_by("received_at")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )


def webhook_delivery_give_up(delivery_id: int, *, reason: str) -> WebhookDelivery | None:
    """Record that a delivery could not be applied (retries spent); the sync catches up."""
    with transaction.atomic():
        delivery = WebhookDelivery.objects.select_for_update().filter(pk=delivery_id).first()
        if delivery is not None and delivery.processed_at is None:
            delivery.outcome = f"error: gave up ({reason}); the next sync catches up"[:OUTCOME_MAX]
            delivery.processed_at = timezone.now()
            delivery.save(update_fields=["outcome", "processed_at"])
    return delivery


class _LazyGitHub:
    """A GitHub client made on first use: most deliveries need none."""

    def __init__(self, client: GitHubClient | None) -> None:
        self._client, self._own = client, client is None

    @property
    def client(self) -> GitHubClient:
        if self._client is None:
            self._client = GitHubClient()
        return self._client

    def close(self) -> None:
        if self._own and self._client is not None:
            self._client.close()


def _delivery_apply(delivery: WebhookDelivery, github: _LazyGitHub) -> str:
    payload = delivery.payload if isinstance(delivery.payload, dict) else {}
    ignored = _ignored_reason(delivery.event, payload)
    if ignored:
        return ignored
    try:
        with transaction.atomic():
            if delivery.event == BOARD_EVENT:
                return projects_v2_item_apply(payload, delivery.action, github)
            name = _mirrored_name(delivery.event, _repository_name(payload) or "")
            repository = repository_get(name or settings.GITHUB_REPOSITORY)
            return HANDLERS[delivery.event](repository, payload, delivery.action, github)
    except MalformedPayload as exc:
        return f"malformed: {exc}"
    except GitHubPermanentError as exc:
        logger.warning("webhook %s not applied", delivery.delivery_id, exc_info=exc)
        return f"error: {error_sentence(exc)}; the next sync catches up"
    except (TypeError, ValueError, KeyError, AttributeError, OverflowError, DataError) as exc:
        # Signed by GitHub, yet not the shape the mirror reads: record it, do not retry.
        logger.warning("webhook %s not applied", delivery.delivery_id, exc_info=True)
        return f"malformed: {error_sentence(exc)}"


def _object(payload: dict[str, Any], key: str) -> dict[str, Any]:
    value = payload.get(key)
    if not isinstance(value, dict):
        raise MalformedPayload(f"payload: '{key}' is not an object")
    return value


def _integer(obj: dict[str, Any], key: str, where: str) -> int:
    value = obj.get(key)
    if not isinstance(value, int) or isinstance(value, bool):
        raise MalformedPayload(f"{where}: '{key}' is not an integer")
    return value


def _changes(result: UpsertResult) -> str:
    if result.created:
        return "created"
    if result.updated:
        return "updated"
    return "unchanged (the mirror has this or a newer copy)"


def _gone_for_good(repository: Repository, number: int) -> bool:
    return Issue.objects.filter(
        repository=repository, number=number, gone_reason__in=GONE_FOR_GOOD
    ).exists()


def _issues(repository: Repository, payload: dict, action: str, github: _LazyGitHub) -> str:
    """Upsert the issue; `deleted` and `transferred` mark it gone (kept, never shown open)."""
    issue = _object(payload, "issue")
    number = _integer(issue, "number", "issue")
    if action in GONE_FOR_GOOD:
        if issue_mark_gone(repository, number, action):
            return f"applied: issue #{number} marked {action}"
        return f"applied: issue #{number} {action}; it was not in the mirror or already gone"
    if _gone_for_good(repository, number):
        return f"ignored: issue #{number} was deleted or transferred on GitHub"
    result = issues_upsert(repository, [issue])
    return f"applied: issue #{number} {action or 'changed'}: {_changes(result)}"


def _issue_comment(repository: Repository, payload: dict, action: str, github: _LazyGitHub) -> str:
    """Upsert the comment (or delete it) and its issue, which carries the comment count."""
    issue = _object(payload, "issue")
    number = _integer(issue, "number", "issue")
    comment = _object(payload, "comment")
    comment_id = _integer(comment, "id", "comment")
    if _gone_for_good(repository, number):
        return f"ignored: issue #{number} was deleted or transferred on GitHub"
    issues_upsert(repository, [issue])
    if action == "deleted":
        comment_delete(repository, comment_id)
        return f"applied: comment {comment_id} on #{number} deleted"
    stored = (
        IssueComment.objects.filter(github_id=comment_id)
        .values_list("updated_at", flat=True)
        .first()
    )
    updated_at = parse_time(comment.get("updated_at"), "comment.updated_at")
    if stored is not None and updated_at is not None and stored > updated_at:
        return f"applied: comment {comment_id} on #{number}: the mirror has a newer copy"
    comments_upsert(repository, [comment])
    return f"applied: comment {comment_id} on #{number} {action or 'changed'}"


def _pull_request(repository: Repository, payload: dict, action: str, github: _LazyGitHub) -> str:
    """Upsert the PR onto its issue-endpoint row; one not yet mirrored is read as an issue."""
    pull = _object(payload, "pull_request")
    number = _integer(pull, "number", "pull_request")
    result = pull_request_upsert(repository, pull)
    if result is not None:
        return f"applied: pull request #{number} {action or 'changed'}: {_changes(result)}"
    try:
        issue = github.client.issue(repository.full_name, number)
    except GitHubNotFound:
        return f"ignored: GitHub has no pull request #{number} in {repository.full_name}"
    result = issues_upsert(repository, [issue])
    return f"applied: pull request #{number} {action or 'changed'}: read from GitHub, " + (
        _changes(result)
    )


def _label(repository: Repository, payload: dict, action: str, github: _LazyGitHub) -> str:
    label = _object(payload, "label")
    label_id = _integer(label, "id", "label")
    name = str(label.get("name", label_id))[:100]
    if action == "deleted":
        label_delete(repository, label_id)
        return f"applied: label {name!r} deleted"
    labels_upsert(repository, [label])
    return f"applied: label {name!r} {action or 'changed'}"


def _milestone(repository: Repository, payload: dict, action: str, github: _LazyGitHub) -> str:
    milestone = _object(payload, "milestone")
    number = _integer(milestone, "number", "milestone")
    if action == "deleted":
        milestone_delete(repository, number)
        return f"applied: milestone {number} deleted"
    updated_at = parse_time(milestone.get("updated_at"), "milestone.updated_at")
    stored = (
        Milestone.objects.filter(repository=repository, number=number)
        .values_list("updated_at", flat=True)
        .first()
    )
    if stored is not None and updated_at is not None and stored > updated_at:
        return f"applied: milestone {number}: the mirror has a newer copy"
    milestones_upsert(repository, [milestone])
    return f"applied: milestone {number} {action or 'changed'}"


def _create(repository: Repository, payload: dict, action: str, github: _LazyGitHub) -> str:
    """A new tag: the payload has no sha, so read the tag's commit (sha and date)."""
    ref = payload.get("ref")
    if not isinstance(ref, str) or not ref:
        raise MalformedPayload("create: 'ref' is not a tag name")
    try:
        commit = github.client.commit(repository.full_name, "tags/" + quote(ref, safe="/"))
    except GitHubPermanentError as exc:
        if exc.status not in (404, 410, 422):  # 422: "No commit found for SHA"
            raise
        return f"ignored: tag {ref} is no longer on GitHub"[:OUTCOME_MAX]
    if not isinstance(commit, dict):
        raise MalformedPayload(f"commit of tag {ref}: expected an object")
    tags_upsert(repository, [{"name": ref, "commit": {"sha": commit.get("sha")}}])
    tag_date_set(repository, ref, commit)
    return f"applied: tag {ref} created at {str(commit['sha'])[:12]}"


def _release(repository: Repository, payload: dict, action: str, github: _LazyGitHub) -> str:
    release = _object(payload, "release")
    release_id = _integer(release, "id", "release")
    tag = str(release.get("tag_name", release_id))[:100]
    if action == "deleted":
        release_delete(repository, release_id)
        return f"applied: release {tag} of {repository.full_name} deleted"
    releases_upsert(repository, [release])
    return f"applied: release {tag} of {repository.full_name} {action or 'changed'}"


Handler = Callable[[Repository, dict, str, _LazyGitHub], str]
HANDLERS: dict[str, Handler] = {
    "issues": _issues,
    "issue_comment": _issue_comment,
    "pull_request": _pull_request,
    "label": _label,
    "milestone": _milestone,
    "create": _create,
    "release": _release,
}
