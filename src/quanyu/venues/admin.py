"""Back office for venues: read-only and scoped (docs/WORKFLOWS.md §9). The register, bookings and
plans change only through the services (their events and checks); standards profiles through the
API and ``profile_save``."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from quanyu.core.admin_scoping import ReadOnlyAdmin, ScopedModelAdmin
from quanyu.venues.models import (
    ActivityPlan,
    Booking,
    BookingEvent,
    PlanItem,
    ProjectEvent,
    Room,
    StandardProfile,
    Venue,
    VenueEvent,
    VenuePhoto,
    VenueProject,
    WalkNetwork,
)


class ReadOnlyScopedAdmin(ScopedModelAdmin):
    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class RoomInline(admin.TabularInline):
    model = Room
    extra = 0
    can_delete = False
    fields = ("name", "function", "capacity", "bookable", "auto_approve")
    readonly_fields = fields


class VenueEventInline(admin.TabularInline):
    model = VenueEvent
    extra = 0
    can_delete = False
    fields = ("at", "actor_name", "kind", "payload")
    readonly_fields = fields


@admin.register(Venue)
class VenueAdmin(ReadOnlyScopedAdmin):
    list_display = ("name", "kind", "area", "floor_area", "ground_floor_area", "status")
    list_filter = ("kind", "status", "accessible")
    search_fields = ("name", "address")
    list_select_related = ("area",)
    inlines = [RoomInline, VenueEventInline]


class BookingEventInline(admin.TabularInline):
    model = BookingEvent
    extra = 0
    can_delete = False
    fields = ("at", "actor_name", "kind", "payload")
    readonly_fields = fields


@admin.register(Booking)
class BookingAdmin(ReadOnlyScopedAdmin):
    list_display = ("id", "venue", "room", "starts_at", "ends_at", "booker_kind", "status")
    list_filter = ("status", "booker_kind")
    search_fields = ("purpose", "venue__name")
    date_hierarchy = "starts_at"
    list_select_related = ("venue", "room__venue")
    inlines = [BookingEventInline]


class PlanItemInline(admin.TabularInline):
    model = PlanItem
    extra = 0
    can_delete = False
    fields = ("day", "start", "end", "title", "organiser", "attendance")
    readonly_fields = fields


@admin.register(ActivityPlan)
class ActivityPlanAdmin(ReadOnlyScopedAdmin):
    list_display = ("venue", "month", "posted_at")
    list_select_related = ("venue",)
    inlines = [PlanItemInline]


@admin.register(StandardProfile)
class StandardProfileAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "is_default")


class ProjectEventInline(admin.TabularInline):
    model = ProjectEvent
    extra = 0
    can_delete = False
    fields = ("at", "actor_name", "kind", "payload")
    readonly_fields = fields


@admin.register(VenueProject)
class VenueProjectAdmin(ReadOnlyScopedAdmin):
    list_display = ("name", "area", "step", "step_due", "supervised_step")
    list_filter = ("step",)
    search_fields = ("name",)
    list_select_related = ("area",)
    inlines = [ProjectEventInline]


@admin.register(WalkNetwork)
class WalkNetworkAdmin(ReadOnlyAdmin):
    list_display = ("name", "edges", "imported_at")
    exclude = ("lines",)


@admin.register(VenuePhoto)
class VenuePhotoAdmin(ReadOnlyScopedAdmin):
    list_display = ("venue", "caption", "width", "height", "created_at")
    list_select_related = ("venue",)
