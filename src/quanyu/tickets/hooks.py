"""Listeners told when a ticket changed in a way other apps keep figures of.

Layering forbids ``tickets`` from importing the apps above it (``assessment`` keeps the department
rollup), so they register here instead, from their ``AppConfig.ready()``::

    from quanyu.tickets.hooks import on_ticket_changed
    on_ticket_changed(lambda ticket_id: assessment_record_ticket_change(ticket_id=ticket_id))

``ticket_changed(ticket_id)`` is called by the services inside their transaction, after the writes
(``services._base.move`` does it for every step that can change a whistle, the ticket's status or
its effective rating). Listeners run in that transaction: what they write commits or rolls back
with the change, and an exception aborts it. They must be idempotent — one service may call them
more than once. This is an explicit registry, not a Django signal (STYLE.md §8).
"""

from __future__ import annotations

from collections.abc import Callable

Listener = Callable[[int], object]

_listeners: list[Listener] = []


def on_ticket_changed(fn: Listener) -> Listener:
    """Register ``fn(ticket_id)``; registering the same function twice keeps one entry."""
    if fn not in _listeners:
        _listeners.append(fn)
    return fn


def remove_ticket_listener(fn: Listener) -> None:
    if fn in _listeners:
        _listeners.remove(fn)


def ticket_listeners() -> tuple[Listener, ...]:
    return tuple(_listeners)


def ticket_changed(ticket_id: int) -> None:
    """Tell every listener that ``ticket_id`` changed (in the caller's transaction)."""
    for fn in tuple(_listeners):
        fn(ticket_id)
