from __future__ import annotations

from django.contrib import admin

from quanyu.catalog.models import Category, Holiday


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = (
        "code",
        "name",
        "parent",
        "first_tier",
        "response_hours",
        "completion_days",
        "is_one_window",
        "open311_published",
        "active",
    )
    list_filter = ("parent", "first_tier", "is_one_window", "open311_published", "active")
    search_fields = ("code", "name", "keywords", "service_code")
    filter_horizontal = ("departments",)
    list_select_related = ("parent",)
    autocomplete_fields = ("parent",)


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    list_display = ("date", "kind", "name")
    list_filter = ("kind",)
    date_hierarchy = "date"
    search_fields = ("name",)
