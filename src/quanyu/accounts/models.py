"""Users and their role grants at nodes of the area tree."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone

# Django's cached_property, not functools': on Python 3.11 the latter holds one lock for every
# instance while it computes, so request threads waiting for it can hold every pooled connection
# while the thread holding it waits for one (a deadlock seen under uvicorn with the pool).
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from quanyu.areas.models import Area
from quanyu.core.duties import check_separate
from quanyu.core.pii import EncryptedCharField
from quanyu.core.roles import Role
from quanyu.orgs.models import Unit


class User(AbstractUser):
    display_name = models.CharField(_("姓名"), max_length=50, blank=True)
    # When the password was last set (None: before this was recorded; counted from date_joined).
    password_changed_at = models.DateTimeField(_("密码修改时间"), null=True, blank=True)
    phone = EncryptedCharField(_("手机号"), blank=True)
    phone_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.display_name or self.username

    def set_password(self, raw_password: str | None) -> None:
        super().set_password(raw_password)
        self.password_changed_at = timezone.now()

    @cached_property
    def active_grants(self) -> list[RoleGrant]:
        return list(self.grants.select_related("area", "unit").order_by("id"))

    @cached_property
    def scope_paths(self) -> tuple[str, ...]:
        return tuple(g.area.path for g in self.active_grants)

    @cached_property
    def roles(self) -> frozenset[str]:
        return frozenset(g.role for g in self.active_grants)

    @property
    def primary_grant(self) -> RoleGrant | None:
        grants = self.active_grants
        return grants[0] if grants else None


class RoleGrant(models.Model):
    """User ``user`` holds ``role`` over the subtree rooted at ``area`` (and, for department
    handlers and resident-unit contacts, on behalf of ``unit``)."""

    scope_path_field = "area__path"

    user = models.ForeignKey(User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="grants")
    role = models.CharField(_("角色"), max_length=32, choices=Role.choices, db_index=True)
    area = models.ForeignKey(
        Area, verbose_name=_("管辖范围"), on_delete=models.PROTECT, related_name="grants"
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("所属单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="grants",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("角色授权")
        verbose_name_plural = _("角色授权")
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "area"], name="grant_unique_user_role_area"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} @ {self.area}"

    def clean(self) -> None:
        """No account holds two of the three administrators' roles (三员分立, ``core.duties``)."""
        super().clean()
        if self.user_id is not None and self.role:
            others = RoleGrant.objects.filter(user_id=self.user_id).exclude(pk=self.pk)
            check_separate([self.role, *others.values_list("role", flat=True)])
