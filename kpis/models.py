"""Weekly engineering KPI snapshots, computed from the GitHub mirror.

Handbook, "Record engineering KPIs": "At the end of each week, the Engineering KPIs are
recorded." One row per ISO week; a recorded week keeps its values unless recomputed on
purpose, and a recompute keeps the values it replaces as a revision.
"""

from __future__ import annotations

from django.db import models

from fleetops.core.bounds import EARLIEST_MOMENT, LATEST_MOMENT


class KpiSnapshotQuerySet(models.QuerySet["KpiSnapshot"]):
    def chronological(self) -> KpiSnapshotQuerySet:
        return self.order_by("starts_at")

    def latest_first(self) -> KpiSnapshotQuerySet:
        return self.order_by("-starts_at")

    def in_bounds(self) -> KpiSnapshotQuerySet:
        """Weeks inside the supported years (a stray old row must not break the charts)."""
        return self.filter(starts_at__gte=EARLIEST_MOMENT, ends_at__lte=LATEST_MOMENT)


class KpiSnapshot(models.Model):
    """One ISO week's KPIs, as the mirror held them when computed."""

    week = models.CharField(max_length=8, unique=True, help_text="ISO week, e.g. 2026-W46.")
    # The week's edges in FLEETOPS_TIME_ZONE (Monday 00:00 to the next Monday 00:00), in UTC.
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    time_zone = models.CharField(max_length=64, help_text="The zone the week's edges are in.")
    # {key: value} for the definitions in kpis/rules.py (ADR 0003).
    metrics = models.JSONField(default=dict)
    # {"#g-mdm": {key: value}, ...}: every #g-* label of the mirror.
    groups = models.JSONField(default=dict)
    # {"all" | "#g-mdm" | ...: {":incoming": n, ":reproduce": n, ":product": n, ":release": n}}
    buildup = models.JSONField(default=dict)
    # Handbook capacity rule: the average open bug is older than 32 days.
    over_bug_goal = models.BooleanField(default=False)
    computed_at = models.DateTimeField()
    sync_run = models.ForeignKey(
        "mirror.SyncRun",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The latest successful sync when the week was computed.",
    )

    objects = KpiSnapshotQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at"]
        indexes = [models.Index(fields=["-starts_at"], name="kpisnapshot_recent")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="kpisnapshot_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.week


class KpiSnapshotRevision(models.Model):
    """Values a forced recompute replaced: recorded weeks never change silently."""

    snapshot = models.ForeignKey(KpiSnapshot, on_delete=models.CASCADE, related_name="revisions")
    time_zone = models.CharField(max_length=64)
    metrics = models.JSONField(default=dict)
    groups = models.JSONField(default=dict)
    buildup = models.JSONField(default=dict)
    over_bug_goal = models.BooleanField(default=False)
    computed_at = models.DateTimeField()
    sync_run = models.ForeignKey(
        "mirror.SyncRun", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    replaced_at = models.DateTimeField()

    class Meta:
        ordering = ["-replaced_at"]

    def __str__(self) -> str:
        return f"{self.snapshot.week} as computed {self.computed_at:%Y-%m-%d %H:%M}"
