"""Projects (v2) boards of the organisation: the board, its Status columns, its items.

An item's content is an issue or a pull request of some repository, or a draft. Items of
the product repository (`GITHUB_REPOSITORY`) link to the mirrored `Issue` row; items of
any other repository (the confidential one, say) keep their repository, number and title
and are never mixed up with the product repository's issues.

These models belong to the mirror app (`mirror` label); `fleetops/github/models.py`
imports them so Django registers them.
"""

from __future__ import annotations

from django.db import models
from django.db.models.functions import Lower


class Board(models.Model):
    """An organisation's ProjectV2 board, found by (organisation login, project number)."""

    organization = models.CharField(max_length=39)
    number = models.PositiveIntegerField()
    node_id = models.CharField(max_length=100, unique=True)
    title = models.CharField(max_length=300)
    closed = models.BooleanField(default=False)
    # The node id of the board's single-select "Status" field ("" if it has none).
    status_field_id = models.CharField(max_length=100, blank=True)
    synced_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["organization", "number"]
        constraints = [
            models.UniqueConstraint(
                Lower("organization"), "number", name="board_unique_org_number"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.organization} #{self.number})"

    @property
    def html_url(self) -> str:
        return f"https://github.com/orgs/{self.organization}/projects/{self.number}"


class BoardColumn(models.Model):
    """One option of a board's Status field: GitHub's name, and the column it means."""

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="columns")
    option_id = models.CharField(max_length=100)
    name = models.CharField(max_length=200)  # as GitHub shows it: "✅ Ready for release"
    column = models.CharField(max_length=200)  # normalized: "Ready for release"
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["board", "position"]
        constraints = [
            models.UniqueConstraint(fields=["board", "option_id"], name="board_column_unique"),
        ]

    def __str__(self) -> str:
        return self.column


class BoardItemQuerySet(models.QuerySet["BoardItem"]):
    def active(self) -> BoardItemQuerySet:
        """Not archived: what the board shows."""
        return self.filter(archived=False)

    def in_column(self, column: str) -> BoardItemQuerySet:
        """Items whose Status is `column` (normalized name, case-insensitive)."""
        return self.filter(status__column__iexact=column)

    def of_repository(self, repository: str) -> BoardItemQuerySet:
        return self.filter(repository__iexact=repository)

    def in_milestone(self, title: str) -> BoardItemQuerySet:
        """Items whose mirrored issue or PR (product repository only) is in milestone `title`."""
        return self.filter(issue__milestone__title=title)


class BoardItem(models.Model):
    """A card on a board: an issue, a pull request or a draft, and its Status column."""

    class ContentType(models.TextChoices):
        ISSUE = "issue"
        PULL_REQUEST = "pull_request"
        DRAFT = "draft"

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="items")
    node_id = models.CharField(max_length=100, unique=True)
    content_type = models.CharField(max_length=12, choices=ContentType.choices)
    content_node_id = models.CharField(max_length=100, blank=True)
    repository = models.CharField(max_length=200, blank=True)  # "owner/name"; "" for a draft
    number = models.PositiveIntegerField(null=True, blank=True)
    title = models.CharField(max_length=500, blank=True)
    archived = models.BooleanField(default=False)
    status = models.ForeignKey(
        BoardColumn, on_delete=models.SET_NULL, null=True, blank=True, related_name="items"
    )
    # The mirrored issue or PR, only when `repository` is the product repository.
    issue = models.ForeignKey(
        "mirror.Issue",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="board_items",
    )
    updated_at = models.DateTimeField(null=True, blank=True)

    objects = BoardItemQuerySet.as_manager()

    class Meta:
        ordering = ["board", "pk"]
        indexes = [
            models.Index(fields=["board", "status"]),
            models.Index(fields=["repository", "number"]),
        ]

    def __str__(self) -> str:
        if self.number is None:
            return f"draft: {self.title}"
        return f"{self.repository}#{self.number} {self.title}"

    @property
    def html_url(self) -> str:
        if self.number is None:
            return ""
        kind = "pull" if self.content_type == self.ContentType.PULL_REQUEST else "issues"
        return f"https://github.com/{self.repository}/{kind}/{self.number}"
