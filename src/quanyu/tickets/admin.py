"""Back-office view of the loop. Tickets change only through services, so the admin is read-only
for the loop's tables (history must stay true)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from quanyu.core.admin_scoping import ReadOnlyAdmin
from quanyu.tickets.models import (
    Rating,
    RehandlingEntry,
    Reminder,
    SupervisionOrder,
    Ticket,
    TicketEvent,
    TicketPhoto,
    Whistle,
)


class EventInline(admin.TabularInline):
    model = TicketEvent
    extra = 0
    can_delete = False
    fields = ("at", "kind", "actor_name", "from_status", "to_status", "payload")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class WhistleInline(admin.TabularInline):
    model = Whistle
    extra = 0
    can_delete = False
    fields = (
        "department",
        "lead",
        "status",
        "whistled_at",
        "response_due",
        "completion_due",
        "responded_at",
        "resolved_at",
    )
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Ticket)
class TicketAdmin(ReadOnlyAdmin):
    list_display = (
        "id",
        "created_at",
        "channel",
        "category",
        "status",
        "tier",
        "handling_area",
        "completion_due",
    )
    list_filter = ("status", "channel", "tier")
    search_fields = ("text", "external_ref")
    date_hierarchy = "created_at"
    list_select_related = ("category", "handling_area")
    exclude = ("contact_name", "contact_phone", "contact_email")
    inlines = (WhistleInline, EventInline)


@admin.register(Whistle)
class WhistleAdmin(ReadOnlyAdmin):
    list_display = ("id", "ticket", "department", "lead", "status", "response_due", "completion_due")
    list_filter = ("status", "lead")
    list_select_related = ("ticket", "department")


@admin.register(SupervisionOrder)
class SupervisionOrderAdmin(ReadOnlyAdmin):
    list_display = ("id", "ticket", "kind", "department", "status", "issued_at")
    list_filter = ("kind", "status")


@admin.register(Rating)
class RatingAdmin(ReadOnlyAdmin):
    list_display = ("id", "ticket", "level", "via", "counts", "appeal_status", "at")
    list_filter = ("level", "via", "appeal_status")


admin.site.register(Reminder, ReadOnlyAdmin)
admin.site.register(RehandlingEntry, ReadOnlyAdmin)


@admin.register(TicketPhoto)
class TicketPhotoAdmin(ReadOnlyAdmin):
    """Photos are not public media: the page links the scoped photo endpoint (visible to those who
    may see the ticket), never the file under MEDIA_ROOT."""

    list_display = ("id", "ticket", "kind", "size", "created_at")
    list_filter = ("kind",)
    list_select_related = ("ticket",)
    fields = ("ticket", "whistle", "kind", "photo", "width", "height", "size", "uploaded_by", "created_at")
    readonly_fields = fields

    @admin.display(description=_("照片"))
    def photo(self, obj: TicketPhoto) -> str:
        if not obj.image:
            return "—"
        url = reverse("web:ticket_photo", args=[obj.ticket_id, obj.pk])
        return format_html('<a href="{}" target="_blank" rel="noopener">{}</a>', url, _("查看照片"))
