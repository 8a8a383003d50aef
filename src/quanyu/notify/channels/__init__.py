"""Delivery channels as plug-ins behind a registry (STYLE.md §10).

A channel is an object with a ``name`` and ``deliver(message)``; ``register`` adds it, and
``notify_send`` hands each message to every channel named in ``settings.QUANYU_NOTIFY_CHANNELS``
(default: in-app, e-mail, SMS). Channels pick the recipients they can reach (users or extra
addresses with an e-mail address, users or extra numbers with a phone) and ignore the rest.

A channel may also answer ``reaches(message) -> bool``: whether anyone in the message is
reachable by it at all (e-mail: an address; SMS: a number). ``notify_send`` writes an outbox row
only for the channels that reach someone; a channel without ``reaches`` is assumed to reach any
message with a recipient, number or address (``channel_reaches``).

A channel with ``immediate = True`` (in-app: rows in our own database) delivers inside the
caller's transaction; every other channel is delivered from the outbox after commit
(``quanyu.notify.outbox``), and raising from ``deliver`` there means "retry later".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.conf import settings

DEFAULT_CHANNELS = ("inapp", "email", "sms")


@dataclass(frozen=True)
class Message:
    """One notification to many recipients. ``phones`` and ``emails`` are extra numbers and
    addresses without an account (a requester's contact number and e-mail)."""

    recipients: Sequence[Any]
    kind: str
    title: str
    body: str = ""
    link: str = ""
    phones: Sequence[str] = field(default_factory=tuple)
    emails: Sequence[str] = field(default_factory=tuple)


class Channel(Protocol):
    name: str

    def deliver(self, message: Message) -> int:
        """Send ``message``; answer how many recipients it reached."""
        ...


_registry: dict[str, Channel] = {}


def register(channel: Channel) -> Channel:
    _registry[channel.name] = channel
    return channel


def get_channel(name: str) -> Channel:
    _load_builtin()
    try:
        return _registry[name]
    except KeyError:
        raise LookupError(f"unknown notification channel {name!r}; known: {sorted(_registry)}") from None


def is_immediate(channel: Channel) -> bool:
    return bool(getattr(channel, "immediate", False))


def channel_reaches(channel: Channel, message: Message) -> bool:
    """Whether ``channel`` has anyone to deliver ``message`` to: its own ``reaches`` where it has
    one, else any recipient, extra number or extra address."""
    reaches = getattr(channel, "reaches", None)
    if reaches is not None:
        return bool(reaches(message))
    return bool(message.recipients or message.phones or message.emails)


def enabled_channels() -> list[Channel]:
    names = getattr(settings, "QUANYU_NOTIFY_CHANNELS", DEFAULT_CHANNELS)
    return [get_channel(n) for n in names]


def _load_builtin() -> None:
    from quanyu.notify.channels import email, inapp, sms  # noqa: F401  (import registers them)
