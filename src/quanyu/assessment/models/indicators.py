"""Indicator-based assessment (指标考核): a set of indicators per year and level, the periods it
is scored for, the scores (frozen with their period), the hand-scored entries with evidence, the
deductions and vetoes, and the events of all of them.

Written only by ``quanyu.assessment.indicators.services``."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from quanyu.areas.models import Area
from quanyu.assessment.states import EntryStatus, PeriodStatus, SetStatus
from quanyu.core.workflow.events import EventBase
from quanyu.orgs.models import Unit

User = settings.AUTH_USER_MODEL
LIST_SIZE_MAX = 20


class Level(models.TextChoices):
    """Who ranks whom: the district its streets, a street its communities, the organisation
    department the departments and resident units of its area."""

    STREET = "street", _("区考核街道")
    COMMUNITY = "community", _("街道考核社区")
    UNIT = "unit", _("组织部考核部门和驻区单位")


class Direction(models.TextChoices):
    HIGHER = "higher", _("越高越好")
    LOWER = "lower", _("越低越好")


class ScoreRule(models.TextChoices):
    LINEAR = "linear", _("底线与目标间线性计分")
    THRESHOLDS = "thresholds", _("分档计分")
    RANK = "rank", _("按名次计分")


class Source(models.TextChoices):
    COMPUTED = "computed", _("平台计算")
    MANUAL = "manual", _("人工评分")


class IndicatorSet(models.Model):
    """The indicators one owner assesses its targets by in one year."""

    scope_path_field = "area__path"

    year = models.PositiveSmallIntegerField(_("年度"))
    level = models.CharField(_("考核层级"), max_length=12, choices=Level.choices)
    area = models.ForeignKey(
        Area, verbose_name=_("考核主体区域"), on_delete=models.PROTECT, related_name="indicator_sets"
    )
    name = models.CharField(_("名称"), max_length=120)
    status = models.CharField(_("状态"), max_length=12, choices=SetStatus.choices, default=SetStatus.DRAFT)
    # How many the bulletin's red and black lists name (top and bottom); kept with a frozen
    # period's digest, so changing it later never changes a published bulletin.
    list_size = models.PositiveSmallIntegerField(
        _("红黑榜人数"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(LIST_SIZE_MAX)],
        help_text=_("通报的红榜、黑榜各列前、后几名（1–20）"),
    )
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("考核指标体系")
        verbose_name_plural = _("考核指标体系")
        ordering = ["-year", "level", "id"]
        constraints = [
            models.UniqueConstraint(fields=["year", "level", "area"], name="indicator_set_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class Indicator(models.Model):
    indicator_set = models.ForeignKey(IndicatorSet, on_delete=models.CASCADE, related_name="indicators")
    position = models.PositiveSmallIntegerField(_("序号"))
    name = models.CharField(_("指标名称"), max_length=120)
    category = models.CharField(_("类别"), max_length=40, blank=True)
    weight = models.DecimalField(_("权重（分值）"), max_digits=6, decimal_places=2)
    direction = models.CharField(_("方向"), max_length=8, choices=Direction.choices, default=Direction.HIGHER)
    rule = models.CharField(_("计分规则"), max_length=12, choices=ScoreRule.choices, default=ScoreRule.LINEAR)
    floor = models.DecimalField(_("底线值"), max_digits=12, decimal_places=4, null=True, blank=True)
    target = models.DecimalField(_("目标值"), max_digits=12, decimal_places=4, null=True, blank=True)
    thresholds = models.JSONField(
        _("分档"),
        default=list,
        blank=True,
        help_text=_("[[达到的值, 得分比例], …]，如 [[0.9, 1], [0.8, 0.6]]"),
    )
    source = models.CharField(_("来源"), max_length=10, choices=Source.choices)
    provider = models.CharField(_("计算方法"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("考核指标")
        verbose_name_plural = _("考核指标")
        ordering = ["indicator_set_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["indicator_set", "position"], name="indicator_position_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class ScorePeriod(models.Model):
    """One period a set is scored for; frozen, its scores never change."""

    indicator_set = models.ForeignKey(IndicatorSet, on_delete=models.PROTECT, related_name="periods")
    period = models.CharField(_("考核期间"), max_length=10)
    start = models.DateField(_("起始日"))
    end = models.DateField(_("截止日"), help_text=_("不含当日"))
    status = models.CharField(
        _("状态"), max_length=8, choices=PeriodStatus.choices, default=PeriodStatus.OPEN
    )
    computed_at = models.DateTimeField(_("计算时间"), null=True, blank=True)
    frozen_at = models.DateTimeField(_("冻结时间"), null=True, blank=True)
    frozen_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    note = models.TextField(_("通报说明"), blank=True)
    # What the bulletin shows beside the scores, kept at freezing so the bulletin never changes
    # (the hot topics of the period's tickets).
    digest = models.JSONField(_("通报摘要"), default=dict, blank=True)

    class Meta:
        verbose_name = _("考核期")
        verbose_name_plural = _("考核期")
        ordering = ["indicator_set_id", "-start"]
        constraints = [
            models.UniqueConstraint(fields=["indicator_set", "period"], name="score_period_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_set_id} {self.period}"


class Score(models.Model):
    """One target's figure and score on one indicator (``indicator`` null: the total, with its
    rank) in one period. ``numerator``/``denominator`` keep the figure's parts, so a parent's
    figure is the sum of its children's."""

    score_period = models.ForeignKey(ScorePeriod, on_delete=models.CASCADE, related_name="scores")
    indicator = models.ForeignKey(Indicator, null=True, on_delete=models.CASCADE, related_name="+")
    target_area = models.ForeignKey(Area, null=True, on_delete=models.PROTECT, related_name="+")
    target_unit = models.ForeignKey(Unit, null=True, on_delete=models.PROTECT, related_name="+")
    target_name = models.CharField(_("考核对象"), max_length=150)
    numerator = models.DecimalField(max_digits=16, decimal_places=4, null=True)
    denominator = models.DecimalField(max_digits=16, decimal_places=4, null=True)
    value = models.DecimalField(_("指标值"), max_digits=16, decimal_places=4, null=True)
    score = models.DecimalField(_("得分"), max_digits=8, decimal_places=2)
    rank = models.PositiveSmallIntegerField(_("名次"), null=True)
    vetoed = models.BooleanField(_("一票否决"), default=False)
    deducted = models.DecimalField(_("扣分"), max_digits=8, decimal_places=2, default=0)

    class Meta:
        verbose_name = _("考核得分")
        verbose_name_plural = _("考核得分")
        ordering = ["score_period_id", "indicator_id", "id"]
        indexes = [models.Index(fields=["score_period", "indicator"], name="score_period_indicator")]

    def __str__(self) -> str:
        return f"{self.target_name} {self.score}"


class ManualEntry(models.Model):
    """A hand-scored indicator for one target and period: the assessed side's statement and
    evidence, the assessor's score and comment."""

    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="entries")
    period = models.CharField(_("考核期间"), max_length=10)
    target_area = models.ForeignKey(Area, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    target_unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    statement = models.TextField(_("自评说明"))
    status = models.CharField(
        _("状态"), max_length=10, choices=EntryStatus.choices, default=EntryStatus.SUBMITTED
    )
    score = models.DecimalField(_("得分"), max_digits=8, decimal_places=2, null=True, blank=True)
    comment = models.CharField(_("评分意见"), max_length=500, blank=True)
    submitted_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    submitted_at = models.DateTimeField(_("提交时间"))
    due_on = models.DateField(_("评分期限"), null=True, blank=True)
    # The assessors were reminded of this submission: 1 before ``due_on``, 2 once it passed
    # (``indicators.reminders``); a new submission starts again from 0.
    reminded = models.PositiveSmallIntegerField(_("提醒次数"), default=0)
    scored_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    scored_at = models.DateTimeField(_("评分时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("人工评分")
        verbose_name_plural = _("人工评分")
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "period", "target_area", "target_unit"], name="manual_entry_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.period}"


class EntryEvidence(models.Model):
    """One evidence file of a hand-scored entry (an entry has several; a new submission after a
    return adds to them)."""

    entry = models.ForeignKey(ManualEntry, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(_("佐证材料"), upload_to="assessment/evidence/%Y/%m/")
    name = models.CharField(_("文件名"), max_length=200)
    size = models.PositiveIntegerField(_("大小（字节）"), default=0)
    uploaded_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("佐证材料")
        verbose_name_plural = _("佐证材料")
        ordering = ["entry_id", "id"]

    def __str__(self) -> str:
        return self.name


class SubmissionDeadline(models.Model):
    """Until when the assessed side may submit its hand-scored entries for one period of a set
    (a timestamp set by the assessor; past it, submitting is refused and whoever has not
    submitted is overdue). ``overdue_told``: the sweep told the assessors who missed it."""

    indicator_set = models.ForeignKey(IndicatorSet, on_delete=models.CASCADE, related_name="deadlines")
    period = models.CharField(_("考核期间"), max_length=10)
    due_at = models.DateTimeField(_("提交截止时间"))
    set_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    set_at = models.DateTimeField(_("设定时间"), auto_now=True)
    overdue_told = models.BooleanField(_("已提醒逾期"), default=False)

    class Meta:
        verbose_name = _("材料提交期限")
        verbose_name_plural = _("材料提交期限")
        ordering = ["indicator_set_id", "due_at"]
        constraints = [
            models.UniqueConstraint(fields=["indicator_set", "period"], name="submission_deadline_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_set_id} {self.period}"


class Deduction(models.Model):
    """Points taken off a target's total in a period, or a veto (一票否决: the total is 0)."""

    score_period = models.ForeignKey(ScorePeriod, on_delete=models.PROTECT, related_name="deductions")
    target_area = models.ForeignKey(Area, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    target_unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    points = models.DecimalField(_("扣分"), max_digits=8, decimal_places=2, default=0)
    veto = models.BooleanField(_("一票否决"), default=False)
    reason = models.CharField(_("事由"), max_length=500)
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("扣分与否决")
        verbose_name_plural = _("扣分与否决")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.score_period_id} -{self.points}"


class IndicatorEvent(EventBase):
    """The history of a set: published, indicators added/removed, periods computed and frozen,
    entries submitted/scored/returned, deductions."""

    indicator_set = models.ForeignKey(IndicatorSet, on_delete=models.CASCADE, related_name="events")
    entry = models.ForeignKey(
        ManualEntry, null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )

    class Meta:
        verbose_name = _("考核事件")
        verbose_name_plural = _("考核事件")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["indicator_set", "at", "id"], name="indicator_event_timeline")]
