"""What follows a ticket's handling: ratings (评价) and their appeals, supervision orders (督办单),
reminders, and the re-handling ledger (重办台账)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from quanyu.orgs.models import Unit
from quanyu.tickets.models.ticket import RatingLevel, Ticket, Whistle

User = settings.AUTH_USER_MODEL


class Rating(models.Model):
    """The requester's rating (via the link or logged in) or a staff callback (回访) by phone.
    The ticket's effective rating is its latest one that ``counts``; an upheld appeal stops a
    rating from counting."""

    class Via(models.TextChoices):
        LINK = "link", _("评价链接")
        REQUESTER = "requester", _("本人评价")
        CALLBACK = "callback", _("电话回访")

    class Appeal(models.TextChoices):
        NONE = "", _("无")
        PENDING = "pending", _("申诉待裁定")
        UPHELD = "upheld", _("申诉成立")
        REJECTED = "rejected", _("申诉驳回")

    ticket = models.ForeignKey(
        Ticket, verbose_name=_("工单"), on_delete=models.CASCADE, related_name="ratings"
    )
    level = models.CharField(_("评价"), max_length=16, choices=RatingLevel.choices)
    comment = models.CharField(_("评价意见"), max_length=1000, blank=True)
    via = models.CharField(_("方式"), max_length=16, choices=Via.choices)
    rated_by = models.ForeignKey(
        User, verbose_name=_("记录人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("时间"), db_index=True)
    counts = models.BooleanField(_("计入满意率"), default=True)
    appeal_status = models.CharField(_("申诉"), max_length=16, choices=Appeal.choices, blank=True, default="")
    appeal_unit = models.ForeignKey(
        Unit, verbose_name=_("申诉部门"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    appeal_reason = models.CharField(_("申诉理由"), max_length=1000, blank=True)
    appealed_at = models.DateTimeField(_("申诉时间"), null=True, blank=True)
    appeal_decided_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    appeal_decided_at = models.DateTimeField(_("裁定时间"), null=True, blank=True)
    appeal_decision_note = models.CharField(_("裁定意见"), max_length=1000, blank=True)

    class Meta:
        verbose_name = _("评价")
        verbose_name_plural = _("评价")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"#{self.ticket_id} {self.get_level_display()}"


class SupervisionOrder(models.Model):
    """督办单: raised by hand (``manual``) or by the sweep when a limit passes. ``dedupe_key``
    makes the sweep's orders unique, so a second sweep raises nothing twice."""

    class Kind(models.TextChoices):
        MANUAL = "manual", _("人工督办")
        TICKET_RESPONSE = "ticket_response", _("受理超时")
        TICKET_COMPLETION = "ticket_completion", _("办结超时")
        WHISTLE_RESPONSE = "whistle_response", _("部门响应超时")
        WHISTLE_COMPLETION = "whistle_completion", _("部门办结超时")

    class Status(models.TextChoices):
        OPEN = "open", _("督办中")
        CLOSED = "closed", _("已销号")

    ticket = models.ForeignKey(
        Ticket, verbose_name=_("工单"), on_delete=models.CASCADE, related_name="supervisions"
    )
    whistle = models.ForeignKey(
        Whistle,
        verbose_name=_("呼叫"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="supervisions",
    )
    department = models.ForeignKey(
        Unit, verbose_name=_("被督办部门"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("类型"), max_length=32, choices=Kind.choices)
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    reason = models.CharField(_("督办事由"), max_length=1000, blank=True)
    due = models.DateTimeField(_("超过的期限"), null=True, blank=True)
    # The ticket's handling round (its reopen count) the limit belongs to: a reopened ticket whose
    # fresh limit falls on the same instant as the last one (both counted from one weekend) is
    # still a new limit.
    round = models.PositiveSmallIntegerField(_("办理轮次"), default=0)
    issued_by = models.ForeignKey(
        User, verbose_name=_("督办人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    issued_at = models.DateTimeField(_("督办时间"), db_index=True)
    closed_at = models.DateTimeField(_("销号时间"), null=True, blank=True)
    dedupe_key = models.CharField(max_length=120, null=True, blank=True, unique=True, editable=False)

    class Meta:
        verbose_name = _("督办单")
        verbose_name_plural = _("督办单")
        ordering = ["-issued_at", "-id"]

    def __str__(self) -> str:
        return f"督办 #{self.ticket_id} {self.get_kind_display()}"


class Reminder(models.Model):
    """A reminder sent before a limit passes. One per (what, deadline): ``dedupe_key`` is unique."""

    class Kind(models.TextChoices):
        TICKET_RESPONSE = "ticket_response", _("即将受理超时")
        TICKET_COMPLETION = "ticket_completion", _("即将办结超时")
        WHISTLE_RESPONSE = "whistle_response", _("即将响应超时")
        WHISTLE_COMPLETION = "whistle_completion", _("即将办结超时")

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="reminders")
    whistle = models.ForeignKey(
        Whistle, null=True, blank=True, on_delete=models.CASCADE, related_name="reminders"
    )
    kind = models.CharField(_("类型"), max_length=32, choices=Kind.choices)
    due = models.DateTimeField(_("期限"))
    round = models.PositiveSmallIntegerField(_("办理轮次"), default=0)  # as SupervisionOrder.round
    sent_at = models.DateTimeField(_("发送时间"), db_index=True)
    dedupe_key = models.CharField(max_length=120, unique=True, editable=False)

    class Meta:
        verbose_name = _("到期提醒")
        verbose_name_plural = _("到期提醒")
        ordering = ["-sent_at", "-id"]

    def __str__(self) -> str:
        return self.dedupe_key


class RehandlingEntry(models.Model):
    """重办台账: a 不满意 that could not reopen the ticket (the reopen allowance was used up)."""

    class Status(models.TextChoices):
        OPEN = "open", _("待重办")
        DONE = "done", _("已重办")

    ticket = models.ForeignKey(
        Ticket, verbose_name=_("工单"), on_delete=models.CASCADE, related_name="rehandling"
    )
    rating = models.OneToOneField(
        Rating, verbose_name=_("评价"), on_delete=models.CASCADE, related_name="rehandling"
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    done_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    note = models.CharField(_("重办情况"), max_length=1000, blank=True)

    class Meta:
        verbose_name = _("重办台账")
        verbose_name_plural = _("重办台账")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"重办 #{self.ticket_id}"
