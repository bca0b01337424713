"""The mirror in the admin: read-only (GitHub is the source of truth), searchable."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from fleetops.github.models import (
    Board,
    BoardColumn,
    BoardItem,
    Issue,
    Repository,
    SyncRun,
    WebhookDelivery,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Repository)
class RepositoryAdmin(ReadOnlyAdmin):
    list_display = ["full_name", "issues_cursor", "comments_cursor", "lock_expires_at"]
    search_fields = ["full_name"]


@admin.register(Issue)
class IssueAdmin(ReadOnlyAdmin):
    list_display = ["number", "title", "is_pull_request", "state", "author_login", "updated_at"]
    list_filter = ["is_pull_request", "state", "author_association", "repository"]
    search_fields = ["=number", "title", "author_login"]
    list_select_related = ["repository"]
    show_full_result_count = False  # counting 40,000 rows on every page view is wasted work


@admin.register(SyncRun)
class SyncRunAdmin(ReadOnlyAdmin):
    list_display = ["started_at", "kind", "trigger", "outcome", "requests", "created", "updated"]
    list_filter = ["outcome", "kind", "trigger"]
    search_fields = ["error"]
    date_hierarchy = "started_at"


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin):
    list_display = ["received_at", "event", "action", "delivery_id", "outcome"]
    list_filter = ["event", "outcome"]
    search_fields = ["delivery_id", "outcome"]
    date_hierarchy = "received_at"


class BoardColumnInline(admin.TabularInline):
    model = BoardColumn
    fields = ["position", "name", "column", "option_id"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Board)
class BoardAdmin(ReadOnlyAdmin):
    list_display = ["title", "organization", "number", "closed", "synced_at"]
    search_fields = ["title", "=number", "node_id"]
    inlines = [BoardColumnInline]


@admin.register(BoardItem)
class BoardItemAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "board", "content_type", "repository", "status", "archived"]
    list_filter = ["board", "content_type", "archived", "status__column"]
    search_fields = ["=number", "title", "node_id", "repository"]
    list_select_related = ["board", "status"]
    raw_id_fields = ["issue"]
