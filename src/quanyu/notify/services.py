"""Sending notifications and marking them read."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from quanyu.notify.channels import Message, enabled_channels
from quanyu.notify.models import Notification

logger = logging.getLogger("quanyu.notify")


def notify_send(
    *,
    recipients: Iterable[Any],
    kind: str,
    title: str,
    body: str = "",
    link: str = "",
    phones: Sequence[str] = (),
) -> dict[str, int]:
    """Deliver one message over every enabled channel; answers {channel: recipients reached}.

    Callers inside a transaction register this with ``transaction.on_commit`` so nothing is sent
    for work that rolls back. A failing channel is logged and does not stop the others.
    """
    unique: dict[Any, Any] = {}
    for user in recipients:
        if user is not None and getattr(user, "pk", None) is not None:
            unique.setdefault(user.pk, user)
    message = Message(
        recipients=list(unique.values()), kind=kind, title=title, body=body, link=link, phones=tuple(phones)
    )
    reached: dict[str, int] = {}
    for channel in enabled_channels():
        try:
            reached[channel.name] = channel.deliver(message)
        except Exception:
            logger.exception("notification channel %s failed for %s", channel.name, kind)
            reached[channel.name] = 0
    return reached


def notify_on_commit(**kwargs: Any) -> None:
    """``notify_send(**kwargs)`` after the current transaction commits (at once outside one)."""
    transaction.on_commit(lambda: notify_send(**kwargs))


def notification_mark_read(*, actor: Any, notification_ids: Iterable[int] | None = None) -> int:
    """Mark the actor's notifications read (all unread ones when ``notification_ids`` is None).
    Other users' notifications are never touched. Answers how many changed."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return 0
    qs = Notification.objects.filter(recipient=actor, read_at__isnull=True)
    if notification_ids is not None:
        qs = qs.filter(pk__in=list(notification_ids))
    return qs.update(read_at=timezone.now())
