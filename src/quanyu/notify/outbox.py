"""The transactional outbox: channels other than in-app are delivered after commit, out of the
request.

* ``outbox_record(message, channels=…)`` writes one ``OutboxMessage`` in the caller's transaction
  (a rollback leaves nothing to send) and, with a broker, enqueues ``quanyu.notify.drain_outbox``
  after commit. Without one (the embedded default, Celery eager) nothing runs in the request: the
  demo scheduler (``quanyu.scheduler``), ``quanyu sweep`` and ``quanyu notify_drain`` drain.
* ``notify_drain()`` delivers the due rows. Safe with any number of concurrent drains: rows are
  claimed in a short transaction (``select_for_update(skip_locked=True)``, then their
  ``next_attempt_at`` is pushed by a lease), delivered outside any transaction (no lock is held
  while an SMTP server or SMS gateway answers; on SQLite the write lock is not held either), then
  marked. A channel that raises is retried with a doubling delay until
  ``QUANYU_NOTIFY_MAX_ATTEMPTS``; then the row is failed and its errors stay on it. A final row
  (sent or failed) keeps no extra numbers or addresses and no link (``FINAL_CLEARED``).

Delivery is once per row and channel while drains finish within the lease; a drain killed between
sending and marking lets the row be sent again after the lease (at least once, never lost).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from celery import current_app
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from quanyu.accounts.models import User
from quanyu.core.pii import redact_text
from quanyu.notify.channels import Message, get_channel
from quanyu.notify.models import OutboxMessage, OutboxStatus

DRAIN_TASK = "quanyu.notify.drain_outbox"

logger = logging.getLogger("quanyu.notify")

LEASE = dt.timedelta(minutes=10)
BATCH = 50
ERROR_MAX = 500
# What a final row (sent or failed) no longer needs and must not keep: the numbers and addresses
# without an account (personal data) and the link (it may carry a single-use rating token).
FINAL_CLEARED = {"phones": "", "emails": "", "link": ""}


def max_attempts() -> int:
    return max(1, int(getattr(settings, "QUANYU_NOTIFY_MAX_ATTEMPTS", 5)))


def retry_delay(attempts: int) -> dt.timedelta:
    """The wait before attempt ``attempts + 1``: QUANYU_NOTIFY_RETRY_SECONDS (60), doubling, at
    most an hour."""
    base = max(1, int(getattr(settings, "QUANYU_NOTIFY_RETRY_SECONDS", 60)))
    return dt.timedelta(seconds=min(base * 2 ** max(0, attempts - 1), 3600))


def outbox_record(message: Message, *, channels: Iterable[str]) -> OutboxMessage:
    """Write ``message`` to the outbox for ``channels`` inside the current transaction and have it
    drained after commit."""
    row = OutboxMessage.objects.create(
        kind=message.kind[:64],
        title=message.title[:200],
        body=message.body,
        link=message.link,
        recipient_ids=sorted({u.pk for u in message.recipients}),
        phones="\n".join(message.phones),
        emails="\n".join(message.emails),
        channels=list(channels),
    )
    drain_after_commit()
    return row


def drain_after_commit() -> None:
    """Enqueue a drain once the current transaction commits — only with a broker: eager Celery
    would run it in the request, which is what the outbox is for avoiding. A broker that is down
    is logged, not raised: the periodic drain sends the row later."""
    if current_app.conf.task_always_eager:
        return
    transaction.on_commit(enqueue_drain, robust=True)


def enqueue_drain() -> None:
    """Queue ``quanyu.notify.drain_outbox`` by name (tasks.py imports this module, not the
    other way round)."""
    current_app.send_task(DRAIN_TASK)


@dataclass
class DrainResult:
    sent: int = 0
    retried: int = 0
    failed: int = 0

    def as_dict(self) -> dict[str, int]:
        return {"sent": self.sent, "retried": self.retried, "failed": self.failed}


def _claim(now: dt.datetime, size: int) -> list[OutboxMessage]:
    """Take up to ``size`` due rows for this drain: locked rows (another drain's claim in
    progress) are skipped, and the taken ones are pushed by the lease before the lock goes."""
    with transaction.atomic():
        ids = list(
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(status=OutboxStatus.PENDING, next_attempt_at__lte=now)
            .order_by("next_attempt_at", "id")
            .values_list("id", flat=True)[:size]
        )
        if not ids:
            return []
        OutboxMessage.objects.filter(pk__in=ids).update(next_attempt_at=now + LEASE)
        return list(OutboxMessage.objects.filter(pk__in=ids).order_by("id"))


def _deliver(row: OutboxMessage, now: dt.datetime) -> str:
    """Hand a claimed row to its remaining channels and record the outcome; answers the status
    it ends in ("sent", "pending" for a retry, "failed")."""
    message = Message(
        recipients=list(User.objects.filter(pk__in=row.recipient_ids, is_active=True).order_by("pk")),
        kind=row.kind,
        title=row.title,
        body=row.body,
        link=row.link,
        phones=tuple(row.phone_list),
        emails=tuple(row.email_list),
    )
    remaining: list[str] = []
    reached, errors = dict(row.reached), dict(row.errors)
    for name in row.channels:
        try:
            reached[name] = get_channel(name).deliver(message)
        except Exception as exc:
            # A gateway's message may quote the number: masked in the row and the log.
            errors[name] = redact_text(f"{type(exc).__name__}: {exc}")[:ERROR_MAX]
            logger.warning("notification %s: channel %s failed: %s", row.pk, name, errors[name])
            logger.debug("notification %s: channel %s traceback", row.pk, name, exc_info=True)
            remaining.append(name)
        else:
            errors.pop(name, None)
    attempts = row.attempts + 1
    fields: dict[str, object] = {
        "attempts": attempts,
        "channels": remaining,
        "reached": reached,
        "errors": errors,
    }
    if not remaining:
        fields.update(status=OutboxStatus.SENT, sent_at=now, **FINAL_CLEARED)
    elif attempts >= max_attempts():
        fields.update(status=OutboxStatus.FAILED, sent_at=now, **FINAL_CLEARED)
        logger.error("notification %s failed after %d attempts: %s", row.pk, attempts, errors)
    else:
        fields.update(next_attempt_at=now + retry_delay(attempts))
    OutboxMessage.objects.filter(pk=row.pk).update(**fields)
    return str(fields.get("status", OutboxStatus.PENDING))


def notify_drain(*, now: dt.datetime | None = None, limit: int = 5000) -> DrainResult:
    """Deliver the outbox rows due at ``now`` (default: the current time), at most ``limit``.
    Concurrent drains never deliver a row twice. A retry is due later than ``now``, so one drain
    tries each row once."""
    result = DrainResult()
    taken = 0
    while taken < limit:
        at = now or timezone.now()
        rows = _claim(at, min(BATCH, limit - taken))
        if not rows:
            break
        taken += len(rows)
        for row in rows:
            status = _deliver(row, now or timezone.now())
            if status == OutboxStatus.SENT:
                result.sent += 1
            elif status == OutboxStatus.FAILED:
                result.failed += 1
            else:
                result.retried += 1
    return result
