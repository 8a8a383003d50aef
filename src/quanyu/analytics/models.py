"""What early warning keeps: the alerts raised (once each) and each district's choice of heat
formula. The figures themselves are computed from the tickets when asked (``analytics.board``)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from quanyu.analytics.hotspots import FORMULAS
from quanyu.areas.models import Area


class AlertKind(models.TextChoices):
    HOTSPOT = "hotspot", _("热点问题")
    SPIKE = "spike", _("异常激增")


class Alert(models.Model):
    """One early warning, raised once: ``key`` names the hot spot (street, place, problem, month)
    or the spike (community, item, day), so a repeated sweep finds it and raises nothing."""

    kind = models.CharField(_("预警类型"), max_length=16, choices=AlertKind.choices)
    key = models.CharField(_("预警键"), max_length=200, unique=True)
    area = models.ForeignKey(Area, verbose_name=_("区域"), on_delete=models.CASCADE, related_name="+")
    area_path = models.CharField(_("区域路径"), max_length=255)
    title = models.CharField(_("标题"), max_length=200)
    detail = models.JSONField(_("详情"), default=dict, help_text=_("热度及其输入、期望与实际数量等"))
    ticket_ids = models.JSONField(_("相关工单"), default=list)
    raised_at = models.DateTimeField(_("预警时间"))
    notified = models.PositiveIntegerField(_("通知人数"), default=0)

    scope_path_field = "area_path"

    class Meta:
        verbose_name = _("预警")
        verbose_name_plural = _("预警")
        ordering = ["-raised_at", "-id"]
        indexes = [
            models.Index(fields=["area_path"], name="alert_area_path", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["raised_at"], name="alert_raised_at"),
        ]

    def __str__(self) -> str:
        return self.title


class HeatSetting(models.Model):
    """The heat formula a district ranks its hot spots by (``analytics.hotspots.FORMULAS``);
    changed only by ``services.heat_formula_set``, which audits it."""

    district = models.OneToOneField(
        Area, verbose_name=_("区县"), on_delete=models.CASCADE, related_name="heat_setting"
    )
    formula = models.CharField(
        _("热度公式"), max_length=16, choices=[(name, name) for name in FORMULAS], default="balanced"
    )
    changed_at = models.DateTimeField(_("修改时间"), auto_now=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("修改人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("热度公式设置")
        verbose_name_plural = _("热度公式设置")

    def __str__(self) -> str:
        return f"{self.district} · {self.formula}"
