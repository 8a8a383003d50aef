"""Sending notifications and marking them read."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from quanyu.notify.channels import Message, enabled_channels, is_immediate
from quanyu.notify.models import Notification, OutboxMessage
from quanyu.notify.outbox import outbox_record


@dataclass(frozen=True)
class Queued:
    """What ``notify_send`` did: recipients reached by the immediate channels (in-app), and the
    outbox row the other channels will be delivered from (None when they have nobody to reach)."""

    reached: dict[str, int] = field(default_factory=dict)
    outbox: OutboxMessage | None = None


def notify_send(
    *,
    recipients: Iterable[Any],
    kind: str,
    title: str,
    body: str = "",
    link: str = "",
    phones: Sequence[str] = (),
) -> Queued:
    """Notify ``recipients`` (users) and ``phones`` (extra numbers) over every enabled channel.

    Call it inside the transaction of the change it reports: immediate channels (in-app) write
    their rows there, and the others get one outbox row there, delivered after commit out of the
    request (``quanyu.notify.outbox``). A rollback leaves neither.
    """
    unique: dict[Any, Any] = {}
    for user in recipients:
        if user is not None and getattr(user, "pk", None) is not None:
            unique.setdefault(user.pk, user)
    numbers = tuple(dict.fromkeys(p.strip() for p in phones if p and p.strip()))
    message = Message(
        recipients=list(unique.values()), kind=kind, title=title, body=body, link=link, phones=numbers
    )
    channels = enabled_channels()
    later = [c.name for c in channels if not is_immediate(c)]
    reached: dict[str, int] = {}
    outbox = None
    # Part of the caller's transaction (no savepoint of its own: a failure here fails the step).
    with transaction.atomic(savepoint=False):
        for channel in channels:
            if is_immediate(channel):
                reached[channel.name] = channel.deliver(message)
        if later and (unique or numbers):
            outbox = outbox_record(message, channels=later)
    return Queued(reached=reached, outbox=outbox)


def notify_on_commit(**kwargs: Any) -> Queued:
    """The same as ``notify_send``: recording happens in the current transaction and delivery
    after its commit, so this name (kept for callers) needs nothing of its own."""
    return notify_send(**kwargs)


def notification_mark_read(*, actor: Any, notification_ids: Iterable[int] | None = None) -> int:
    """Mark the actor's notifications read (all unread ones when ``notification_ids`` is None).
    Other users' notifications are never touched. Answers how many changed."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return 0
    qs = Notification.objects.filter(recipient=actor, read_at__isnull=True)
    if notification_ids is not None:
        qs = qs.filter(pk__in=list(notification_ids))
    return qs.update(read_at=timezone.now())
