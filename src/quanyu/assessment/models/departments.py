"""Department scoring (部门考核): the scoring settings, the daily rollup the ranking reads, and the
published bulletins (通报) that freeze a period.

Only ``quanyu.assessment.services`` (bulletins, settings) and ``quanyu.assessment.rollup`` (the
rollup) write these tables. The rollup holds raw counts only, so changing the weights or what counts
as satisfied needs no rebuild.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from quanyu.orgs.models import Unit

User = settings.AUTH_USER_MODEL


class NoRatingPolicy(models.TextChoices):
    RESCALE = "rescale", _("按其余两项折算")
    FULL = "full", _("按满分计")
    ZERO = "zero", _("按零分计")


class ScoringConfig(models.Model):
    """The one row of scoring settings (pk 1), edited in the admin and shown next to the table."""

    weight_response = models.PositiveSmallIntegerField(_("响应率权重"), default=10)
    weight_completion = models.PositiveSmallIntegerField(_("办结率权重"), default=40)
    weight_satisfaction = models.PositiveSmallIntegerField(_("满意率权重"), default=50)
    basically_counts = models.BooleanField(
        _("基本满意计入满意"), default=True, help_text=_("满意率 = （满意 + 基本满意）/ 参评数")
    )
    no_rating_policy = models.CharField(
        _("无评价时满意率"),
        max_length=16,
        choices=NoRatingPolicy.choices,
        default=NoRatingPolicy.RESCALE,
        help_text=_("期间内没有有效评价的部门，满意率一项如何计分"),
    )
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)
    updated_by = models.ForeignKey(
        User, verbose_name=_("修改人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("部门考核设置")
        verbose_name_plural = _("部门考核设置")

    def __str__(self) -> str:
        return str(_("部门考核设置"))

    def clean(self) -> None:
        total = self.weight_response + self.weight_completion + self.weight_satisfaction
        if total != 100:
            raise ValidationError(
                {"weight_satisfaction": _("三项权重之和须为 100（当前为 %(n)d）") % {"n": total}}
            )


class DepartmentDayStat(models.Model):
    """Counts of one department's whistles received on one local (Asia/Shanghai) day.

    ``received`` counts the whistles that enter the department's figures (not withdrawn, not
    returned, ticket not cancelled/merged/transferred); ``returned`` the whistles it sent back
    (shown, not scored). The satisfied counts are split by level so that "what counts as satisfied"
    stays a setting."""

    department = models.ForeignKey(
        Unit, verbose_name=_("职能部门"), on_delete=models.CASCADE, related_name="assessment_days"
    )
    day = models.DateField(_("日期"))
    received = models.PositiveIntegerField(_("受理呼叫"), default=0)
    responded_in_time = models.PositiveIntegerField(_("按时响应"), default=0)
    resolved_in_time = models.PositiveIntegerField(_("按时办结"), default=0)
    rated = models.PositiveIntegerField(_("参评"), default=0)
    rated_satisfied = models.PositiveIntegerField(_("满意"), default=0)
    rated_basically = models.PositiveIntegerField(_("基本满意"), default=0)
    returned = models.PositiveIntegerField(_("退回"), default=0)
    computed_at = models.DateTimeField(_("计算时间"), auto_now=True)

    class Meta:
        verbose_name = _("部门日统计")
        verbose_name_plural = _("部门日统计")
        ordering = ["day", "department_id"]
        constraints = [
            models.UniqueConstraint(fields=["department", "day"], name="assessment_day_unique"),
        ]
        indexes = [models.Index(fields=["day", "department"], name="assessment_day_dept")]

    def __str__(self) -> str:
        return f"{self.department_id} {self.day}"


class RollupState(models.Model):
    """Where the rollup's catch-up from the ticket history stands (one row, pk 1)."""

    last_event_id = models.BigIntegerField(default=0)
    synced_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("统计同步状态")
        verbose_name_plural = _("统计同步状态")

    def __str__(self) -> str:
        return f"≤ #{self.last_event_id}"


class PeriodKind(models.TextChoices):
    MONTH = "month", _("月度")
    QUARTER = "quarter", _("季度")
    YEAR = "year", _("年度")


class Bulletin(models.Model):
    """A published ranking (通报) of one period. Its rows are a snapshot: later changes to the
    period's tickets do not alter them."""

    period = models.CharField(_("考核期间"), max_length=10, unique=True)
    period_kind = models.CharField(_("期间类型"), max_length=8, choices=PeriodKind.choices)
    period_start = models.DateField(_("起始日"))
    period_end = models.DateField(_("截止日"), help_text=_("不含当日"))
    title = models.CharField(_("标题"), max_length=200)
    note = models.TextField(_("通报说明"), blank=True)
    settings = models.JSONField(_("计分规则"), default=dict)
    published_at = models.DateTimeField(_("发布时间"), db_index=True)
    published_by = models.ForeignKey(
        User, verbose_name=_("发布人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("考核通报")
        verbose_name_plural = _("考核通报")
        ordering = ["-period_start", "-id"]

    def __str__(self) -> str:
        return self.title


class BulletinRow(models.Model):
    """One department's frozen figures in a bulletin."""

    bulletin = models.ForeignKey(Bulletin, on_delete=models.CASCADE, related_name="rows")
    department = models.ForeignKey(
        Unit, verbose_name=_("职能部门"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    department_name = models.CharField(_("部门名称"), max_length=150)
    position = models.PositiveSmallIntegerField(_("序号"))
    rank = models.PositiveSmallIntegerField(_("名次"), null=True, blank=True)
    received = models.PositiveIntegerField(_("受理呼叫"))
    responded_in_time = models.PositiveIntegerField(_("按时响应"))
    resolved_in_time = models.PositiveIntegerField(_("按时办结"))
    rated = models.PositiveIntegerField(_("参评"))
    satisfied = models.PositiveIntegerField(_("满意"))
    returned = models.PositiveIntegerField(_("退回"))
    response_rate = models.DecimalField(_("响应率"), max_digits=7, decimal_places=4, null=True)
    completion_rate = models.DecimalField(_("办结率"), max_digits=7, decimal_places=4, null=True)
    satisfaction_rate = models.DecimalField(_("满意率"), max_digits=7, decimal_places=4, null=True)
    score = models.DecimalField(_("得分"), max_digits=6, decimal_places=2, null=True)

    class Meta:
        verbose_name = _("通报明细")
        verbose_name_plural = _("通报明细")
        ordering = ["bulletin_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["bulletin", "position"], name="bulletin_row_position"),
        ]

    def __str__(self) -> str:
        return f"{self.bulletin_id} {self.department_name}"
