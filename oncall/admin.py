"""Staff set rotations up here; overrides, swaps and time off are made on the pages, where
the rules are checked, so the admin shows them read-only."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from fleetops.core.bounds import RANGE_TEXT
from oncall.models import (
    OncallHandoff,
    OncallProfile,
    Override,
    Rotation,
    RotationMember,
    Swap,
    TimeOff,
)


class RotationMemberInline(admin.TabularInline):
    model = RotationMember
    extra = 1
    autocomplete_fields = ["person"]
    ordering = ["position", "id"]


@admin.register(Rotation)
class RotationAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "active",
        "starts_on",
        "handoff_weekday",
        "handoff_time",
        "shift_weeks",
        "time_zone",
    ]
    list_filter = ["active"]
    search_fields = ["name"]
    inlines = [RotationMemberInline]


class OutOfBoundsFilter(admin.SimpleListFilter):
    """Rows outside the supported years: every page skips them; staff delete or fix them."""

    title = "dates"
    parameter_name = "dates"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list:
        return [("out", f"Outside {RANGE_TEXT} (skipped by the pages)")]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        return queryset.out_of_bounds() if self.value() == "out" else queryset


class BoundedRowsAdmin(admin.ModelAdmin):
    """Says on the list when some rows are outside the supported years, with a link."""

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None):
        odd = self.model.objects.out_of_bounds().count()
        if odd and request.GET.get("dates") != "out":
            self.message_user(
                request,
                f"{odd} {self.model._meta.verbose_name_plural} outside {RANGE_TEXT} are "
                "skipped by every page: filter on dates to find and delete them.",
                level=messages.WARNING,
            )
        return super().changelist_view(request, extra_context)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Override)
class OverrideAdmin(BoundedRowsAdmin, ReadOnlyAdmin):
    list_display = [
        "person",
        "rotation",
        "starts_at",
        "ends_at",
        "swap",
        "created_by",
        "created_at",
        "cancelled_at",
    ]
    list_filter = ["rotation", OutOfBoundsFilter]
    list_select_related = ["person", "rotation", "swap", "created_by"]


@admin.register(Swap)
class SwapAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "rotation", "created_by", "created_at", "cancelled_at"]
    list_select_related = ["first_person", "second_person", "rotation", "created_by"]


@admin.register(TimeOff)
class TimeOffAdmin(BoundedRowsAdmin, ReadOnlyAdmin):
    list_display = ["person", "starts_on", "ends_on", "note", "source", "created_by"]
    list_filter = ["source", OutOfBoundsFilter]
    search_fields = ["person__name", "note"]
    list_select_related = ["person", "created_by"]


@admin.register(OncallHandoff)
class OncallHandoffAdmin(ReadOnlyAdmin):
    list_display = ["rotation", "handoff_at", "outgoing", "incoming", "slack_status"]
    list_select_related = ["rotation", "outgoing", "incoming"]


@admin.register(OncallProfile)
class OncallProfileAdmin(admin.ModelAdmin):
    list_display = ["person", "ics_url", "ics_status", "ics_imported_at"]
    fields = [
        "person",
        "ics_url",
        "ics_status",
        "ics_message",
        "ics_imported_at",
        "feed_rotated_at",
    ]
    readonly_fields = ["person", "ics_status", "ics_message", "ics_imported_at", "feed_rotated_at"]
    list_select_related = ["person"]
