"""E-mail channel through Django's configured e-mail backend (``EMAIL_BACKEND``). Delivered from
the outbox: a backend error is raised, so the drain retries the channel later."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage, get_connection

from quanyu.notify.channels import Message, register


class EmailChannel:
    name = "email"

    def deliver(self, message: Message) -> int:
        addresses = sorted({u.email for u in message.recipients if getattr(u, "email", "")})
        if not addresses:
            return 0
        body = message.body + (f"\n\n{message.link}" if message.link else "")
        sender = getattr(settings, "DEFAULT_FROM_EMAIL", None)
        mails = [EmailMessage(subject=message.title, body=body, from_email=sender, to=[a]) for a in addresses]
        return get_connection(fail_silently=False).send_messages(mails) or 0


register(EmailChannel())
