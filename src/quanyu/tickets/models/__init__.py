"""The e呼应 loop's tables: tickets (工单), whistles (呼叫), the event history, photos (``ticket``),
ratings, supervision orders (督办单), reminders and the re-handling ledger (重办台账) (``feedback``).

Only ``quanyu.tickets.services`` writes these tables. Deadlines are stored timestamps; whether a
ticket or a whistle is overdue is derived at query time (``selectors``).
"""

from quanyu.tickets.models.feedback import Rating, RehandlingEntry, Reminder, SupervisionOrder
from quanyu.tickets.models.ticket import (
    SATISFIED_LEVELS,
    Channel,
    EmergencyTarget,
    EventKind,
    RatingLevel,
    Ticket,
    TicketEvent,
    TicketPhoto,
    Whistle,
)

__all__ = [
    "SATISFIED_LEVELS",
    "Channel",
    "EmergencyTarget",
    "EventKind",
    "Rating",
    "RatingLevel",
    "RehandlingEntry",
    "Reminder",
    "SupervisionOrder",
    "Ticket",
    "TicketEvent",
    "TicketPhoto",
    "Whistle",
]
