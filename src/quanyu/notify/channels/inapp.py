"""In-app channel: one ``Notification`` row per recipient user, written in the caller's
transaction (``immediate``): users see it at once, and a rollback takes it back."""

from __future__ import annotations

from quanyu.core.rows import insert_many
from quanyu.notify.channels import Message, register
from quanyu.notify.models import Notification


class InAppChannel:
    name = "inapp"
    immediate = True

    def deliver(self, message: Message) -> int:
        rows = [
            Notification(
                recipient_id=user.pk,
                kind=message.kind,
                title=message.title[:200],
                body=message.body,
                link=message.link[:500],
            )
            for user in message.recipients
            if getattr(user, "pk", None) is not None
        ]
        return insert_many(rows)


register(InAppChannel())
