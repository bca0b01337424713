from __future__ import annotations

from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest

from fleetops.org.models import Holiday, Person, ProductGroup, Sprint


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["name", "github_login", "github_id", "user", "time_zone", "active"]
    list_filter = ["active", "product_groups", "time_zone"]
    search_fields = ["name", "github_login", "=github_id", "user__username", "user__email"]
    autocomplete_fields = ["user"]
    list_select_related = ["user"]


@admin.register(ProductGroup)
class ProductGroupAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "github_label",
        "engineering_manager",
        "qa_lead",
        "member_count",
        "sprint_capacity",
    ]
    search_fields = ["name", "slug", "github_label"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["engineering_manager", "qa_lead"]
    filter_horizontal = ["members"]
    list_select_related = ["engineering_manager", "qa_lead"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[ProductGroup]:
        return super().get_queryset(request).annotate(member_count=Count("members"))

    @admin.display(ordering="member_count", description="members")
    def member_count(self, group: ProductGroup) -> int:
        return group.member_count


@admin.register(Sprint)
class SprintAdmin(admin.ModelAdmin):
    list_display = ["number", "starts_on", "ends_on", "rc_cut_at"]
    date_hierarchy = "starts_on"
    search_fields = ["number"]
    ordering = ["-starts_on"]


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    list_display = ["date", "name"]
    date_hierarchy = "date"
    search_fields = ["name"]
