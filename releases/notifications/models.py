"""Pushed-story notices: each story's stakeholders are told once (real writes only)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from fleetops.github.models import GitHubWrite
from releases.board.models import Release


class PushedStoryNotice(models.Model):
    """The comment (and Slack message) that told a pushed story's stakeholders."""

    release = models.ForeignKey(Release, on_delete=models.CASCADE, related_name="pushed_notices")
    story_number = models.PositiveIntegerField()
    comment = models.TextField()
    slack_text = models.TextField(blank=True)  # "" when the story has no customer- label
    write = models.ForeignKey(
        GitHubWrite, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    notified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    notified_at = models.DateTimeField()

    class Meta:
        ordering = ["-notified_at"]
        constraints = [
            models.UniqueConstraint(fields=["story_number"], name="pushed_notice_once_per_story"),
        ]

    def __str__(self) -> str:
        return f"pushed story #{self.story_number} notified"
