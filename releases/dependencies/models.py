"""Models of the pre-release dependency checks (imported by releases/models.py for Django).

Handbook, "Confirm latest versions of dependencies": before kicking off release QA, confirm
that we use the latest Go minor release, macadmins-extension and osquery releases, that
the vulnerability feeds' announcements were checked, and whether fleetd components changed.

A run records one pass of every check against a ref; its results are kept as history. What
people do about them (an issue filed, a blocker acknowledged, the feeds confirmed) is kept
apart from the runs, keyed by what was found, so a later run (or one that fails) never
loses it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from fleetops.github.models import GitHubWrite
from fleetops.org.models import Person
from releases.dependencies import rules


class DependencyCheckRun(models.Model):
    """One pass of the dependency checks against a ref, for a release or ad hoc."""

    class Outcome(models.TextChoices):
        RUNNING = "running", "running"
        OK = "ok", "ok"  # every check ran (whatever it found)
        PARTIAL = "partial", "some checks failed"
        ERROR = "error", "error"  # the run itself failed
        SKIPPED = "skipped", "skipped"  # another run for the same release was in progress
        ABANDONED = "abandoned", "abandoned"  # its worker died; a later run took over

    release = models.ForeignKey(
        "releases.Release",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="dependency_runs",
    )
    ref = models.CharField(max_length=250, blank=True)
    ref_note = models.CharField(max_length=300, blank=True)  # why this ref was chosen
    trigger = models.CharField(max_length=20, default="schedule")  # schedule|rc-cut|button|command
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.RUNNING)
    step = models.CharField(max_length=120, blank=True)  # progress, shown while running
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        indexes = [models.Index(fields=["release", "-started_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome="running") | Q(finished_at__isnull=False),
                name="depcheckrun_finished_unless_running",
            ),
        ]

    def __str__(self) -> str:
        return f"dependency checks of {self.ref or '?'} at {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def duration(self):
        return (self.finished_at - self.started_at) if self.finished_at else None


class DependencyCheckResult(models.Model):
    """What one check found in one run (the rows of `check_dependencies --json`)."""

    # The vocabulary is the rules' (releases/dependencies/rules.py), stored as is.
    Check = rules.Check
    Status = rules.Status
    Action = rules.Action

    run = models.ForeignKey(DependencyCheckRun, on_delete=models.CASCADE, related_name="results")
    check_name = models.CharField(max_length=30, choices=Check.choices)
    current = models.CharField(max_length=100, blank=True)  # "" is null in --json
    latest = models.CharField(max_length=100, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices)
    release_blocker = models.BooleanField(default=False)
    action = models.CharField(max_length=20, choices=Action.choices, default=Action.NONE)
    detail = models.TextField(blank=True)
    # Whatever else the check found: line numbers, the ref, fleetd's files and commits.
    data = models.JSONField(default=dict, blank=True)
    checked_at = models.DateTimeField()

    class Meta:
        ordering = ["run", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["run", "check_name"], name="depcheckresult_unique_check"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.check_name}: {self.status}"


class DependencyIssue(models.Model):
    """The GitHub issue filed (or found already open) for a dependency at a version.

    Keyed by check and the version it asks for (Go 1.24.6, Go 1.25 for the story, osquery
    5.15.0, ...): the same issue is never filed twice, whichever run asks again.
    """

    check_name = models.CharField(max_length=30)
    version = models.CharField(max_length=200)
    title = models.CharField(max_length=300)
    write = models.ForeignKey(
        GitHubWrite, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    number = models.PositiveIntegerField(null=True, blank=True)
    html_url = models.URLField(max_length=500, blank=True)
    # Found open in the mirror with the same title (filed by hand, or before fleetops knew).
    linked_existing = models.BooleanField(default=False)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    filed_at = models.DateTimeField()

    class Meta:
        ordering = ["-filed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["check_name", "version"], name="depissue_unique_version"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def dry_run(self) -> bool:
        return self.write is not None and self.write.status == GitHubWrite.Status.DRY_RUN


class DependencyAcknowledgement(models.Model):
    """The release DRI's acknowledgement of a release-blocking check, with why."""

    release = models.ForeignKey(
        "releases.Release", on_delete=models.CASCADE, related_name="dependency_acknowledgements"
    )
    check_name = models.CharField(max_length=30)
    latest = models.CharField(max_length=100)  # what was acknowledged: a newer one is new
    note = models.TextField()
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField()

    class Meta:
        ordering = ["-at"]
        constraints = [
            models.UniqueConstraint(
                fields=["release", "check_name", "latest"], name="depack_unique_version"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.check_name} {self.latest} acknowledged for {self.release}"


class FeedConfirmation(models.Model):
    """The DRI checked NVD and CISA for announcements that might impact our data feeds."""

    release = models.ForeignKey(
        "releases.Release", on_delete=models.CASCADE, related_name="feed_confirmations"
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField()
    note = models.TextField(blank=True)
    may_affect_feeds = models.BooleanField(default=False)
    # Who was told to investigate (handbook: notify the current on-call engineer).
    oncall_notified = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(may_affect_feeds=False) | ~Q(note=""),
                name="feedconfirmation_affecting_has_note",
            ),
        ]

    def __str__(self) -> str:
        return f"feeds confirmed for {self.release}"
