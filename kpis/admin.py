"""Recorded KPI weeks in the admin: read-only (`record_kpis --force` recomputes a week)."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from kpis.models import KpiSnapshot, KpiSnapshotRevision


class KpiSnapshotRevisionInline(admin.TabularInline):
    model = KpiSnapshotRevision
    fields = ["computed_at", "replaced_at", "over_bug_goal", "sync_run", "metrics"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(KpiSnapshot)
class KpiSnapshotAdmin(admin.ModelAdmin):
    list_display = ["week", "starts_at", "over_bug_goal", "computed_at", "sync_run"]
    list_filter = ["over_bug_goal"]
    search_fields = ["week"]
    readonly_fields = [
        "week",
        "starts_at",
        "ends_at",
        "time_zone",
        "metrics",
        "groups",
        "buildup",
        "over_bug_goal",
        "computed_at",
        "sync_run",
    ]
    inlines = [KpiSnapshotRevisionInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
