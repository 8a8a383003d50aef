"""Notifications: in-app messages (站内消息) and the outbox of the channels delivered later.

In-app rows are written in the caller's transaction (cheap, and users expect them at once). Every
other channel (e-mail, SMS, plug-ins) is delivered out of the request: ``notify_send`` writes one
``OutboxMessage`` in the same transaction, and ``quanyu.notify.outbox.notify_drain`` (a Celery task
after commit, the periodic drain, ``quanyu notify_drain``) delivers it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from quanyu.core.pii import EncryptedCharField


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("接收人"),
        on_delete=models.CASCADE,
        related_name="notifications",
        db_index=False,  # ("recipient", "read_at") below serves it
    )
    # No index of its own: read by recipient (with their unread), never searched by kind alone;
    # every index is paid on each of the rows a busy day writes.
    kind = models.CharField(_("类型"), max_length=64)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    link = models.CharField(_("链接"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("站内消息")
        verbose_name_plural = _("站内消息")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notify_recipient_unread")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("待发送")
    SENT = "sent", _("已发送")
    FAILED = "failed", _("发送失败")


class OutboxMessage(models.Model):
    """One message waiting for (or done with) its channels other than in-app.

    ``channels`` lists the channels still to deliver: a drain removes each one that succeeds and
    retries the rest later (``attempts``, ``next_attempt_at``, ``errors``) up to the cap, then
    the row is failed. ``next_attempt_at`` is also the claim: a drain that takes a row pushes it
    by a lease, so no other drain delivers it meanwhile. ``phones`` and ``emails`` (numbers and
    addresses without an account, one a line) are personal data: one ciphertext each. ``link`` is
    encrypted too: it may carry a single-use rating token. All three are cleared once the row is
    final (sent or failed)."""

    kind = models.CharField(_("类型"), max_length=64)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    link = EncryptedCharField(_("链接"), blank=True)
    recipient_ids = models.JSONField(_("接收人"), default=list)
    phones = EncryptedCharField(_("其他号码"), blank=True)
    emails = EncryptedCharField(_("其他邮箱"), blank=True)
    channels = models.JSONField(_("待发送渠道"), default=list)
    status = models.CharField(
        _("状态"), max_length=8, choices=OutboxStatus.choices, default=OutboxStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    next_attempt_at = models.DateTimeField(_("下次发送时间"), default=timezone.now)
    reached = models.JSONField(_("送达人数"), default=dict)
    errors = models.JSONField(_("错误"), default=dict)
    created_at = models.DateTimeField(_("时间"), default=timezone.now)
    sent_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("待发消息")
        verbose_name_plural = _("待发消息")
        ordering = ["-id"]
        indexes = [
            models.Index(
                fields=["next_attempt_at", "id"],
                condition=Q(status="pending"),
                name="notify_outbox_due",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def phone_list(self) -> list[str]:
        return [p for p in self.phones.split("\n") if p]

    @property
    def email_list(self) -> list[str]:
        return [e for e in self.emails.split("\n") if e]
