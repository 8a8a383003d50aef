"""E-mail channel through Django's configured e-mail backend (``EMAIL_BACKEND``). Delivered from
the outbox: a backend error is raised, so the drain retries the channel later. It reaches the
recipients' own addresses and the extra addresses of the message (``Message.emails``: a
requester's contact e-mail), each address once."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage, get_connection

from quanyu.notify.channels import Message, register


def addresses(message: Message) -> list[str]:
    """The addresses ``message`` goes to: users' own, then the extra ones, each once (compared
    without case)."""
    found: dict[str, str] = {}
    for address in [getattr(u, "email", "") for u in message.recipients] + list(message.emails):
        address = (address or "").strip()
        if address:
            found.setdefault(address.lower(), address)
    return sorted(found.values())


class EmailChannel:
    name = "email"

    def reaches(self, message: Message) -> bool:
        return bool(addresses(message))

    def deliver(self, message: Message) -> int:
        to = addresses(message)
        if not to:
            return 0
        body = message.body + (f"\n\n{message.link}" if message.link else "")
        sender = getattr(settings, "DEFAULT_FROM_EMAIL", None)
        mails = [EmailMessage(subject=message.title, body=body, from_email=sender, to=[a]) for a in to]
        return get_connection(fail_silently=False).send_messages(mails) or 0


register(EmailChannel())
