"""Deploys of a release to the dogfood instance: who, when, which version, why, real or not."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from fleetops.github.models import GitHubWrite
from releases.board.models import Release


class DogfoodDeploy(models.Model):
    """One request to deploy a release's image to dogfood (the workflow dispatch it made)."""

    release = models.ForeignKey(Release, on_delete=models.CASCADE, related_name="dogfood_deploys")
    version = models.CharField(max_length=20)
    image = models.CharField(max_length=100)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField()
    # Asked inside 7:00-17:00 Pacific on a weekday: then `reason` says how it was coordinated.
    in_sales_hours = models.BooleanField(default=False)
    reason = models.TextField(blank=True)
    dry_run = models.BooleanField(default=True)
    write = models.ForeignKey(
        GitHubWrite, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(in_sales_hours=True) | ~models.Q(reason=""),
                name="dogfood_deploy_in_hours_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.image} at {self.at:%Y-%m-%d %H:%M}{' (dry run)' if self.dry_run else ''}"

    @property
    def status(self) -> str:
        return self.write.status if self.write is not None else "not sent"
