"""Back-office view of volunteering: read-only and scoped (records change only through the
services, which write their events); volunteers' ID numbers and phones masked, never rendered."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy

from quanyu.core.admin_scoping import ScopedModelAdmin
from quanyu.core.pii import mask_id_number, mask_name, mask_phone
from quanyu.volunteering.models import (
    Activity,
    Certificate,
    CorrectionRequest,
    Signup,
    SignupEvent,
    Team,
    Volunteer,
)


class ReadOnlyScopedAdmin(ScopedModelAdmin):
    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Team)
class TeamAdmin(ReadOnlyScopedAdmin):
    list_display = ("name", "kind", "community", "organisation", "responsible_person")
    list_filter = ("kind",)
    search_fields = ("name", "organisation")
    # The contact phone is personal data (usually a leader's own mobile): masked here like every
    # phone in the back office; the audited reveal is POST /api/volunteer-teams/{id}/reveal/.
    exclude = ("leader", "contact_phone")
    readonly_fields = ("contact_phone_masked",)

    @admin.display(description=gettext_lazy("联系电话"))
    def contact_phone_masked(self, obj: Any) -> str:
        return mask_phone(obj.contact_phone)


@admin.register(Volunteer)
class VolunteerAdmin(ReadOnlyScopedAdmin):
    list_display = ("number", "name_masked", "id_number_masked", "phone_masked", "community", "no_shows")
    search_fields = ("number",)
    fields = ("number", "name_masked", "id_number_masked", "phone_masked", "community", "skills", "no_shows")
    readonly_fields = fields

    @admin.display(description=gettext_lazy("姓名"))
    def name_masked(self, obj: Any) -> str:
        return mask_name(obj.name)

    @admin.display(description=gettext_lazy("身份证号"))
    def id_number_masked(self, obj: Any) -> str:
        return mask_id_number(obj.id_number)

    @admin.display(description=gettext_lazy("手机号"))
    def phone_masked(self, obj: Any) -> str:
        return mask_phone(obj.phone)


@admin.register(Activity)
class ActivityAdmin(ReadOnlyScopedAdmin):
    list_display = (
        "title",
        "project",
        "starts_at",
        "address",
        "room",
        "booking",
        "cancelled_at",
        "capacity",
        "taken",
    )
    list_select_related = ("project", "room__venue", "booking")
    date_hierarchy = "starts_at"


class SignupEventInline(admin.TabularInline):
    model = SignupEvent
    extra = 0
    can_delete = False
    fields = ("at", "kind", "actor_name", "payload")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Signup)
class SignupAdmin(ReadOnlyScopedAdmin):
    list_display = ("activity", "position", "status", "minutes", "hours_status", "late", "auto_closed")
    list_filter = ("status", "hours_status", "auto_closed")
    exclude = ("volunteer",)
    inlines = [SignupEventInline]


@admin.register(CorrectionRequest)
class CorrectionRequestAdmin(ReadOnlyScopedAdmin):
    list_display = ("signup", "old_minutes", "new_minutes", "status", "requested_at")
    list_filter = ("status",)


@admin.register(Certificate)
class CertificateAdmin(ReadOnlyScopedAdmin):
    list_display = ("number", "issuer", "volunteer_number", "total_minutes", "issued_on")
    search_fields = ("number",)
    exclude = ("volunteer", "volunteer_name", "issued_by", "contact_phone")
