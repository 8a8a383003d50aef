"""Users and role grants in the back office.

Superusers manage everyone. A non-superuser staff user holding the ``admin`` or ``org_department``
role manages the users *all* of whose grants lie inside its subtree (never superusers, never
someone who also holds a grant elsewhere), grants roles only at nodes of its subtree and never the
``auditor`` role (the audit log is not scoped). It cannot set superuser status, groups or model
permissions: access is decided by roles (see quanyu.core.admin_scoping). Phones are shown masked;
the form takes a new number instead of showing the current one.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from quanyu.accounts.models import RoleGrant, User
from quanyu.core.admin_scoping import ScopedAdminMixin, ScopedModelAdmin, is_unrestricted
from quanyu.core.audit import audit_record
from quanyu.core.duties import user_manager_roles
from quanyu.core.idnumber import validate_mobile
from quanyu.core.pii import mask_phone, pii_hash
from quanyu.core.roles import Role
from quanyu.core.scoping import actor_scope_paths, scope, scope_q

USER_ADMIN_ROLES = frozenset({Role.ADMIN.value, Role.ORG_DEPARTMENT.value})
# Roles only a superuser may grant: the audit log is not scoped.
SUPERUSER_GRANTED_ROLES = frozenset({Role.AUDITOR.value})


def manageable_users(actor: Any, queryset: QuerySet[User] | None = None) -> QuerySet[User]:
    """The users ``actor`` may see and edit in the admin."""
    queryset = queryset if queryset is not None else User.objects.all()
    if is_unrestricted(actor):
        return queryset
    inside = scope_q(actor_scope_paths(actor), "area__path")
    if inside is None:
        return queryset
    grants_inside = RoleGrant.objects.filter(inside).values("user_id")
    grants_outside = RoleGrant.objects.exclude(inside).values("user_id")
    return queryset.filter(is_superuser=False, pk__in=grants_inside).exclude(pk__in=grants_outside)


class PhoneFormMixin(forms.Form):
    new_phone = forms.CharField(
        label=gettext_lazy("手机号"),
        required=False,
        max_length=20,
        help_text=gettext_lazy("留空则不修改；填“-”清除。当前号码以掩码显示。"),
    )

    def clean_new_phone(self) -> str | None:
        value = self.cleaned_data["new_phone"].strip()
        if value == "":
            return None
        if value == "-":
            return ""
        try:
            return validate_mobile(value)
        except ValidationError as exc:
            raise forms.ValidationError(exc.messages) from None

    def apply_phone(self, user: User) -> None:
        phone = self.cleaned_data.get("new_phone")
        if phone is not None:
            user.phone = phone
            user.phone_hash = pii_hash("phone", phone)


class QuanyuUserChangeForm(PhoneFormMixin, UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User
        fields = "__all__"
        exclude = ("phone",)

    def save(self, commit: bool = True) -> User:
        self.apply_phone(self.instance)
        return super().save(commit=commit)


class QuanyuUserCreationForm(PhoneFormMixin, AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ("username", "display_name")

    def save(self, commit: bool = True) -> User:
        self.apply_phone(self.instance)
        return super().save(commit=commit)


class UserManagers:
    """Who manages accounts and grants in the back office: ``USER_ADMIN_ROLES``, or the security
    administrators alone under 三员分立 (``core.duties``)."""

    def roles_to_view(self) -> frozenset[str]:
        return user_manager_roles(USER_ADMIN_ROLES)

    def roles_to_edit(self) -> frozenset[str]:
        return user_manager_roles(USER_ADMIN_ROLES)


class RoleGrantInline(UserManagers, ScopedAdminMixin, admin.TabularInline):
    model = RoleGrant
    extra = 0
    fields = ("role", "area", "unit")
    autocomplete_fields = ("area", "unit")
    view_roles = USER_ADMIN_ROLES
    edit_roles = USER_ADMIN_ROLES

    def get_min_num(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> int:
        # A new user made by a scoped administrator needs a grant in its subtree, or it would
        # drop out of that administrator's sight on save.
        return 0 if is_unrestricted(request.user) or obj is not None else 1

    def formfield_for_choice_field(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "role" and not is_unrestricted(request.user):
            kwargs["choices"] = [(v, label) for v, label in Role.choices if v not in SUPERUSER_GRANTED_ROLES]
        return super().formfield_for_choice_field(db_field, request, **kwargs)


@admin.register(User)
class UserAdmin(UserManagers, ScopedAdminMixin, DjangoUserAdmin):
    form = QuanyuUserChangeForm
    add_form = QuanyuUserCreationForm
    inlines = (RoleGrantInline,)
    view_roles = USER_ADMIN_ROLES
    edit_roles = USER_ADMIN_ROLES
    list_display = ("username", "display_name", "phone_masked", "is_active", "is_staff", "is_superuser")
    list_filter = ("is_active", "is_staff", "is_superuser", "grants__role")
    search_fields = ("username", "display_name")
    readonly_fields = ("phone_masked", "last_login", "date_joined")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (gettext_lazy("个人信息"), {"fields": ("display_name", "phone_masked", "new_phone", "email")}),
        (
            gettext_lazy("权限"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (gettext_lazy("时间"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "username",
                    "display_name",
                    "new_phone",
                    "usable_password",
                    "password1",
                    "password2",
                ),
            },
        ),
    )

    @admin.display(description=gettext_lazy("手机号"))
    def phone_masked(self, obj: User) -> str:
        return mask_phone(obj.phone) if obj.pk else ""

    def scope_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return manageable_users(request.user, queryset)

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        fieldsets = super().get_fieldsets(request, obj)
        if is_unrestricted(request.user):
            return fieldsets
        hidden = {"is_superuser", "groups", "user_permissions"}
        return [
            (name, {**options, "fields": tuple(f for f in options["fields"] if f not in hidden)})
            for name, options in fieldsets
        ]

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        if not is_unrestricted(request.user):
            obj.is_superuser = False
        super().save_model(request, obj, form, change)
        if change and form.cleaned_data.get("new_phone") is not None:
            audit_record(
                actor=request.user,
                action="change",
                target=obj,
                fields="phone",
                reason=_("后台修改手机号"),
                request=request,
            )


@admin.register(RoleGrant)
class RoleGrantAdmin(UserManagers, ScopedModelAdmin):
    list_display = ("user", "role", "area", "unit", "created_at")
    list_filter = ("role",)
    list_select_related = ("user", "area", "unit")
    search_fields = ("user__username", "user__display_name", "area__name")
    autocomplete_fields = ("user", "area", "unit")
    view_roles = USER_ADMIN_ROLES
    edit_roles = USER_ADMIN_ROLES

    def scope_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        scoped = scope(queryset, actor=request.user)
        if is_unrestricted(request.user):
            return scoped
        return scoped.filter(user__in=manageable_users(request.user))

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "user":
            kwargs["queryset"] = manageable_users(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_choice_field(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "role" and not is_unrestricted(request.user):
            kwargs["choices"] = [(v, label) for v, label in Role.choices if v not in SUPERUSER_GRANTED_ROLES]
        return super().formfield_for_choice_field(db_field, request, **kwargs)
