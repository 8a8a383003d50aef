"""Residents' deliberation (一征三议两公开): opinions with support, the vote of the residents'
(representatives') meeting, the supervisory council's objections (监事会), public notices."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from quanyu.areas.models import Area
from quanyu.cogov.states import DeliberationMethod, DeliberationStatus, ResultStatus
from quanyu.core.workflow.events import EventBase
from quanyu.orgs.models import Unit


class Deliberation(models.Model):
    scope_path_field = "community__path"

    community = models.ForeignKey(Area, verbose_name=_("社区"), on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("议题"), max_length=200)
    method = models.CharField(
        _("协商方式"), max_length=8, choices=DeliberationMethod.choices, default=DeliberationMethod.YIZHENG
    )
    description = models.TextField(_("说明"), blank=True)
    status = models.CharField(
        _("状态"),
        max_length=20,
        choices=DeliberationStatus.choices,
        default=DeliberationStatus.COLLECTING,
        db_index=True,
    )
    opinions_close = models.DateTimeField(_("意见征集截止"))
    proposal = models.TextField(_("党组织提议"), blank=True)
    committees_note = models.TextField(_("两委商议意见"), blank=True)
    # Who sat in the deliberation meeting: [{"kind": ParticipantKind, "name": str}, …].
    participants = models.JSONField(_("参会人员"), default=list, blank=True)
    entitled = models.PositiveIntegerField(_("应到人数"), default=0)
    vote_close = models.DateTimeField(_("表决截止"), null=True, blank=True)
    votes_for = models.PositiveIntegerField(_("赞成"), default=0)
    votes_against = models.PositiveIntegerField(_("反对"), default=0)
    votes_abstain = models.PositiveIntegerField(_("弃权"), default=0)
    decision = models.TextField(_("决议"), blank=True)
    published_at = models.DateTimeField(_("公开时间"), null=True, blank=True)
    notice_until = models.DateField(_("公示截止"), null=True, blank=True)
    result = models.TextField(_("实施结果"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("民主协商")
        verbose_name_plural = _("民主协商")
        ordering = ["-created_at", "id"]

    def __str__(self) -> str:
        return self.title


class Opinion(models.Model):
    deliberation = models.ForeignKey(Deliberation, on_delete=models.CASCADE, related_name="opinions")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    text = models.CharField(_("意见"), max_length=500)
    supporters = models.PositiveIntegerField(_("支持数"), default=0)
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)

    class Meta:
        ordering = ["-supporters", "id"]

    def __str__(self) -> str:
        return self.text


class Support(models.Model):
    opinion = models.ForeignKey(Opinion, on_delete=models.CASCADE, related_name="supports")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["opinion", "user"], name="cogov_support_once")]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.opinion_id}"


class Vote(models.Model):
    class Choice(models.TextChoices):
        FOR = "for", _("赞成")
        AGAINST = "against", _("反对")
        ABSTAIN = "abstain", _("弃权")

    deliberation = models.ForeignKey(Deliberation, on_delete=models.CASCADE, related_name="votes")
    voter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    choice = models.CharField(_("表决"), max_length=8, choices=Choice.choices)
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["deliberation", "voter"], name="cogov_vote_once")]

    def __str__(self) -> str:
        return f"{self.deliberation_id}: {self.voter_id}"


class Objection(models.Model):
    """An objection of the supervisory council (监事会): it holds a publication until answered."""

    deliberation = models.ForeignKey(Deliberation, on_delete=models.CASCADE, related_name="objections")
    text = models.CharField(_("异议"), max_length=500)
    raised_by_name = models.CharField(_("提出人"), max_length=150)
    answer = models.TextField(_("答复"), blank=True)
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("提出时间"), auto_now_add=True)

    def __str__(self) -> str:
        return self.text


class DeliberationEvent(EventBase):
    deliberation = models.ForeignKey(Deliberation, on_delete=models.CASCADE, related_name="events")

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["deliberation", "at", "id"], name="cogov_delib_timeline")]


class Result(models.Model):
    """An accountability item of a decision (落实事项): who does what by when, tracked to done; a
    parent's progress is weighted from its sub-results (as Decidim's accountability results)."""

    deliberation = models.ForeignKey(Deliberation, on_delete=models.CASCADE, related_name="results")
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级事项"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
    )
    title = models.CharField(_("落实事项"), max_length=200)
    owner = models.CharField(_("责任人/责任单位"), max_length=150)
    owner_unit = models.ForeignKey(
        Unit, verbose_name=_("责任单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    due = models.DateField(_("完成时限"))
    weight = models.PositiveSmallIntegerField(_("权重"), default=1)
    progress = models.PositiveSmallIntegerField(_("进度"), default=0)
    status = models.CharField(
        _("状态"), max_length=16, choices=ResultStatus.choices, default=ResultStatus.PLANNED, db_index=True
    )
    done_on = models.DateField(_("完成日期"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("落实事项")
        verbose_name_plural = _("落实事项")
        ordering = ["due", "id"]

    def __str__(self) -> str:
        return self.title

    def is_late(self, today: dt.date) -> bool:
        return self.status in (ResultStatus.PLANNED, ResultStatus.IN_PROGRESS) and self.due < today


class ResultEvent(EventBase):
    result = models.ForeignKey(Result, on_delete=models.CASCADE, related_name="events")

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["result", "at", "id"], name="cogov_result_timeline")]
