"""Releases, their release candidates, per-group QA sign-offs and feature-merge exceptions.

Handbook, "Create a release candidate" and "Indicate your product group is release-ready":
a release candidate for the next minor release is cut on the last Friday of each sprint at
8:00 AM Pacific; each product group's QA lead marks the group ready for release, and the
release ritual DRI starts the release once all QA leads have.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models

from fleetops.core.bounds import INT32_MAX
from fleetops.github.models import GitHubWrite, Milestone
from fleetops.org.models import Person, ProductGroup, Sprint
from releases.board import rules

VERSION_RE = re.compile(r"^\d+\.\d+\.\d+$")


def validate_version(value: str) -> None:
    if not VERSION_RE.match(value):
        raise ValidationError(
            "%(value)s is not a release version: three numbers such as 4.75.0.",
            params={"value": value},
        )


# The in-flight states, most urgent first: the release being tested is the one people act on.
URGENCY_ORDER = ("qa", "release_candidate", "ready", "planned")


class ReleaseQuerySet(models.QuerySet["Release"]):
    def in_flight(self) -> ReleaseQuerySet:
        return self.exclude(state__in=[Release.State.PUBLISHED, Release.State.CONCLUDED])

    def most_urgent_first(self) -> ReleaseQuerySet:
        """In QA first, then release candidate, then ready, then planned; soonest target
        first within a state (no target last), then the first recorded."""
        rank = models.Case(
            *(
                models.When(state=state, then=models.Value(position))
                for position, state in enumerate(URGENCY_ORDER)
            ),
            default=models.Value(len(URGENCY_ORDER)),
            output_field=models.IntegerField(),
        )
        return self.alias(state_rank=rank).order_by(
            "state_rank", models.F("target_date").asc(nulls_last=True), "pk"
        )


class Release(models.Model):
    class Kind(models.TextChoices):
        MINOR = "minor"
        PATCH = "patch"

    class State(models.TextChoices):
        PLANNED = "planned"
        RELEASE_CANDIDATE = "release_candidate", "release candidate"
        QA = "qa", "QA"
        READY = "ready"
        PUBLISHED = "published"
        CONCLUDED = "concluded"

    version = models.CharField(max_length=20, unique=True, validators=[validate_version])
    kind = models.CharField(max_length=5, choices=Kind.choices, default=Kind.MINOR)
    sprint = models.ForeignKey(
        Sprint, on_delete=models.SET_NULL, null=True, blank=True, related_name="releases"
    )
    milestone = models.ForeignKey(
        Milestone, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    target_date = models.DateField(null=True, blank=True)
    dri = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="releases_driven",
        verbose_name="release ritual DRI",
    )
    state = models.CharField(max_length=20, choices=State.choices, default=State.PLANNED)
    published_at = models.DateTimeField(null=True, blank=True)
    concluded_at = models.DateTimeField(null=True, blank=True)
    # Published by hand while the board said no-go: the DRI's reason, shown on the board.
    publish_override_reason = models.TextField(blank=True)
    publish_override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    publish_override_at = models.DateTimeField(null=True, blank=True)
    # Bumped on every change the board shows: viewers poll it (ETag) to skip unchanged boards.
    board_version = models.PositiveIntegerField(default=0)

    objects = ReleaseQuerySet.as_manager()

    class Meta:
        ordering = ["-target_date", "-version"]

    def __str__(self) -> str:
        return f"Fleet v{self.version}"

    @property
    def version_key(self) -> tuple[int, ...]:
        return tuple(int(part) for part in self.version.split("."))

    @property
    def rc_branch_name(self) -> str:
        """Handbook: `rc-minor-fleet-v4.x.x`; patch releases use `rc-patch-fleet-v4.x.y`."""
        return f"rc-{self.kind}-fleet-v{self.version}"


class ReleaseCandidate(models.Model):
    release = models.OneToOneField(Release, on_delete=models.CASCADE, related_name="candidate")
    branch = models.CharField(max_length=100)
    commit_sha = models.CharField(max_length=40, blank=True)  # main's head when cut
    head_sha = models.CharField(max_length=40, blank=True)  # the branch's newest commit seen
    cut_at = models.DateTimeField()
    trigger = models.CharField(max_length=20, default="button")  # button | schedule
    cut_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    dry_run = models.BooleanField(default=True)
    writes = models.ManyToManyField(GitHubWrite, blank=True, related_name="+")

    def __str__(self) -> str:
        return self.branch


class Signoff(models.Model):
    """A product group's QA sign-off for a release."""

    class State(models.TextChoices):
        NOT_STARTED = "not_started", "not started"
        TESTING = "testing"
        BLOCKED = rules.BLOCKED
        READY = rules.READY, "ready for release"

    release = models.ForeignKey(Release, on_delete=models.CASCADE, related_name="signoffs")
    group = models.ForeignKey(ProductGroup, on_delete=models.CASCADE, related_name="signoffs")
    state = models.CharField(max_length=12, choices=State.choices, default=State.NOT_STARTED)
    note = models.TextField(blank=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    set_at = models.DateTimeField(null=True, blank=True)
    # What "ready" was given against: the open blockers then and the RC branch's head.
    ready_blockers = models.JSONField(default=list, blank=True)
    ready_rc_sha = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["group__name"]
        constraints = [
            models.UniqueConstraint(fields=["release", "group"], name="signoff_unique_group"),
            models.CheckConstraint(
                condition=~models.Q(state="blocked") | ~models.Q(note=""),
                name="signoff_blocked_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.group} for {self.release}: {self.state}"


class SignoffEvent(models.Model):
    """Append-only history of a sign-off: its moves, notes and blocked-reason edits."""

    class Kind(models.TextChoices):
        MOVE = "move"  # the card changed column (or its state was re-confirmed)
        NOTE = "note"  # a note added without a state change
        REASON = "reason"  # the blocked reason edited while the card stays blocked

    signoff = models.ForeignKey(Signoff, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=6, choices=Kind.choices, default=Kind.MOVE)
    from_state = models.CharField(max_length=12)
    to_state = models.CharField(max_length=12)
    note = models.TextField(blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["signoff", "at"], name="signoffevent_signoff_at")]

    def __str__(self) -> str:
        return f"{self.signoff.group}: {self.from_state} -> {self.to_state}"

    @property
    def from_label(self) -> str:
        return _signoff_label(self.from_state)

    @property
    def to_label(self) -> str:
        return _signoff_label(self.to_state)


def _signoff_label(state: str) -> str:
    return Signoff.State(state).label if state in Signoff.State.values else state


class Activity(models.Model):
    """The release's activity feed: what happened, and whom it was announced to."""

    release = models.ForeignKey(Release, on_delete=models.CASCADE, related_name="activity")
    kind = models.CharField(max_length=40)
    message = models.TextField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField()
    slack_status = models.CharField(max_length=100, blank=True)  # "", "sent", "failed: ..."

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name_plural = "activity"

    def __str__(self) -> str:
        return f"{self.release}: {self.message[:60]}"


class MergeException(models.Model):
    """A feature-merge exception: EM, QA lead and release DRI must each approve.

    Handbook, "Request release candidate feature merge exception".
    """

    class State(models.TextChoices):
        PENDING = "pending"
        APPROVED = "approved"
        REJECTED = "rejected"

    release = models.ForeignKey(Release, on_delete=models.CASCADE, related_name="exceptions")
    group = models.ForeignKey(ProductGroup, on_delete=models.CASCADE, related_name="+")
    pr_number = models.PositiveIntegerField(validators=[MaxValueValidator(INT32_MAX)])
    reason = models.TextField()
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    requested_at = models.DateTimeField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    em_approved_by = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    qa_approved_by = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    dri_approved_by = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    rejected_by = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    rejection_reason = models.TextField(blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["release", "pr_number"], name="exception_unique_pr_per_release"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pr_number} into {self.release} ({self.state})"
