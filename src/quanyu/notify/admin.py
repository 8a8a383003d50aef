from __future__ import annotations

from django.contrib import admin

from quanyu.notify.models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("created_at", "recipient", "kind", "title", "read_at")
    list_filter = ("kind",)
    search_fields = ("title",)
    raw_id_fields = ("recipient",)
