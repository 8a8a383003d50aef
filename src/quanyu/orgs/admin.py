"""Back-office editing of party organisations, units and part-time committee members, scoped to
the user's subtree (quanyu.core.admin_scoping). Contact phones are never shown in clear: the form
takes a new number and shows the current one masked."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from treebeard.forms import movenodeform_factory

from quanyu.core.admin_scoping import ScopedModelAdmin, ScopedMoveNodeForm, ScopedTreeAdmin
from quanyu.core.audit import audit_record
from quanyu.core.pii import mask_phone
from quanyu.orgs.models import PartTimeMember, PartyOrg, Unit


@admin.register(PartyOrg)
class PartyOrgAdmin(ScopedTreeAdmin):
    form = movenodeform_factory(PartyOrg, form=ScopedMoveNodeForm)
    list_display = ("name", "kind", "area", "unit", "secretary", "member_count")
    list_filter = ("kind",)
    list_select_related = ("area", "unit")
    search_fields = ("name", "code", "secretary")
    autocomplete_fields = ("area", "unit")
    ordering = ("path",)


class UnitForm(forms.ModelForm):
    new_contact_phone = forms.CharField(
        label=gettext_lazy("联系电话"),
        required=False,
        max_length=30,
        help_text=gettext_lazy("留空则不修改；填“-”清除。当前号码以掩码显示在上方。"),
    )

    class Meta:
        model = Unit
        fields = (
            "kind",
            "name",
            "credit_code",
            "area",
            "address",
            "lon",
            "lat",
            "contact_name",
            "staff_count",
            "member_count",
        )

    def clean_new_contact_phone(self) -> str | None:
        value = self.cleaned_data["new_contact_phone"].strip()
        if value == "":
            return None
        if value == "-":
            return ""
        return value

    def save(self, commit: bool = True) -> Unit:
        phone = self.cleaned_data.get("new_contact_phone")
        if phone is not None:
            self.instance.contact_phone = phone
        return super().save(commit=commit)


@admin.register(Unit)
class UnitAdmin(ScopedModelAdmin):
    form = UnitForm
    list_display = (
        "name",
        "kind",
        "area",
        "contact_name",
        "contact_phone_masked",
        "staff_count",
        "member_count",
    )
    list_filter = ("kind",)
    list_select_related = ("area",)
    search_fields = ("name", "credit_code", "address")
    autocomplete_fields = ("area",)
    readonly_fields = ("contact_phone_masked",)
    fields = (
        "kind",
        "name",
        "credit_code",
        "area",
        "address",
        "lon",
        "lat",
        "contact_name",
        "contact_phone_masked",
        "new_contact_phone",
        "staff_count",
        "member_count",
    )

    @admin.display(description=gettext_lazy("联系电话"))
    def contact_phone_masked(self, obj: Unit) -> str:
        return mask_phone(obj.contact_phone) if obj.pk else ""

    def save_model(self, request: HttpRequest, obj: Unit, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if change and form.cleaned_data.get("new_contact_phone") is not None:
            audit_record(
                actor=request.user,
                action="change",
                target=obj,
                fields="contact_phone",
                reason=_("后台修改联系电话"),
                request=request,
            )


@admin.register(PartTimeMember)
class PartTimeMemberAdmin(ScopedModelAdmin):
    list_display = ("name", "unit", "unit_post", "committee", "post", "term_start", "term_end")
    list_select_related = ("unit", "committee")
    search_fields = ("name", "unit__name", "committee__name")
    autocomplete_fields = ("unit", "committee")
