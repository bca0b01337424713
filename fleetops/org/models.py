"""The organisation: people, product groups, and the calendar (sprints, holidays).

Releases and on-call both read this calendar; neither owns it.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from functools import cache

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from fleetops.org.rules import rc_cut_at

SPRINT_LENGTH = dt.timedelta(weeks=3)
GITHUB_LOGIN_RE = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$")


@cache
def _time_zone_names() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def validate_time_zone(value: str) -> None:
    if value not in _time_zone_names():
        raise ValidationError(
            "%(value)s is not an IANA time zone name (such as America/Los_Angeles).",
            params={"value": value},
        )


def validate_github_login(value: str) -> None:
    if not GITHUB_LOGIN_RE.match(value):
        raise ValidationError(
            "%(value)s is not a GitHub login: letters, digits and single hyphens, "
            "at most 39 characters, not starting or ending with a hyphen.",
            params={"value": value},
        )


def process_time_zone() -> zoneinfo.ZoneInfo:
    """The organisation's calendar zone (FLEETOPS_TIME_ZONE): sprint and holiday dates, KPI
    weeks. Not for rules the handbook states in Pacific (`fleetops.org.rules.PACIFIC`), nor
    for showing times (the viewer's zone)."""
    return zoneinfo.ZoneInfo(settings.FLEETOPS_TIME_ZONE)


def default_time_zone() -> str:
    """A new person sees times in FLEETOPS_TIME_ZONE until they choose their own zone."""
    return settings.FLEETOPS_TIME_ZONE


class PersonQuerySet(models.QuerySet["Person"]):
    def active(self) -> PersonQuerySet:
        return self.filter(active=True)


class Person(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="person",
        help_text="The account this person signs in with (set on their first GitHub sign-in).",
    )
    name = models.CharField(max_length=150)
    github_login = models.CharField(
        max_length=39, validators=[validate_github_login], help_text="Without the @."
    )
    github_id = models.BigIntegerField(
        null=True,
        blank=True,
        unique=True,
        help_text="GitHub's numeric account id: GitHub sign-in is bound to it (logins change "
        "hands). Stored at the first sign-in whose login matches exactly.",
    )
    time_zone = models.CharField(
        max_length=64,
        default=default_time_zone,
        validators=[validate_time_zone],
        help_text="IANA name; every moment on every page is shown in it.",
    )
    active = models.BooleanField(default=True, help_text="Inactive people leave rotations.")
    email = models.EmailField(blank=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "people"
        constraints = [
            models.UniqueConstraint(Lower("github_login"), name="person_github_login_ci_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.name} (@{self.github_login})"

    @property
    def github_url(self) -> str:
        return f"https://github.com/{self.github_login}"


class ProductGroupQuerySet(models.QuerySet["ProductGroup"]):
    def active(self) -> ProductGroupQuerySet:
        return self.filter(active=True)


class ProductGroup(models.Model):
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=50, unique=True)
    github_label = models.CharField(
        max_length=50,
        unique=True,
        help_text="The label that puts an issue in this group, e.g. #g-mdm.",
    )
    engineering_manager = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="managed_groups"
    )
    qa_lead = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="qa_groups"
    )
    members = models.ManyToManyField(Person, blank=True, related_name="product_groups")
    sprint_capacity = models.PositiveIntegerField(
        default=0, help_text="Nominal story points per sprint, before on-call and time off."
    )
    board_number = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="Number of the group's GitHub Projects board in the organisation.",
    )
    active = models.BooleanField(default=True, help_text="Groups left out of the org file.")

    objects = ProductGroupQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Organization(models.Model):
    """The one organisation fleetops serves: its GitHub login, drafting board, release DRI."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    github_login = models.CharField(
        max_length=39,
        validators=[validate_github_login],
        help_text="The GitHub organisation that owns the boards, e.g. fleetdm.",
    )
    drafting_board = models.PositiveIntegerField(
        null=True, blank=True, help_text="Project number of Product's drafting board."
    )
    release_dri = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(pk=1), name="organization_one")]

    def __str__(self) -> str:
        return self.github_login

    @classmethod
    def current(cls) -> Organization | None:
        return cls.objects.select_related("release_dri").filter(pk=1).first()


class SprintQuerySet(models.QuerySet["Sprint"]):
    def containing(self, day: dt.date) -> SprintQuerySet:
        return self.filter(starts_on__lte=day, ends_on__gte=day)

    def upcoming(self, day: dt.date) -> SprintQuerySet:
        return self.filter(starts_on__gt=day).order_by("starts_on")


class Sprint(models.Model):
    """A three-week sprint; `ends_on` is its last day, inclusive."""

    number = models.PositiveIntegerField(unique=True)
    starts_on = models.DateField(unique=True)
    ends_on = models.DateField()

    objects = SprintQuerySet.as_manager()

    class Meta:
        ordering = ["starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gt=models.F("starts_on")),
                name="sprint_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return f"Sprint {self.number} ({self.starts_on:%b %-d} – {self.ends_on:%b %-d, %Y})"  # noqa: RUF001

    def clean(self) -> None:
        if self.starts_on and self.ends_on:
            if self.ends_on <= self.starts_on:
                raise ValidationError({"ends_on": "A sprint ends after it starts."})
            overlapping = Sprint.objects.filter(
                starts_on__lte=self.ends_on, ends_on__gte=self.starts_on
            ).exclude(pk=self.pk)
            if overlapping.exists():
                raise ValidationError(f"Overlaps {overlapping.first()}.")

    @property
    def last_friday(self) -> dt.date:
        """The sprint's last Friday (on or before its last day)."""
        return self.ends_on - dt.timedelta(days=(self.ends_on.weekday() - 4) % 7)

    @property
    def rc_cut_at(self) -> dt.datetime:
        """When the release candidate is cut: the sprint's last Friday at 8:00 AM Pacific
        (America/Los_Angeles, not FLEETOPS_TIME_ZONE: `fleetops.org.rules`)."""
        return rc_cut_at(self.last_friday)

    def days_left(self, today: dt.date) -> int:
        return max((self.ends_on - today).days + 1, 0)

    def progress_percent(self, today: dt.date) -> int:
        length = (self.ends_on - self.starts_on).days + 1
        done = min(max((today - self.starts_on).days, 0), length)
        return round(100 * done / length)


class HolidayQuerySet(models.QuerySet["Holiday"]):
    def between(self, start: dt.date, end: dt.date) -> HolidayQuerySet:
        return self.filter(date__gte=start, date__lte=end)


class Holiday(models.Model):
    """A company holiday: no business hours (SLA clocks stop) and no sprint capacity."""

    date = models.DateField(unique=True)
    name = models.CharField(max_length=100)

    objects = HolidayQuerySet.as_manager()

    class Meta:
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.name} ({self.date:%Y-%m-%d})"


def process_today() -> dt.date:
    """Today's date in the process time zone: the calendar's sprints are dated in it."""
    return timezone.localtime(timezone.now(), process_time_zone()).date()
