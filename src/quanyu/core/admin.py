"""The audit log in the back office: read-only for everyone (rows are append-only), visible to
staff holding the auditor role, and to superusers unless the three administrators are separated
(``core.duties``)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from quanyu.core.admin_scoping import AUDIT_VIEW_ROLES, holds_role
from quanyu.core.duties import may_read_audit_log
from quanyu.core.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("at", "actor_name", "action", "target_type", "target_id", "target_repr", "fields", "ip")
    list_filter = ("action", "target_type")
    search_fields = ("actor_name", "target_repr", "target_id", "reason")
    list_select_related = ("actor",)
    ordering = ("-at", "-id")
    actions = None

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in self.model._meta.fields]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        user = request.user
        if not (user.is_active and user.is_staff):
            return False
        return may_read_audit_log(user, AUDIT_VIEW_ROLES if holds_role(user, AUDIT_VIEW_ROLES) else ())

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
