"""The people registry in the back office, scoped to the user's subtree (quanyu.core.admin_scoping).

Residents, members, 双报到 reports, posts, the points ledger, floating members and 三会一课 are
shown read-only: each of them changes through a service in ``quanyu.people.services`` (which keeps
the hashes, the scope paths and the event rows right), and the points ledger is append-only anyway.
ID numbers and phones are only ever shown masked here; the audited way to see them in clear is the
web app's reveal. Point rules are the one thing edited here, through ``point_rule_save``.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from quanyu.core.admin_scoping import (
    BACK_OFFICE_VIEW_ROLES,
    ScopedModelAdmin,
    holds_role,
)
from quanyu.core.pii import mask_id_number, mask_phone
from quanyu.core.roles import Role
from quanyu.people.models import (
    FloatingRecord,
    Meeting,
    MemberTransfer,
    PartyMember,
    PointEntry,
    PointRule,
    Post,
    Report,
    Resident,
)
from quanyu.people.services.points import RULE_ADMINS, point_rule_save


class ReadOnlyScopedAdmin(ScopedModelAdmin):
    """Viewing only: the records change through the people services."""

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class MaskedPersonAdmin(ReadOnlyScopedAdmin):
    """ID number and phone masked in the list and on the page; the clear values are never rendered."""

    search_fields = ("name",)
    ordering = ("name_key", "id")  # pinyin order, as the registers list people

    @admin.display(description=gettext_lazy("身份证号"))
    def id_number_masked(self, obj: Any) -> str:
        return mask_id_number(obj.id_number)

    @admin.display(description=gettext_lazy("手机号"))
    def phone_masked(self, obj: Any) -> str:
        return mask_phone(obj.phone)


@admin.register(Resident)
class ResidentAdmin(MaskedPersonAdmin):
    list_display = ("name", "gender", "id_number_masked", "phone_masked", "community", "building", "room")
    list_filter = ("gender", "anonymised")
    list_select_related = ("community", "building")
    fields = (
        "name",
        "gender",
        "id_number_masked",
        "birth_date",
        "phone_masked",
        "address",
        "community",
        "building",
        "unit_no",
        "room",
        "household_key",
        "tags",
        "anonymised",
    )
    readonly_fields = fields


@admin.register(PartyMember)
class PartyMemberAdmin(MaskedPersonAdmin):
    list_display = ("name", "category", "status", "id_number_masked", "phone_masked", "branch", "community")
    list_filter = ("category", "status", "board_opt_in", "anonymised")
    list_select_related = ("branch", "community")
    fields = (
        "name",
        "gender",
        "id_number_masked",
        "birth_date",
        "phone_masked",
        "address",
        "branch",
        "joined_on",
        "status",
        "category",
        "work_unit",
        "work_unit_name",
        "community",
        "board_opt_in",
        "board_building",
        "board_unit_no",
        "anonymised",
    )
    readonly_fields = fields


@admin.register(Report)
class ReportAdmin(ReadOnlyScopedAdmin):
    list_display = ("kind", "member", "unit", "community", "year", "status", "submitted_at")
    list_filter = ("kind", "status", "year")
    list_select_related = ("member", "unit", "community")
    search_fields = ("member__name", "unit__name", "community__name")
    fields = ("kind", "member", "unit", "community", "year", "status", "note", "decided_at", "decided_by")
    readonly_fields = fields


@admin.register(MemberTransfer)
class MemberTransferAdmin(ReadOnlyScopedAdmin):
    list_display = ("pk", "member", "to_branch", "to_community", "status", "requested_at")
    list_filter = ("status",)
    list_select_related = ("member", "to_branch", "to_community")
    fields = ("member", "to_branch", "to_community", "status", "reason", "requested_by", "decided_by", "note")
    readonly_fields = fields


@admin.register(Post)
class PostAdmin(ReadOnlyScopedAdmin):
    list_display = ("name", "community", "capacity", "active", "created_at")
    list_filter = ("active",)
    list_select_related = ("community",)
    search_fields = ("name", "community__name")
    fields = ("community", "name", "duties", "capacity", "active", "created_by", "created_at")
    readonly_fields = fields


@admin.register(PointEntry)
class PointEntryAdmin(ReadOnlyScopedAdmin):
    """The ledger is append-only: corrections are new rows, written by ``point_correct``."""

    list_display = ("occurred_on", "member", "rule", "points", "reason", "source")
    list_filter = ("source",)
    list_select_related = ("member", "rule")
    search_fields = ("member__name", "reason")
    date_hierarchy = "occurred_on"
    fields = (
        "member",
        "rule",
        "points",
        "occurred_on",
        "reason",
        "source",
        "corrects",
        "created_by",
        "approved_by",
        "created_at",
    )
    readonly_fields = fields


@admin.register(FloatingRecord)
class FloatingRecordAdmin(ReadOnlyScopedAdmin):
    list_display = ("member", "direction", "place", "starts_on", "contact_due_on", "status", "keeper")
    list_filter = ("direction", "status")
    list_select_related = ("member", "keeper")
    search_fields = ("member__name", "place", "other_org")
    fields = (
        "member",
        "direction",
        "place",
        "other_org",
        "starts_on",
        "ends_on",
        "keeper",
        "contact_interval_days",
        "last_contact_on",
        "contact_due_on",
        "status",
    )
    readonly_fields = fields


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyScopedAdmin):
    list_display = ("held_on", "kind", "topic", "branch")
    list_filter = ("kind",)
    list_select_related = ("branch",)
    search_fields = ("topic", "branch__name")
    date_hierarchy = "held_on"
    fields = ("branch", "kind", "held_on", "topic", "created_by", "created_at")
    readonly_fields = fields


class PointRuleForm(forms.ModelForm):
    approver_role = forms.ChoiceField(
        label=gettext_lazy("审批角色"), choices=[("", "—"), *Role.choices], required=False
    )

    class Meta:
        model = PointRule
        fields = ("code", "name", "points", "cap", "period", "approver_role", "active")

    def clean_cap(self) -> int | None:
        cap = self.cleaned_data.get("cap")
        if cap is not None and cap < 0:
            raise forms.ValidationError(_("上限不能为负数"))
        return cap


@admin.register(PointRule)
class PointRuleAdmin(admin.ModelAdmin):
    """City-wide rules (not scoped): back-office staff read them, administrators and the
    organisation department edit them through ``point_rule_save``. Rules are never deleted (the
    ledger points at them); switch one off instead."""

    form = PointRuleForm
    list_display = ("code", "name", "points", "cap", "period", "approver_role", "active")
    list_filter = ("active", "period")
    search_fields = ("code", "name")

    def _staff(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.is_staff)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if request.user.is_superuser:
            return True
        return self._staff(request) and holds_role(request.user, BACK_OFFICE_VIEW_ROLES | RULE_ADMINS)

    def has_add_permission(self, request: HttpRequest) -> bool:
        if request.user.is_superuser:
            return True
        return self._staff(request) and holds_role(request.user, frozenset(RULE_ADMINS))

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_add_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # The code identifies the rule for point_rule_save and in the ledger's sources.
        return ("code",) if obj is not None else ()

    def save_model(self, request: HttpRequest, obj: PointRule, form: Any, change: bool) -> None:
        data = form.cleaned_data
        saved = point_rule_save(
            actor=request.user,
            code=obj.code,
            name=data["name"],
            points=data["points"],
            cap=data.get("cap"),
            period=data["period"],
            approver_role=data.get("approver_role") or "",
            active=data.get("active", False),
        )
        obj.pk = saved.pk
