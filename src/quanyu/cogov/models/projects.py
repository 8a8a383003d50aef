"""Secretary-led projects (书记领办项目) and the community-affairs admission list (社区事务准入制)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from quanyu.areas.models import Area
from quanyu.cogov.states import AdmissionStatus, ProjectStatus
from quanyu.core.workflow.events import EventBase
from quanyu.orgs.models import Unit


class Rating(models.TextChoices):
    EXCELLENT = "excellent", _("优秀")
    GOOD = "good", _("良好")
    FAIR = "fair", _("一般")
    POOR = "poor", _("较差")


class SecretaryProject(models.Model):
    scope_path_field = "area__path"

    area = models.ForeignKey(Area, verbose_name=_("街道/社区"), on_delete=models.PROTECT, related_name="+")
    secretary = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("领办书记"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("年度"), db_index=True)
    title = models.CharField(_("项目名称"), max_length=150)
    goal = models.TextField(_("目标"))
    indicators = models.TextField(_("指标"), blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=ProjectStatus.choices, default=ProjectStatus.RUNNING, db_index=True
    )
    rectify_by = models.DateField(_("整改期限"), null=True, blank=True)
    final_rating = models.CharField(_("终评等次"), max_length=16, choices=Rating.choices, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("书记领办项目")
        verbose_name_plural = _("书记领办项目")
        ordering = ["-year", "area__path", "id"]

    def __str__(self) -> str:
        return self.title


class Milestone(models.Model):
    project = models.ForeignKey(SecretaryProject, on_delete=models.CASCADE, related_name="milestones")
    name = models.CharField(_("节点"), max_length=150)
    due = models.DateField(_("计划日期"))
    done_on = models.DateField(_("完成日期"), null=True, blank=True)

    class Meta:
        ordering = ["due", "id"]

    def __str__(self) -> str:
        return self.name

    def is_late(self, today: dt.date) -> bool:
        return self.done_on is None and self.due < today


class ReviewKind(models.TextChoices):
    QUARTERLY = "quarterly", _("季度点评")
    HALF_YEAR = "half_year", _("半年研判")
    RECTIFICATION = "rectification", _("限期整改")
    RECTIFIED = "rectified", _("整改完成")
    FINAL = "final", _("终期评价")


class ProjectReview(models.Model):
    project = models.ForeignKey(SecretaryProject, on_delete=models.CASCADE, related_name="reviews")
    kind = models.CharField(_("类型"), max_length=16, choices=ReviewKind.choices)
    rating = models.CharField(_("等次"), max_length=16, choices=Rating.choices, blank=True)
    comment = models.TextField(_("意见"))
    deadline = models.DateField(_("整改期限"), null=True, blank=True)
    reviewer_name = models.CharField(_("评议人"), max_length=150)
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.project_id} {self.kind}"


class ProjectEvent(EventBase):
    project = models.ForeignKey(SecretaryProject, on_delete=models.CASCADE, related_name="events")

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["project", "at", "id"], name="cogov_project_timeline")]


class AdmissionItem(models.Model):
    """One entry of the district's list of work departments may push down to communities."""

    scope_path_field = "district__path"

    district = models.ForeignKey(Area, verbose_name=_("区县"), on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(
        Unit, verbose_name=_("职能部门"), on_delete=models.PROTECT, related_name="cogov_admission_items"
    )
    title = models.CharField(_("准入事项"), max_length=200)
    legal_basis = models.CharField(_("法律依据"), max_length=300)
    funding_follows = models.BooleanField(_("费随事转"), default=False)
    active = models.BooleanField(_("有效"), default=True)

    class Meta:
        verbose_name = _("社区事务准入事项")
        verbose_name_plural = _("社区事务准入清单")
        ordering = ["department__name", "title", "id"]

    def __str__(self) -> str:
        return self.title


class AdmissionRequest(models.Model):
    """A department's task pushed to a community, and what the admission list made of it."""

    scope_path_field = "community__path"

    department = models.ForeignKey(
        Unit, verbose_name=_("职能部门"), on_delete=models.PROTECT, related_name="+"
    )
    community = models.ForeignKey(Area, verbose_name=_("社区"), on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("工作事项"), max_length=200)
    item = models.ForeignKey(
        AdmissionItem, verbose_name=_("准入事项"), null=True, blank=True, on_delete=models.PROTECT
    )
    status = models.CharField(_("结果"), max_length=16, choices=AdmissionStatus.choices, db_index=True)
    rule = models.CharField(_("依据"), max_length=300, blank=True)
    decided_note = models.CharField(_("审批意见"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("下沉社区事项")
        verbose_name_plural = _("下沉社区事项")
        ordering = ["-created_at", "id"]

    def __str__(self) -> str:
        return self.title


class AdmissionEvent(EventBase):
    """The history of a push: ``pushed`` (with the status the list gave it), ``approved``/``rejected``."""

    request = models.ForeignKey(AdmissionRequest, on_delete=models.CASCADE, related_name="events")

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["request", "at", "id"], name="cogov_admission_timeline")]
