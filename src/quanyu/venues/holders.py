"""Records of other apps that hold a booking (a volunteering activity, a cogov session), told when
the venue's side ends it: the venue's staff decline or cancel it, or its booker cancels it on the
venue's pages — anything but the holder's own ``linked_booking_cancel``. Layering forbids venues
from importing those apps, so they register here from their ``AppConfig.ready()``::

    from quanyu.venues import holders
    holders.register(holders.Holder(name="volunteering", lock=..., released=...))

Both callables run inside the booking's transaction, so the record changes with the booking or
not at all: ``lock(booking_id)`` before the booking's row lock (a holder moving its booking takes
its record's lock, then the booking's: the same order here, so the two cannot deadlock), and
``released(booking, actor, reason)`` after the booking's status changed (clear the room on the
record, tell its organiser through ``notify``). An explicit registry, not a Django signal
(STYLE.md §8).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from quanyu.venues.models import Booking


@dataclass(frozen=True)
class Holder:
    name: str
    lock: Callable[[int], object]
    released: Callable[[Booking, Any, str], object]


_holders: dict[str, Holder] = {}


def register(holder: Holder) -> Holder:
    _holders[holder.name] = holder
    return holder


def lock_holding(booking_id: int) -> None:
    """Lock the records holding the booking (before the booking's own lock)."""
    for holder in tuple(_holders.values()):
        holder.lock(booking_id)


def tell_released(booking: Booking, actor: Any, reason: str) -> None:
    """The booking was declined or cancelled from the venue's side: its holders update their record."""
    for holder in tuple(_holders.values()):
        holder.released(booking, actor, reason)
