"""On-call: rotations, overrides and swaps, time off, calendar feeds and handoffs.

A rotation's shifts are not stored: they are computed from its members' order, its first
handoff and its shift length (`oncall/schedule/rules.py`). What people decide on top of that is
stored: overrides (someone covers a range), swaps (two people trade shifts, kept as a pair
of overrides), time off, and the handoffs that happened.
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from fleetops.core.bounds import EARLIEST, EARLIEST_MOMENT, LATEST, LATEST_MOMENT
from fleetops.org.models import Person, validate_time_zone

WEEKDAYS = [
    (0, "Monday"),
    (1, "Tuesday"),
    (2, "Wednesday"),
    (3, "Thursday"),
    (4, "Friday"),
    (5, "Saturday"),
    (6, "Sunday"),
]


def default_time_zone() -> str:
    """A new rotation hands off in the process time zone (FLEETOPS_TIME_ZONE)."""
    return settings.FLEETOPS_TIME_ZONE


def feed_secret_new() -> str:
    return secrets.token_urlsafe(24)


class Rotation(models.Model):
    """Members take shifts in order; a shift starts at the handoff weekday and time."""

    name = models.CharField(max_length=100, unique=True)
    active = models.BooleanField(default=True)
    time_zone = models.CharField(
        max_length=64, default=default_time_zone, validators=[validate_time_zone]
    )
    shift_weeks = models.PositiveSmallIntegerField(
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(8)],
        help_text="Length of one shift in weeks.",
    )
    handoff_weekday = models.PositiveSmallIntegerField(choices=WEEKDAYS, default=0)
    handoff_time = models.TimeField(default=dt.time(9, 0))
    starts_on = models.DateField(
        help_text="The date of the first handoff (on the handoff weekday): the first shift."
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(handoff_weekday__lte=6), name="rotation_weekday_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(shift_weeks__gte=1), name="rotation_shift_at_least_a_week"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.starts_on and self.starts_on.weekday() != self.handoff_weekday:
            raise ValidationError(
                {
                    "starts_on": f"{self.starts_on:%A %b %-d, %Y} is not a "
                    f"{WEEKDAYS[self.handoff_weekday][1]}, the handoff weekday."
                }
            )


class RotationMember(models.Model):
    """A person's place in a rotation's order (inactive people are skipped)."""

    rotation = models.ForeignKey(Rotation, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="rotation_places")
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["rotation", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["rotation", "person"], name="rotation_member_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.person.name} in {self.rotation.name}"


class Swap(models.Model):
    """Two people trade whole shifts; stored as two overrides that point back here."""

    rotation = models.ForeignKey(Rotation, on_delete=models.CASCADE, related_name="swaps")
    first_person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    first_shift_starts_at = models.DateTimeField(help_text="The shift first_person gives away.")
    second_person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    second_shift_starts_at = models.DateTimeField(help_text="The shift second_person gives away.")
    note = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return (
            f"{self.first_person.name} ({self.first_shift_starts_at:%Y-%m-%d}) ⇄ "
            f"{self.second_person.name} ({self.second_shift_starts_at:%Y-%m-%d})"
        )


class OverrideQuerySet(models.QuerySet["Override"]):
    def live(self) -> OverrideQuerySet:
        return self.filter(cancelled_at__isnull=True)

    def overlapping(self, start: dt.datetime, end: dt.datetime) -> OverrideQuerySet:
        return self.filter(starts_at__lt=end, ends_at__gt=start)

    def in_bounds(self) -> OverrideQuerySet:
        """Rows inside the supported years; others are skipped by every page (see bounds)."""
        return self.filter(starts_at__gte=EARLIEST_MOMENT, ends_at__lte=LATEST_MOMENT)

    def out_of_bounds(self) -> OverrideQuerySet:
        return self.exclude(starts_at__gte=EARLIEST_MOMENT, ends_at__lte=LATEST_MOMENT)


class Override(models.Model):
    """Someone is on call for a range instead of whom the rotation names."""

    rotation = models.ForeignKey(Rotation, on_delete=models.CASCADE, related_name="overrides")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="oncall_overrides")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    note = models.CharField(max_length=200, blank=True)
    swap = models.ForeignKey(
        Swap, on_delete=models.CASCADE, null=True, blank=True, related_name="overrides"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = OverrideQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="override_ends_after_it_starts",
            ),
        ]
        indexes = [models.Index(fields=["rotation", "starts_at", "ends_at"])]

    def __str__(self) -> str:
        length = self.ends_at - self.starts_at
        return f"{self.person.name} covers {self.starts_at:%Y-%m-%d %H:%M} for {length}"


class TimeOffQuerySet(models.QuerySet["TimeOff"]):
    def overlapping(self, first: dt.date, last: dt.date) -> TimeOffQuerySet:
        return self.filter(starts_on__lte=last, ends_on__gte=first)

    def in_bounds(self) -> TimeOffQuerySet:
        """Rows inside the supported years; others are skipped by every page (see bounds)."""
        return self.filter(starts_on__gte=EARLIEST, ends_on__lte=LATEST)

    def out_of_bounds(self) -> TimeOffQuerySet:
        return self.exclude(starts_on__gte=EARLIEST, ends_on__lte=LATEST)


class TimeOff(models.Model):
    """Days a person is away (dates in the process time zone, `ends_on` inclusive)."""

    class Source(models.TextChoices):
        MANUAL = "manual"
        ICS = "ics"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="time_off")
    starts_on = models.DateField()
    ends_on = models.DateField()
    note = models.CharField(max_length=200, blank=True)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.MANUAL)
    ics_uid = models.CharField(max_length=300, blank=True)  # the event it was imported from
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = TimeOffQuerySet.as_manager()

    class Meta:
        ordering = ["starts_on", "id"]
        verbose_name_plural = "time off"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="time_off_ends_on_or_after_start",
            ),
        ]
        indexes = [models.Index(fields=["person", "starts_on", "ends_on"])]

    def __str__(self) -> str:
        return f"{self.person.name} off {self.starts_on:%Y-%m-%d} to {self.ends_on:%Y-%m-%d}"

    @property
    def days(self) -> int:
        return (self.ends_on - self.starts_on).days + 1


class OncallProfile(models.Model):
    """A person's on-call settings: their calendar-feed secret and time-off calendar URL."""

    class ImportStatus(models.TextChoices):
        NEVER = ""
        OK = "ok"
        ERROR = "error"

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="oncall_profile")
    feed_secret = models.CharField(max_length=64, default=feed_secret_new)
    feed_rotated_at = models.DateTimeField(null=True, blank=True)
    ics_url = models.URLField(
        max_length=500,
        blank=True,
        help_text="An .ics calendar of your time off (every event in it counts as away).",
    )
    ics_imported_at = models.DateTimeField(null=True, blank=True)
    ics_status = models.CharField(max_length=10, choices=ImportStatus.choices, blank=True)
    ics_message = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"on-call profile of {self.person.name}"

    @property
    def feed_token(self) -> str:
        """The secret part of the feed URLs: `<profile id>.<secret>` (the id finds the row)."""
        return f"{self.pk}.{self.feed_secret}"


class OncallHandoff(models.Model):
    """Changing of the guard: who handed over to whom, with the summary they were sent."""

    class Slack(models.TextChoices):
        OFF = "off"  # SLACK_WEBHOOK_URL is not set: recorded only
        PENDING = "pending"
        SENT = "sent"
        FAILED = "failed"

    rotation = models.ForeignKey(Rotation, on_delete=models.CASCADE, related_name="handoffs")
    handoff_at = models.DateTimeField()
    outgoing = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    incoming = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    until = models.DateTimeField(null=True, blank=True)
    summary = models.JSONField(default=dict, blank=True)
    text = models.TextField()
    slack_status = models.CharField(max_length=10, choices=Slack.choices, default=Slack.OFF)
    slack_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-handoff_at"]
        constraints = [
            models.UniqueConstraint(fields=["rotation", "handoff_at"], name="handoff_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.rotation.name} handoff at {self.handoff_at:%Y-%m-%d %H:%M}"


class ScheduleVersion(models.Model):
    """One row whose value changes with every write to what "who is on call" reads.

    Database triggers (migration 0002) set a new random value after each statement that
    writes rotations, their members, overrides, time off or people, whoever writes them
    (services, `update()`, bulk imports, the admin, another process). Random, not a
    counter: a rolled-back write's value is never handed out again.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    value = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"schedule version {self.value}"
