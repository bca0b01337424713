from __future__ import annotations

from django.contrib import admin

from releases.models import (
    Activity,
    MergeException,
    Release,
    ReleaseCandidate,
    Signoff,
    SignoffEvent,
)


class SignoffInline(admin.TabularInline):
    model = Signoff
    extra = 0
    fields = ["group", "state", "note", "set_by", "set_at"]
    readonly_fields = ["set_by", "set_at"]


@admin.register(Release)
class ReleaseAdmin(admin.ModelAdmin):
    list_display = ["version", "kind", "state", "target_date", "dri", "sprint"]
    list_filter = ["state", "kind"]
    search_fields = ["version"]
    autocomplete_fields = ["dri"]
    raw_id_fields = ["milestone", "sprint"]
    inlines = [SignoffInline]
    list_select_related = ["dri", "sprint"]


@admin.register(ReleaseCandidate)
class ReleaseCandidateAdmin(admin.ModelAdmin):
    list_display = ["branch", "release", "cut_at", "dry_run", "trigger"]
    search_fields = ["branch", "release__version"]
    readonly_fields = ["writes"]


@admin.register(SignoffEvent)
class SignoffEventAdmin(admin.ModelAdmin):
    """Append-only: the history is read, never edited."""

    list_display = ["at", "signoff", "from_state", "to_state", "actor"]
    list_filter = ["to_state"]
    search_fields = ["signoff__group__name", "signoff__release__version", "note"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(MergeException)
class MergeExceptionAdmin(admin.ModelAdmin):
    list_display = ["pr_number", "release", "group", "state", "requested_at"]
    list_filter = ["state"]
    search_fields = ["pr_number", "reason", "release__version"]


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = ["at", "release", "kind", "message", "slack_status"]
    list_filter = ["kind"]
    search_fields = ["message", "release__version"]
