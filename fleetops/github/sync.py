"""Incremental sync of the mirror from GitHub's REST API.

How it stays complete and never wrong:

- Issues (and PRs) and comments are listed `sort=updated&direction=asc&since=<cursor>`,
  page by page. Each page is written and the cursor advanced in one transaction, so a sync
  killed at any moment resumes from the last committed page: nothing lost, nothing twice.
- Never `page=N` through a listing that can change: an item updated while we page moves to
  the end, and the item behind it would slide onto a page already read and be skipped.
  A large listing's Link header carries GitHub's keyset cursor (`after=`), which continues
  right behind the last item read, whatever moved: followed as it is, no item is skipped or
  repeated (ADR 0023). Where the Link has only a page number (small listings, older
  servers), each request after the first asks `since=<newest updated_at so far>` from page
  1; `since` is inclusive, so such a page repeats the item(s) with the newest time of the
  previous one (upserts are idempotent). A page of one timestamp is stepped by page number.
- Labels, milestones, tags and the watched repositories' releases are listed with
  If-None-Match per page (a 304 costs no rate limit) in a full sync and when their last
  refresh is older than `REFERENCE_TTL`; issues carry their labels and milestone anyway.
- Tags get the date of their commit (one request each) from a separate periodic task,
  20 at a time, the newest tag of each family (`fleet-v`, `orbit-v`, ...) first: a sync
  costs only its listings, and every tag is dated within hours.
- A full sync also finds issues GitHub no longer lists and asks for each: 404/410 marks it
  deleted, an answer from another repository marks it transferred.
- One sync per repository at a time, across machines: a lock row with an expiry that each
  page renews. A worker killed while holding it blocks the next run only until it expires;
  its SyncRun is then marked abandoned.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import re
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from fleetops.core.errors import error_sentence
from fleetops.github.client import (
    GitHubClient,
    GitHubNotFound,
    Page,
)
from fleetops.github.locks import (
    LockHeartbeat,
    SyncLocked,
    lock_acquire,
    lock_release,
    lock_ttl,
)
from fleetops.github.models import ConditionalRequest, Issue, Repository, SyncRun, Tag
from fleetops.github.selectors import mirror_counts
from fleetops.github.upsert import (
    UpsertResult,
    comments_upsert,
    issue_mark_gone,
    issues_upsert,
    labels_upsert,
    milestones_upsert,
    parse_time,
    releases_upsert,
    repository_get,
    tag_date_set,
    tags_upsert,
)

logger = logging.getLogger(__name__)

WATCHED_REPOSITORIES = ("osquery/osquery", "macadmins/osquery-extension")
REFERENCE_TTL = dt.timedelta(hours=1)
TAG_DATES_PER_RUN = 20
REFERENCE_STEP = "reference data"


@dataclass
class SyncContext:
    repository: Repository
    run: SyncRun
    client: GitHubClient
    full: bool
    lock_token: str
    result: UpsertResult = field(default_factory=UpsertResult)

    def checkpoint(self, step: str) -> None:
        """Record progress on the run and renew the lock (one UPDATE each)."""
        self.run.step = step
        self.run.requests = self.client.requests
        self.run.created, self.run.updated = self.result.created, self.result.updated
        self.run.rows = self.result.rows
        SyncRun.objects.filter(pk=self.run.pk).update(
            step=step,
            requests=self.run.requests,
            created=self.run.created,
            updated=self.run.updated,
            rows=self.run.rows,
        )
        renewed = Repository.objects.filter(
            pk=self.repository.pk, lock_owner=self.lock_token
        ).update(lock_expires_at=timezone.now() + lock_ttl())
        if not renewed:
            raise SyncLocked("the sync lock was taken over (this run was too slow); stopping")


def _github_time(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def repository_sync(
    *,
    full: bool = False,
    trigger: str = "schedule",
    client: GitHubClient | None = None,
    repository_name: str | None = None,
) -> SyncRun:
    """Sync the product repository's mirror from GitHub; every run is recorded as a SyncRun.

    GitHub errors are recorded on the run and re-raised, so a task can retry; the cursor
    keeps every page committed before the error.
    """
    repository = repository_get(repository_name or settings.GITHUB_REPOSITORY)
    now = timezone.now()
    kind = SyncRun.Kind.FULL if full else SyncRun.Kind.INCREMENTAL
    token = lock_acquire(repository)
    if token is None:
        return SyncRun.objects.create(
            repository=repository,
            kind=kind,
            trigger=trigger,
            started_at=now,
            finished_at=now,
            outcome=SyncRun.Outcome.SKIPPED,
            error="another sync of this repository is running",
        )
    # A run left "running" by a killed worker: the lock expired, so it is dead.
    SyncRun.objects.filter(repository=repository, outcome=SyncRun.Outcome.RUNNING).exclude(
        kind=SyncRun.Kind.BOARDS  # boards runs hold no repository lock: not this run's to end
    ).update(
        outcome=SyncRun.Outcome.ABANDONED,
        finished_at=now,
        error="its worker stopped before finishing; the next run resumed from the cursor",
    )
    run = SyncRun.objects.create(repository=repository, kind=kind, trigger=trigger, started_at=now)
    # The heartbeat renews the lock while the sync lives; a released lock is not renewed.
    with GitHubClient.borrowed_or_new(client) as github, LockHeartbeat(repository.pk, token):
        ctx = SyncContext(repository, run, github, full, token)
        try:
            _sync_issues(ctx)
            _sync_comments(ctx)
            if full or _reference_stale(repository):
                _sync_reference(ctx)
            if full:
                _sync_gone(ctx)
        except Exception as exc:  # recorded as one sentence; the task logs and retries it
            _finish(ctx, SyncRun.Outcome.ERROR, error_sentence(exc))
            raise
        else:
            _finish(ctx, SyncRun.Outcome.OK, "")
        finally:
            lock_release(repository, token)
    return run


def _finish(ctx: SyncContext, outcome: str, error: str) -> None:
    run = ctx.run
    run.outcome, run.error, run.finished_at = outcome, error[:2000], timezone.now()
    run.step = "" if outcome == SyncRun.Outcome.OK else run.step
    run.requests = ctx.client.requests
    run.created, run.updated, run.rows = ctx.result.created, ctx.result.updated, ctx.result.rows
    if outcome == SyncRun.Outcome.OK:
        run.counts = mirror_counts(run.repository.full_name)
    run.save()


def _relaxed_commit() -> None:
    """Let PostgreSQL acknowledge this page's commit before its WAL reaches the disk.

    Safe here: a page's rows and the cursor that covers them commit together, so a crash
    of the database server can only lose whole recent pages, cursor included, and the next
    sync fetches them again. It saves a disk flush per page.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit = off")


def _listing(
    ctx: SyncContext,
    *,
    step: str,
    fetch: Callable[..., Page],
    cursor_field: str,
    write: Callable[[list[dict]], UpsertResult],
) -> None:
    """Page through an updated-ascending listing from the cursor, committing page by page.

    The next page is requested while this one is written (one request in flight at a
    time, so still serial for GitHub): the request's latency hides the database's work.
    """
    repository = ctx.repository
    cursor: dt.datetime | None = getattr(repository, cursor_field)
    since = None if ctx.full or cursor is None else cursor

    def request(since: dt.datetime | None, number: int, after: str | None) -> Page:
        return fetch(
            repository.full_name,
            since=_github_time(since) if since else None,
            page=number,
            after=after,
        )

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="github-prefetch") as prefetch:
        pending: Future[Page] | None = None
        page_number = 1
        page = request(since, page_number, None)
        try:
            while True:
                items = page.items or []
                newest = max(
                    (
                        parse_time(item.get("updated_at"), f"{step} updated_at")
                        for item in items
                        if isinstance(item, dict) and item.get("updated_at")
                    ),
                    default=None,
                )
                if page.has_next and items:
                    after = page.next_cursor  # GitHub's cursor: right behind this page
                    if after is None:
                        if since is not None and newest is not None and newest <= since:
                            page_number += 1  # a whole page of one timestamp: step through it
                        else:
                            since, page_number = newest, 1
                    pending = prefetch.submit(request, since, page_number, after)
                with transaction.atomic():
                    _relaxed_commit()
                    ctx.result += write(items)
                    if newest and (cursor is None or newest > cursor):
                        cursor = newest
                        Repository.objects.filter(pk=repository.pk).update(**{cursor_field: cursor})
                        setattr(repository, cursor_field, cursor)
                ctx.checkpoint(step)
                if pending is None:
                    return
                page, pending = pending.result(), None
        finally:
            if pending is not None:
                pending.cancel()
                with contextlib.suppress(Exception):
                    pending.result()  # let an in-flight request finish before the client closes


def _sync_issues(ctx: SyncContext) -> None:
    seen = ctx.run.pk if ctx.full else None
    _listing(
        ctx,
        step="issues",
        fetch=ctx.client.issues_page,
        cursor_field="issues_cursor",
        write=lambda items: issues_upsert(ctx.repository, items, seen_in_run=seen),
    )


def _sync_comments(ctx: SyncContext) -> None:
    def write(items: list[dict]) -> UpsertResult:
        result = comments_upsert(ctx.repository, items)
        return UpsertResult(rows=result.rows)  # created/updated count issues and PRs only

    _listing(
        ctx,
        step="comments",
        fetch=ctx.client.comments_page,
        cursor_field="comments_cursor",
        write=write,
    )


def _reference_stale(repository: Repository) -> bool:
    newest = (
        ConditionalRequest.objects.filter(repository=repository, endpoint__startswith="labels")
        .order_by("-fetched_at")
        .values_list("fetched_at", flat=True)
        .first()
    )
    return newest is None or newest < timezone.now() - REFERENCE_TTL


def _conditional_listing(
    ctx: SyncContext, repository: Repository, name: str, path: str, params: dict | None = None
) -> list[dict] | None:
    """A whole listing fetched with If-None-Match per page; None when no page changed."""
    known = {
        c.endpoint: c
        for c in ConditionalRequest.objects.filter(
            repository=repository, endpoint__startswith=f"{name}?"
        )
    }
    pages: list[tuple[str, Page]] = []
    number: int | None = 1
    while number is not None:
        key = f"{name}?page={number}"
        page = ctx.client.page(
            path,
            params={**(params or {}), "page": number},
            etag=getattr(known.get(key), "etag", ""),
        )
        if page.not_modified:
            # Unchanged page: its successor is the one GitHub linked last time.
            pages.append((key, page))
            number = number + 1 if f"{name}?page={number + 1}" in known else None
        else:
            pages.append((key, page))
            number = page.next_page
    if all(page.not_modified for _, page in pages):
        _conditional_touch(repository, [key for key, _ in pages])
        return None
    items: list[dict] = []
    for key, page in pages:
        if page.not_modified:  # some page changed: the complete listing needs this one too
            page = ctx.client.page(
                path, params={**(params or {}), "page": int(key.rsplit("=", 1)[1])}
            )
        items.extend(page.items or [])
        _conditional_store(repository, key, page.etag)
    ConditionalRequest.objects.filter(
        repository=repository, endpoint__startswith=f"{name}?"
    ).exclude(endpoint__in=[key for key, _ in pages]).delete()
    return items


def _conditional_store(repository: Repository, key: str, etag: str) -> None:
    ConditionalRequest.objects.update_or_create(
        repository=repository, endpoint=key, defaults={"etag": etag, "fetched_at": timezone.now()}
    )


def _conditional_touch(repository: Repository, keys: list[str]) -> None:
    ConditionalRequest.objects.filter(repository=repository, endpoint__in=keys).update(
        fetched_at=timezone.now()
    )


def _sync_reference(ctx: SyncContext) -> None:
    repository, name = ctx.repository, ctx.repository.full_name
    labels = _conditional_listing(ctx, repository, "labels", f"/repos/{name}/labels")
    if labels is not None:
        ctx.result += labels_upsert(repository, labels, complete=True)
    milestones = _conditional_listing(
        ctx, repository, "milestones", f"/repos/{name}/milestones", {"state": "all"}
    )
    if milestones is not None:
        ctx.result += milestones_upsert(repository, milestones)
    tags = _conditional_listing(ctx, repository, "tags", f"/repos/{name}/tags")
    if tags is not None:
        ctx.result += tags_upsert(repository, tags, complete=True)
    ctx.checkpoint(REFERENCE_STEP)
    for watched_name in WATCHED_REPOSITORIES:
        watched = repository_get(watched_name)
        # The newest releases are on the first page; older ones never change what we check.
        known = ConditionalRequest.objects.filter(
            repository=watched, endpoint="releases?page=1"
        ).first()
        page = ctx.client.page(f"/repos/{watched_name}/releases", etag=known.etag if known else "")
        if not page.not_modified:
            ctx.result += releases_upsert(watched, page.items or [])
        _conditional_store(watched, "releases?page=1", page.etag)
    ctx.checkpoint(REFERENCE_STEP)


_DIGITS = re.compile(r"(\d+)")


def _version_key(name: str) -> tuple[int, ...]:
    return tuple(int(part) for part in _DIGITS.findall(name))


def _tag_family(name: str) -> str:
    """`orbit-v1.40.0` -> `orbit-v`: tags of one component share the part before the version."""
    return _DIGITS.split(name, maxsplit=1)[0]


def tag_dates_backfill(
    *,
    limit: int = TAG_DATES_PER_RUN,
    client: GitHubClient | None = None,
    repository_name: str | None = None,
) -> int:
    """Date up to `limit` undated tags (one request each); returns how many were dated.

    The newest tag of each family first (`fleet-v`, `orbit-v`, `fleetd-chrome-v`, ...: what
    the checks and pages ask about), then the rest from the newest version down. It runs as
    its own periodic task, outside the sync, so a sync costs only its listings and every
    tag still gets the date of its commit within hours.
    """
    repository = Repository.objects.filter(
        full_name=repository_name or settings.GITHUB_REPOSITORY
    ).first()
    if repository is None:
        return 0
    undated = list(
        Tag.objects.filter(repository=repository, committed_at__isnull=True).values_list(
            "name", "commit_sha"
        )
    )
    if not undated:
        return 0
    dated_families = {
        _tag_family(name)
        for name in Tag.objects.filter(repository=repository, committed_at__isnull=False)
        .values_list("name", flat=True)
        .iterator()
    }
    undated.sort(key=lambda tag: _version_key(tag[0]), reverse=True)
    newest_of_family: dict[str, tuple[str, str]] = {}
    for name, sha in undated:
        newest_of_family.setdefault(_tag_family(name), (name, sha))
    first = [tag for family, tag in newest_of_family.items() if family not in dated_families]
    order = first + [tag for tag in undated if tag not in first]
    dated = 0
    with GitHubClient.borrowed_or_new(client) as github:
        for name, sha in order[:limit]:
            try:
                commit = github.commit(repository.full_name, sha)
            except GitHubNotFound:
                continue  # a tag of a commit GitHub no longer has: leave it undated
            with transaction.atomic():
                tag_date_set(repository, name, commit)
            dated += 1
    return dated


def _sync_gone(ctx: SyncContext) -> None:
    """After a full listing: ask about each present issue GitHub no longer listed."""
    missing = (
        Issue.objects.present()
        .filter(repository=ctx.repository)
        .filter(Q(seen_in_run__isnull=True) | ~Q(seen_in_run=ctx.run.pk))
        .values_list("number", flat=True)
    )
    for number in list(missing):
        try:
            data = ctx.client.issue(ctx.repository.full_name, number)
        except GitHubNotFound as exc:
            issue_mark_gone(ctx.repository, number, "deleted" if exc.status == 410 else "not found")
            continue
        url = data.get("repository_url", "") if isinstance(data, dict) else ""
        if url and not url.endswith(f"/repos/{ctx.repository.full_name}"):
            issue_mark_gone(ctx.repository, number, "transferred")
        else:
            ctx.result += issues_upsert(ctx.repository, [data], seen_in_run=ctx.run.pk)
    ctx.checkpoint("deleted issues")
