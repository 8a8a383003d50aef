"""The shared kernel owns one table: the append-only audit log."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    """Who saw or changed what, when and why. Rows are never updated or deleted by the app."""

    class Action(models.TextChoices):
        REVEAL = "reveal", _("查看明文")
        EXPORT = "export", _("导出")
        EXPORT_UNMASKED = "export_unmasked", _("明文导出")
        IMPORT = "import", _("导入")
        CHANGE = "change", _("修改")
        LOGIN = "login", _("登录")
        ANONYMISE = "anonymise", _("匿名化")
        GRANT = "grant", _("授权")

    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_name = models.CharField(_("操作人账号"), max_length=150, blank=True)
    action = models.CharField(_("动作"), max_length=32, choices=Action.choices, db_index=True)
    target_type = models.CharField(_("对象类型"), max_length=64, blank=True, db_index=True)
    target_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    target_repr = models.CharField(_("对象"), max_length=200, blank=True)
    fields = models.CharField(_("字段"), max_length=200, blank=True)
    reason = models.CharField(_("事由"), max_length=500, blank=True)
    ip = models.GenericIPAddressField(_("IP地址"), null=True, blank=True)
    detail = models.JSONField(_("详情"), default=dict, blank=True)
    # The hash chain (core.auditchain): set once when the entry is sealed, never changed.
    seal_seq = models.BigIntegerField(_("封存序号"), null=True, blank=True, unique=True)
    prev_hash = models.CharField(max_length=64, blank=True)
    entry_hash = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("审计日志")
        verbose_name_plural = _("审计日志")
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.target_repr}"


class AuditChainHead(models.Model):
    """The one row that orders the sealing of the audit log (locked while sealing), and the anchor
    left by archiving: the last archived entry's sequence number and hash, from which the entries
    still here are verified."""

    sealed_seq = models.BigIntegerField(default=0)
    sealed_hash = models.CharField(max_length=64, blank=True)
    anchor_seq = models.BigIntegerField(default=0)
    anchor_hash = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("审计链")
        verbose_name_plural = _("审计链")

    def __str__(self) -> str:
        return f"sealed {self.sealed_seq}, anchor {self.anchor_seq}"
