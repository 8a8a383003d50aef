"""Co-building contracts (契约化共建): one or more units and a street or community, for a year."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from quanyu.areas.models import Area
from quanyu.cogov.states import CONTRACT_INITIAL, ContractStatus
from quanyu.core.workflow.events import EventBase
from quanyu.orgs.models import Unit


class ResourceKind(models.TextChoices):
    VENUE = "venue", _("场地")
    FUNDS = "funds", _("资金")
    PEOPLE = "people", _("人员")
    EQUIPMENT = "equipment", _("设备")
    EXPERTISE = "expertise", _("专业技术")


class Contract(models.Model):
    """One year's agreement. ``offers`` lists what the units bring (``[{"kind", "text"}]``),
    ``needs`` what the street or community asked for; the agreed work is in ``projects``."""

    scope_path_field = "area__path"

    area = models.ForeignKey(
        Area, verbose_name=_("街道/社区"), on_delete=models.PROTECT, related_name="cogov_contracts"
    )
    units = models.ManyToManyField(Unit, verbose_name=_("共建单位"), related_name="cogov_contracts")
    year = models.PositiveSmallIntegerField(_("年度"), db_index=True)
    title = models.CharField(_("名称"), max_length=150)
    offers = models.JSONField(_("单位资源"), default=list, blank=True)
    needs = models.TextField(_("社区需求"), blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=ContractStatus.choices, default=CONTRACT_INITIAL, db_index=True
    )
    unit_signed_at = models.DateTimeField(_("单位签订时间"), null=True, blank=True)
    area_signed_at = models.DateTimeField(_("街道/社区签订时间"), null=True, blank=True)
    scores = models.JSONField(_("评估得分"), default=dict, blank=True)
    score_total = models.DecimalField(_("总分"), max_digits=6, decimal_places=1, null=True, blank=True)
    unit_report = models.TextField(_("单位自评报告"), blank=True)
    feedback = models.TextField(_("反馈意见"), blank=True)
    commended = models.BooleanField(_("推荐表彰"), default=False)
    renewed_from = models.OneToOneField(
        "self",
        verbose_name=_("续签自"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="renewal",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("共建契约")
        verbose_name_plural = _("共建契约")
        ordering = ["-year", "id"]

    def __str__(self) -> str:
        return f"{self.year} {self.title}"


class ContractProject(models.Model):
    """An agreed project of a contract, with its owner, schedule and progress (0–100)."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="projects")
    name = models.CharField(_("项目名称"), max_length=150)
    owner = models.CharField(_("责任人"), max_length=50)
    owner_unit = models.ForeignKey(
        Unit, verbose_name=_("责任单位"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    starts = models.DateField(_("开始日期"))
    ends = models.DateField(_("完成日期"))
    progress = models.PositiveSmallIntegerField(
        _("进度"), default=0, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    progress_note = models.CharField(_("进展说明"), max_length=500, blank=True)
    carried_over = models.BooleanField(_("上年结转"), default=False)

    class Meta:
        verbose_name = _("共建项目")
        verbose_name_plural = _("共建项目")
        ordering = ["contract_id", "starts", "id"]

    def __str__(self) -> str:
        return self.name


class ContractEventKind(models.TextChoices):
    CREATED = "created", _("起草")
    PROJECT_ADDED = "project_added", _("添加项目")
    SIGNED_UNIT = "signed_unit", _("单位签订")
    SIGNED_AREA = "signed_area", _("街道/社区签订")
    SUPERVISED = "supervised", _("中期督导")
    REMINDED = "reminded", _("提醒")
    UNIT_REPORT = "unit_report", _("单位自评")
    EVALUATED = "evaluated", _("年终评估")
    RENEWED = "renewed", _("续签")
    TERMINATED = "terminated", _("终止")
    CANCELLED = "cancelled", _("作废")


class ContractEvent(EventBase):
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("事件"), max_length=32, choices=ContractEventKind.choices)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["contract", "at", "id"], name="cogov_contract_timeline")]
