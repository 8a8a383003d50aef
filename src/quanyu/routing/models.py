"""Versioned routing models: the trained artefact and what it was trained on.

One row per training run. ``target`` says what the artefact predicts (a category from the text, or
the department that resolves a category at a place); at most one row per target is active. The
artefact is the joblib dump of a ``routing.classifier`` object, kept in the row with its SHA-256,
which ``routing.predict`` checks before loading it. Rows are written only by ``routing.services``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Target(models.TextChoices):
    CATEGORY = "category", _("诉求分类")
    DEPARTMENT = "department", _("承办部门")


class Source(models.TextChoices):
    TICKETS = "tickets", _("平台工单")
    CSV = "csv", _("CSV 文件")


class WithoutArtefact(models.Manager["RoutingModel"]):
    """Rows without their artefact (tens of MB each): locks, lists and the admin never need it;
    ``routing.predict`` asks for it by name (``values_list("artefact", …)``)."""

    def get_queryset(self) -> models.QuerySet[RoutingModel]:
        return super().get_queryset().defer("artefact")


class RoutingModel(models.Model):
    version = models.PositiveIntegerField(_("版本"), unique=True)
    target = models.CharField(_("预测对象"), max_length=16, choices=Target.choices, default=Target.CATEGORY)
    created_at = models.DateTimeField(_("训练时间"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("训练人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    source = models.CharField(_("训练数据来源"), max_length=16, choices=Source.choices)
    source_name = models.CharField(_("数据说明"), max_length=255, blank=True)
    data_from = models.DateField(_("数据起始日期"), null=True, blank=True)
    data_to = models.DateField(_("数据截止日期"), null=True, blank=True)
    samples = models.PositiveIntegerField(_("样本数"), default=0)
    labels = models.JSONField(_("类别"), default=list)
    metrics = models.JSONField(
        _("评估指标"), default=dict, help_text=_("留出集上的准确率、宏平均 F1 与各类指标")
    )
    train_seconds = models.FloatField(_("训练耗时（秒）"), default=0)
    size_bytes = models.PositiveIntegerField(_("模型大小（字节）"), default=0)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    artefact = models.BinaryField(_("模型文件"), editable=False)
    is_active = models.BooleanField(_("启用"), default=False)
    activated_at = models.DateTimeField(_("启用时间"), null=True, blank=True)

    objects = WithoutArtefact()

    class Meta:
        verbose_name = _("分派模型")
        verbose_name_plural = _("分派模型")
        ordering = ["-version"]
        constraints = [
            # The one active model per target (routing.predict reads it on every reload).
            models.UniqueConstraint(
                fields=["target"], condition=models.Q(is_active=True), name="routing_one_active_per_target"
            ),
        ]

    def __str__(self) -> str:
        return f"v{self.version} ({self.get_target_display()})"
