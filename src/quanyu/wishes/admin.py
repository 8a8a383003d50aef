"""Back-office view of wishes: read-only (every change goes through the services and their events).
Who wished is not listed here: the admin shows the public text and the status."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from quanyu.core.admin_scoping import ReadOnlyAdmin, ScopedAdminMixin
from quanyu.wishes.models import Wish, WishClaim, WishEvent


class EventInline(admin.TabularInline):
    model = WishEvent
    extra = 0
    can_delete = False
    fields = ("at", "kind", "actor_name", "from_status", "to_status", "payload")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ClaimInline(admin.TabularInline):
    model = WishClaim
    extra = 0
    can_delete = False
    fields = (
        "claimant_kind",
        "member",
        "unit",
        "team",
        "shares",
        "status",
        "claimed_at",
        "fulfilled_at",
    )
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Wish)
class WishAdmin(ScopedAdminMixin, ReadOnlyAdmin):
    list_display = (
        "id",
        "kind",
        "public_text",
        "community",
        "status",
        "shares",
        "claimed_shares",
        "created_at",
    )
    list_filter = ("status", "kind", "on_behalf")
    search_fields = ("public_text",)
    fields = (
        "kind",
        "public_text",
        "estimated_value",
        "wanted_by",
        "shares",
        "claimed_shares",
        "community",
        "street",
        "on_behalf",
        "status",
        "published_at",
        "confirmed_at",
        "confirmed_by_phone",
        "thanks",
        "reject_reason",
        "cancel_reason",
    )
    readonly_fields = fields
    inlines = [ClaimInline, EventInline]

    # Scoped for reading, never written here (the mixin's add/change/delete would allow editors).
    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
