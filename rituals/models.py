"""Rituals: the YAML files as last fetched, and the issues filed for due rituals.

The files' text lives in the mirror (`fleetops.github.models.FileContent`, with its blob sha
and ETag, revalidated with If-None-Match); a `RitualFile` is one configured path with the
copy it last read and the last error, so the page works while GitHub is down. The rituals
themselves are parsed from that text on read (`rituals.rules.rituals_parse`, cached by blob
sha): a file of a few dozen entries parses in a millisecond, and never goes stale.
"""

from __future__ import annotations

from django.db import models

from fleetops.github.models import FileContent, GitHubWrite


class RitualFile(models.Model):
    """A rituals YAML file of the product repository, as last fetched."""

    path = models.CharField(max_length=500, unique=True)
    content = models.ForeignKey(
        FileContent, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    attempted_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)  # the last fetch's failure; "" once one succeeds
    error_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["path"]

    def __str__(self) -> str:
        return self.path


class RitualIssue(models.Model):
    """The issue filed for a ritual's due date: only from a real, successful write."""

    file = models.CharField(max_length=500)
    task = models.CharField(max_length=300)
    due_on = models.DateField()
    repo = models.CharField(max_length=200)  # owner/name the issue was filed in
    number = models.PositiveIntegerField()
    html_url = models.URLField(max_length=500, blank=True)
    write = models.ForeignKey(
        GitHubWrite, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    filed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-due_on", "task"]
        constraints = [
            models.UniqueConstraint(
                fields=["file", "task", "due_on"], name="ritual_issue_once_per_due_date"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.task} due {self.due_on:%Y-%m-%d}: {self.repo}#{self.number}"
