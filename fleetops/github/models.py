"""The GitHub mirror: what the processes need of GitHub, nothing more.

Rows are keyed by GitHub's own ids (unique constraints), so every upsert is idempotent:
the sync and the webhooks write through the same code in `fleetops/github/upsert.py`.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Repository(models.Model):
    """A repository we mirror (the product) or watch (releases of a dependency)."""

    full_name = models.CharField(max_length=200, unique=True)
    # Incremental sync cursors: the newest `updated_at` whose rows are all committed.
    issues_cursor = models.DateTimeField(null=True, blank=True)
    comments_cursor = models.DateTimeField(null=True, blank=True)
    # A lock shared by every worker machine: the sync that holds it until `lock_expires_at`.
    lock_owner = models.CharField(max_length=64, blank=True)
    lock_expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "repositories"
        ordering = ["full_name"]

    def __str__(self) -> str:
        return self.full_name

    @property
    def html_url(self) -> str:
        return f"https://github.com/{self.full_name}"


class ConditionalRequest(models.Model):
    """The validator of the last 200 answer of a listing we fetch with If-None-Match."""

    repository = models.ForeignKey(Repository, on_delete=models.CASCADE, related_name="+")
    endpoint = models.CharField(max_length=300)
    etag = models.CharField(max_length=200)
    fetched_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["repository", "endpoint"], name="conditional_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.repository} {self.endpoint}"


class Label(models.Model):
    repository = models.ForeignKey(Repository, on_delete=models.CASCADE, related_name="labels")
    github_id = models.BigIntegerField()
    name = models.CharField(max_length=100)
    color = models.CharField(max_length=6, blank=True)
    description = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["repository", "github_id"], name="label_unique_id"),
        ]
        indexes = [models.Index(fields=["repository", "name"])]

    def __str__(self) -> str:
        return self.name


class Milestone(models.Model):
    repository = models.ForeignKey(Repository, on_delete=models.CASCADE, related_name="milestones")
    github_id = models.BigIntegerField()
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    state = models.CharField(max_length=10)  # open | closed
    due_on = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    open_issues = models.PositiveIntegerField(default=0)
    closed_issues = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["repository", "number"], name="milestone_unique_number"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Tag(models.Model):
    repository = models.ForeignKey(Repository, on_delete=models.CASCADE, related_name="tags")
    name = models.CharField(max_length=250)
    commit_sha = models.CharField(max_length=40)
    # The date of the tag's commit; fetched a few tags per run (one request each).
    committed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-committed_at", "-name"]
        constraints = [
            models.UniqueConstraint(fields=["repository", "name"], name="tag_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class IssueQuerySet(models.QuerySet["Issue"]):
    def present(self) -> IssueQuerySet:
        """Not deleted or transferred away."""
        return self.filter(gone_at__isnull=True)

    def open(self) -> IssueQuerySet:
        return self.present().filter(state=Issue.State.OPEN)

    def issues(self) -> IssueQuerySet:
        return self.filter(is_pull_request=False)

    def pull_requests(self) -> IssueQuerySet:
        return self.filter(is_pull_request=True)

    def labelled(self, name: str) -> IssueQuerySet:
        return self.filter(labels__name=name)

    def community(self) -> IssueQuerySet:
        """Opened by someone who is not a member (handbook: community issues and PRs)."""
        return self.filter(author_association__in=COMMUNITY_ASSOCIATIONS, author_is_bot=False)


MEMBER_ASSOCIATIONS = ("OWNER", "MEMBER")
COMMUNITY_ASSOCIATIONS = ("NONE", "FIRST_TIMER", "FIRST_TIME_CONTRIBUTOR", "CONTRIBUTOR")


class Issue(models.Model):
    """An issue or a pull request (GitHub's issues endpoint lists both)."""

    class State(models.TextChoices):
        OPEN = "open"
        CLOSED = "closed"

    repository = models.ForeignKey(Repository, on_delete=models.CASCADE, related_name="issues")
    github_id = models.BigIntegerField()
    number = models.PositiveIntegerField()
    is_pull_request = models.BooleanField(default=False)
    title = models.CharField(max_length=500)
    # The description (markdown): hygiene reads closing keywords in PR bodies, notifications
    # the requesters a story names. GitHub caps it at 65,536 characters.
    body = models.TextField(blank=True, default="")
    state = models.CharField(max_length=10, choices=State.choices)
    state_reason = models.CharField(max_length=20, blank=True)
    draft = models.BooleanField(default=False)
    author_login = models.CharField(max_length=100)
    author_is_bot = models.BooleanField(default=False)
    author_association = models.CharField(max_length=30, blank=True)
    assignees = models.JSONField(default=list, blank=True)  # logins
    labels = models.ManyToManyField(Label, blank=True, related_name="issues")
    milestone = models.ForeignKey(
        Milestone, on_delete=models.SET_NULL, null=True, blank=True, related_name="issues"
    )
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)
    merged_at = models.DateTimeField(null=True, blank=True)
    # A PR's target branch: known from pull_request webhooks and the RC branches' PR listings.
    base_ref = models.CharField(max_length=250, blank=True)
    comments_count = models.PositiveIntegerField(default=0)
    first_member_response_at = models.DateTimeField(null=True, blank=True)
    first_member_response_by = models.CharField(max_length=100, blank=True)
    # Deleted (404/410) or transferred (301) on GitHub: kept, marked, never shown as open.
    gone_at = models.DateTimeField(null=True, blank=True)
    gone_reason = models.CharField(max_length=20, blank=True)
    # The full sync that last listed it (to find issues GitHub no longer lists).
    seen_in_run = models.BigIntegerField(null=True, blank=True)

    objects = IssueQuerySet.as_manager()

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["repository", "number"], name="issue_unique_number"),
            models.UniqueConstraint(fields=["github_id"], name="issue_unique_github_id"),
        ]
        indexes = [
            models.Index(fields=["repository", "is_pull_request", "state"]),
            models.Index(fields=["created_at"]),
            models.Index(fields=["closed_at"]),
            models.Index(fields=["updated_at"]),
            # Pages about now read open items, not history (ADR 0012): the open rows only,
            # with what the board lists, so its label counts start from a few thousand
            # index entries instead of a scan of every issue ever filed.
            models.Index(
                fields=["is_pull_request", "id"],
                include=["number", "title", "base_ref", "milestone"],
                condition=Q(state="open", gone_at__isnull=True),
                name="issue_open_idx",
            ),
            # The on-call community queue: open issues and PRs by people outside the company.
            models.Index(
                fields=["is_pull_request", "created_at"],
                condition=Q(
                    state="open",
                    gone_at__isnull=True,
                    author_is_bot=False,
                    author_association__in=COMMUNITY_ASSOCIATIONS,
                ),
                name="issue_community_open_idx",
            ),
            # Open PRs into one branch (the RC's: hygiene's RC-merge rule, the board's PR
            # counts): the PRs into that branch, not every open PR (ADR 0022).
            models.Index(
                fields=["repository", "base_ref"],
                condition=Q(state="open", gone_at__isnull=True, is_pull_request=True),
                name="issue_open_pr_base_idx",
            ),
            # The mirror page's totals: counted from this index alone (no table rows).
            models.Index(
                fields=["repository", "is_pull_request"],
                include=["id"],
                condition=Q(gone_at__isnull=True),
                name="issue_present_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.number} {self.title}"

    @property
    def html_url(self) -> str:
        kind = "pull" if self.is_pull_request else "issues"
        return f"https://github.com/{self.repository.full_name}/{kind}/{self.number}"


class IssueComment(models.Model):
    repository = models.ForeignKey(Repository, on_delete=models.CASCADE, related_name="+")
    github_id = models.BigIntegerField(unique=True)
    # The issue may reach the mirror after its comments: the number links them up then.
    issue_number = models.PositiveIntegerField()
    issue = models.ForeignKey(
        Issue, on_delete=models.CASCADE, null=True, blank=True, related_name="comments"
    )
    author_login = models.CharField(max_length=100)
    author_is_bot = models.BooleanField(default=False)
    author_association = models.CharField(max_length=30, blank=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at"]
        indexes = [
            models.Index(fields=["repository", "issue_number"]),
            # An issue's latest comments by whom (on-call: quiet PRs, stale issues), read
            # from the index alone.
            models.Index(
                fields=["issue", "created_at", "github_id"],
                include=["author_association", "author_is_bot", "author_login"],
                name="comment_issue_latest_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"comment {self.github_id} on #{self.issue_number} by {self.author_login}"

    @property
    def by_member(self) -> bool:
        return self.author_association in MEMBER_ASSOCIATIONS and not self.author_is_bot


class ExternalRelease(models.Model):
    """A release of a watched repository (osquery, macadmins-extension)."""

    repository = models.ForeignKey(Repository, on_delete=models.CASCADE, related_name="releases")
    github_id = models.BigIntegerField()
    tag_name = models.CharField(max_length=200)
    name = models.CharField(max_length=300, blank=True)
    draft = models.BooleanField(default=False)
    prerelease = models.BooleanField(default=False)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-published_at"]
        constraints = [
            models.UniqueConstraint(fields=["repository", "github_id"], name="release_unique_id"),
        ]

    def __str__(self) -> str:
        return f"{self.repository} {self.tag_name}"


class FileContent(models.Model):
    """A file read at a ref, cached by ref and blob sha (re-read with If-None-Match)."""

    repository = models.ForeignKey(Repository, on_delete=models.CASCADE, related_name="+")
    ref = models.CharField(max_length=250)
    path = models.CharField(max_length=500)
    blob_sha = models.CharField(max_length=40)
    etag = models.CharField(max_length=200, blank=True)
    text = models.TextField()
    fetched_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["repository", "ref", "path"], name="file_unique_ref_path"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.path}@{self.ref}"


class Comparison(models.Model):
    """The comparison of two refs: files and commits changed (GitHub's compare endpoint)."""

    repository = models.ForeignKey(Repository, on_delete=models.CASCADE, related_name="+")
    base = models.CharField(max_length=250)
    head = models.CharField(max_length=250)
    status = models.CharField(max_length=20)
    ahead_by = models.PositiveIntegerField(default=0)
    total_commits = models.PositiveIntegerField(default=0)
    files = models.JSONField(default=list)  # [{"filename", "status", "additions", "deletions"}]
    commits = models.JSONField(default=list)  # [{"sha", "message", "author", "date"}]
    etag = models.CharField(max_length=200, blank=True)
    fetched_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["repository", "base", "head"], name="comparison_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.base}...{self.head}"


class SyncRun(models.Model):
    """One sync of the mirror: when, how it ended, what it cost and changed."""

    class Kind(models.TextChoices):
        INCREMENTAL = "incremental"
        FULL = "full"
        BOARDS = "boards"  # the Projects (v2) boards, read with GraphQL

    class Outcome(models.TextChoices):
        RUNNING = "running"
        OK = "ok"
        ERROR = "error"
        SKIPPED = "skipped"  # another sync held the lock
        ABANDONED = "abandoned"  # its worker died; the next run took over

    repository = models.ForeignKey(Repository, on_delete=models.CASCADE, related_name="sync_runs")
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.INCREMENTAL)
    trigger = models.CharField(max_length=20, default="schedule")  # schedule | command | button
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.RUNNING)
    step = models.CharField(max_length=40, blank=True)  # progress, shown while running
    requests = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)  # issues and PRs created
    updated = models.PositiveIntegerField(default=0)  # issues and PRs changed
    rows = models.PositiveIntegerField(default=0)  # all mirror rows written
    error = models.TextField(blank=True)
    # What the mirror held when an OK repository sync finished ({"issues": n, ...}): the
    # mirror page shows these instead of counting the whole history on every view.
    counts = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["repository", "-started_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome="running") | Q(finished_at__isnull=False),
                name="syncrun_finished_unless_running",
            ),
        ]

    def __str__(self) -> str:
        when = f"{self.started_at:%Y-%m-%d %H:%M}"
        return f"{self.kind} sync of {self.repository} at {when} ({self.outcome})"

    @property
    def duration(self):
        return (self.finished_at - self.started_at) if self.finished_at else None


class WebhookDelivery(models.Model):
    """A verified webhook delivery; its id makes a replay a no-op."""

    delivery_id = models.CharField(max_length=100, unique=True)
    event = models.CharField(max_length=50)
    action = models.CharField(max_length=50, blank=True)
    payload = models.JSONField()
    received_at = models.DateTimeField()
    processed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-received_at"]
        verbose_name_plural = "webhook deliveries"

    def __str__(self) -> str:
        return f"{self.event}.{self.action} {self.delivery_id}"


class GitHubWrite(models.Model):
    """Every write to GitHub the gateway did, or would have done in dry-run mode."""

    class Status(models.TextChoices):
        DRY_RUN = "dry-run"  # a preview: FLEETOPS_GITHUB_WRITE is off; never counts as done
        PENDING = "pending"  # being sent now
        DONE = "done"
        FAILED = "failed"

    # Statuses that do not hold a dedupe key: previews and failures (tried again).
    NOT_HOLDING = (Status.DRY_RUN, Status.FAILED)
    # A pending write older than this was abandoned by a process that died mid-request.
    PENDING_STALE_AFTER = dt.timedelta(minutes=10)

    repository = models.ForeignKey(Repository, on_delete=models.CASCADE, related_name="writes")
    action = models.CharField(max_length=40)  # issue.create, issue.comment, milestone.close, ...
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=300)
    payload = models.JSONField(default=dict)
    reason = models.CharField(max_length=300, blank=True)  # why fleetops did it
    # Real writes with the same key happen once (a dependency check never files the same bug
    # twice); previews and failures keep the key but do not hold it (see Meta.constraints).
    dedupe_key = models.CharField(max_length=200, null=True, blank=True)  # noqa: DJ001
    status = models.CharField(max_length=10, choices=Status.choices)
    response = models.JSONField(default=dict, blank=True)  # number, html_url of what was made
    error = models.TextField(blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["dedupe_key"],
                condition=models.Q(status__in=["pending", "done"]),
                name="github_write_real_once",
            ),
        ]
        indexes = [models.Index(fields=["dedupe_key"], name="github_write_key")]

    def __str__(self) -> str:
        return f"{self.action} {self.path} ({self.status})"

    def is_stale(self) -> bool:
        return self.created_at < timezone.now() - self.PENDING_STALE_AFTER

    @property
    def html_url(self) -> str:
        return str(self.response.get("html_url", "")) if isinstance(self.response, dict) else ""


class BranchHead(models.Model):
    """The newest commit of a branch we watch (a release candidate's)."""

    repository = models.ForeignKey(Repository, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=250)
    sha = models.CharField(max_length=40)
    committed_at = models.DateTimeField(null=True, blank=True)
    fetched_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["repository", "name"], name="branch_head_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.name}@{self.sha[:7]}"


# The boards and the stamp live in their own modules; importing them here registers them.
from fleetops.github.boards.models import Board, BoardColumn, BoardItem  # noqa: E402, F401
from fleetops.github.stamps import MirrorStamp, MirrorSummary  # noqa: E402, F401
