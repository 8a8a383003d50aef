"""The request catalogue (事项目录) and the working-day calendar.

``Category`` is a two-level tree: a top-level category (大类, ``parent`` empty) groups items
(小类, ``parent`` set). Tickets are filed against items; the time limits, the first handling tier
and the responsible departments of an item are what the ticket's deadlines and dispatch use.
``Holiday`` is the administrator-editable list of statutory holidays and adjusted workdays (调休)
that working-day deadlines are counted against (seeded from ``chinese_calendar``).
"""

from __future__ import annotations

import re

from django.db import models
from django.utils.translation import gettext_lazy as _

from quanyu.orgs.models import Unit, UnitKind


class Tier(models.TextChoices):
    """The tiers that handle a ticket before the street whistles a department, lowest first."""

    GRID = "grid", _("网格")
    COMMUNITY = "community", _("社区")
    STREET = "street", _("街道")


TIER_ORDER: list[str] = [Tier.GRID, Tier.COMMUNITY, Tier.STREET]

_KEYWORD_SPLIT = re.compile(r"[\s,，、;；|/]+")


class Category(models.Model):
    """A category (大类) or an item (小类) of the request catalogue.

    Only items (``parent`` set) are assigned to tickets. The limits are counted from dispatch:
    ``response_hours`` (working hours when ``working_days`` is on, else calendar hours) and
    ``completion_days`` (working days, or calendar days when ``working_days`` is off).
    """

    parent = models.ForeignKey(
        "self",
        verbose_name=_("所属大类"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    code = models.CharField(_("编码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    description = models.TextField(_("说明"), blank=True)
    departments = models.ManyToManyField(
        Unit,
        verbose_name=_("责任部门"),
        blank=True,
        related_name="catalog_categories",
        limit_choices_to={"kind": UnitKind.DEPARTMENT},
    )
    lead_department = models.ForeignKey(
        Unit,
        verbose_name=_("主办部门"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="lead_categories",
        limit_choices_to={"kind": UnitKind.DEPARTMENT},
    )
    first_tier = models.CharField(_("首办层级"), max_length=16, choices=Tier.choices, default=Tier.GRID)
    response_hours = models.PositiveIntegerField(_("响应时限（小时）"), default=24)
    completion_days = models.PositiveIntegerField(_("办结时限（工作日）"), default=5)
    working_days = models.BooleanField(
        _("按工作日计算"), default=True, help_text=_("关闭时按自然日/自然小时计算时限")
    )
    is_one_window = models.BooleanField(_("一窗受理事项"), default=False)
    materials = models.JSONField(
        _("申请材料"), default=list, blank=True, help_text=_("一窗受理事项所需材料清单（字符串列表）")
    )
    open311_published = models.BooleanField(_("发布为 Open311 服务"), default=False)
    service_code = models.CharField(
        _("Open311 服务编码"), max_length=32, blank=True, help_text=_("发布为 Open311 服务时必填，全局唯一")
    )
    keywords = models.TextField(
        _("关键词"), blank=True, help_text=_("用于自动分类建议，以空格、逗号或顿号分隔")
    )
    active = models.BooleanField(_("启用"), default=True)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("事项类别")
        verbose_name_plural = _("事项类别")
        ordering = ["sort_order", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["service_code"],
                condition=~models.Q(service_code=""),
                name="category_unique_service_code",
            ),
            models.CheckConstraint(
                condition=~models.Q(open311_published=True, service_code=""),
                name="category_open311_needs_service_code",
            ),
        ]

    def __str__(self) -> str:
        if self.parent_id is not None and self.parent is not None:
            return f"{self.parent.name}/{self.name}"
        return self.name

    @property
    def is_item(self) -> bool:
        """True for an item (小类), which tickets are filed against."""
        return self.parent_id is not None

    @property
    def keyword_list(self) -> list[str]:
        return [k for k in _KEYWORD_SPLIT.split(self.keywords or "") if k]


class Holiday(models.Model):
    """One day that differs from the Monday–Friday week: a statutory holiday or an adjusted
    workday (调休, a weekend day worked). A year counts as known once it has at least one row."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("法定节假日")
        WORKDAY = "workday", _("调休工作日")

    date = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    name = models.CharField(_("名称"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("节假日")
        verbose_name_plural = _("节假日")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.get_kind_display()} {self.name}"
