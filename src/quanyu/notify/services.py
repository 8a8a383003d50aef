"""Sending notifications and marking them read."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from quanyu.notify.channels import Message, channel_reaches, enabled_channels, is_immediate
from quanyu.notify.models import Notification, OutboxMessage
from quanyu.notify.outbox import outbox_record

logger = logging.getLogger("quanyu.notify")


@dataclass(frozen=True)
class Queued:
    """What ``notify_send`` did: recipients reached by the immediate channels (in-app), and the
    outbox row the other channels will be delivered from (None when none of them reaches anyone)."""

    reached: dict[str, int] = field(default_factory=dict)
    outbox: OutboxMessage | None = None


def _extra_emails(emails: Sequence[str]) -> tuple[str, ...]:
    """The extra addresses stripped, each once (without case), the malformed ones left out: a
    bad address would fail the whole e-mail batch at the server, and retry it for everyone."""
    kept: dict[str, str] = {}
    for raw in emails:
        address = (raw or "").strip()
        if not address:
            continue
        try:
            validate_email(address)
        except ValidationError:
            logger.warning("notification address left out: not an e-mail address")
            continue
        kept.setdefault(address.lower(), address)
    return tuple(kept.values())


def notify_send(
    *,
    recipients: Iterable[Any],
    kind: str,
    title: str,
    body: str = "",
    link: str = "",
    phones: Sequence[str] = (),
    emails: Sequence[str] = (),
) -> Queued:
    """Notify ``recipients`` (users), ``phones`` (extra numbers) and ``emails`` (extra addresses)
    over every enabled channel.

    Call it inside the transaction of the change it reports: immediate channels (in-app) write
    their rows there, and the channels that reach someone in the message (``channel_reaches``:
    e-mail an address, SMS a number) get one outbox row there, delivered after commit out of the
    request (``quanyu.notify.outbox``). No such channel, no row. A rollback leaves nothing.
    """
    unique: dict[Any, Any] = {}
    for user in recipients:
        if user is not None and getattr(user, "pk", None) is not None:
            unique.setdefault(user.pk, user)
    numbers = tuple(dict.fromkeys(p.strip() for p in phones if p and p.strip()))
    message = Message(
        recipients=list(unique.values()),
        kind=kind,
        title=title,
        body=body,
        link=link,
        phones=numbers,
        emails=_extra_emails(emails),
    )
    channels = enabled_channels()
    later = [c.name for c in channels if not is_immediate(c) and channel_reaches(c, message)]
    reached: dict[str, int] = {}
    outbox = None
    # Part of the caller's transaction (no savepoint of its own: a failure here fails the step).
    with transaction.atomic(savepoint=False):
        for channel in channels:
            if is_immediate(channel):
                reached[channel.name] = channel.deliver(message)
        if later:
            outbox = outbox_record(message, channels=later)
    return Queued(reached=reached, outbox=outbox)


def notification_mark_read(*, actor: Any, notification_ids: Iterable[int] | None = None) -> int:
    """Mark the actor's notifications read (all unread ones when ``notification_ids`` is None).
    Other users' notifications are never touched. Answers how many changed."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return 0
    qs = Notification.objects.filter(recipient=actor, read_at__isnull=True)
    if notification_ids is not None:
        qs = qs.filter(pk__in=list(notification_ids))
    return qs.update(read_at=timezone.now())


def notifications_settle(*, recipient_id: int, kind: str, link: str) -> int:
    """Mark read the recipient's unread notifications of ``kind`` that point at ``link``: what they
    asked for is done or no longer possible (a rating request once its ticket closed or reopened),
    so they must not keep asking. Read through the (recipient, read_at) index. A system step inside
    the caller's transaction; answers how many."""
    return Notification.objects.filter(
        recipient_id=recipient_id, read_at__isnull=True, kind=kind, link=link
    ).update(read_at=timezone.now())
