"""The API app's own table: Open311 clients and their keys."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from quanyu.areas.models import Area


class Open311Client(models.Model):
    """A system allowed to POST service requests to /open311/v2/ (a FixMyStreet instance, a 311
    app). Only a hash of its ``api_key`` is stored; ``area`` limits where its requests may lie
    (and locates requests that come with an address but no coordinates)."""

    name = models.CharField(_("名称"), max_length=100)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    key_prefix = models.CharField(_("密钥前缀"), max_length=8, editable=False, help_text=_("用于辨认密钥"))
    area = models.ForeignKey(
        Area,
        verbose_name=_("服务区域"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("为空表示全市"),
    )
    active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)

    class Meta:
        verbose_name = _("Open311 接入方")
        verbose_name_plural = _("Open311 接入方")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.key_prefix}…)"


class OtpToken(models.Model):
    """An API token issued after the second (TOTP) step. While two-step log-in applies to its
    user, a token without this row is refused: one issued while the step was off (or before the
    user held a staff role) stops working when it comes on."""

    token = models.OneToOneField(
        "authtoken.Token", primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    verified_at = models.DateTimeField(_("验证时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("两步验证令牌")
        verbose_name_plural = _("两步验证令牌")

    def __str__(self) -> str:
        return f"{self.token_id[:6]}…"
