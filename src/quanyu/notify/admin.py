from __future__ import annotations

from django.contrib import admin

from quanyu.core.admin_scoping import ReadOnlyAdmin
from quanyu.notify.models import Notification, OutboxMessage


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("created_at", "recipient", "kind", "title", "read_at")
    list_filter = ("kind",)
    search_fields = ("title",)
    raw_id_fields = ("recipient",)


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdmin):
    """Delivery state of e-mail/SMS notifications. The link and the extra numbers and addresses
    (personal data, encrypted; cleared once the row is final) are not shown."""

    list_display = ("created_at", "kind", "title", "status", "attempts", "next_attempt_at", "sent_at")
    list_filter = ("status", "kind")
    search_fields = ("title",)
    fields = (
        "kind",
        "title",
        "body",
        "recipient_ids",
        "channels",
        "status",
        "attempts",
        "next_attempt_at",
        "reached",
        "errors",
        "created_at",
        "sent_at",
    )
