"""Listeners told, after commit, which tickets changed in a way other apps keep figures of.

Layering forbids ``tickets`` from importing the apps above it (``assessment`` keeps the department
rollup), so they register here instead, from their ``AppConfig.ready()``::

    from quanyu.tickets.hooks import on_ticket_changed
    on_ticket_changed(lambda ticket_ids: assessment_record_ticket_changes(ticket_ids=ticket_ids))

``ticket_changed(ticket_id)`` is called by the services inside their transaction, after the writes
(``services._base.move`` does it for every step that can change a whistle, the ticket's status or
its effective rating). It only collects the id: the listeners run once the transaction has
committed (``transaction.on_commit``), once per transaction with every ticket id it changed. So
they take no lock inside the resident's step and cannot roll it back: a listener that raises is
logged and the step stays committed (the periodic catch-up, e.g. ``assessment_sync``, repairs what
it missed). A transaction that rolls back tells nobody. Listeners must be idempotent and read what
they need from the database: they may also be handed ids of a savepoint that rolled back inside a
transaction that committed. This is
an explicit registry, not a Django signal (STYLE.md §8).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Set

from django.db import transaction

logger = logging.getLogger(__name__)

Listener = Callable[[frozenset[int]], object]

_listeners: list[Listener] = []


def on_ticket_changed(fn: Listener) -> Listener:
    """Register ``fn(ticket_ids)``; registering the same function twice keeps one entry."""
    if fn not in _listeners:
        _listeners.append(fn)
    return fn


def remove_ticket_listener(fn: Listener) -> None:
    if fn in _listeners:
        _listeners.remove(fn)


def ticket_listeners() -> tuple[Listener, ...]:
    return tuple(_listeners)


class _Batch:
    """The ticket ids changed by one transaction of this thread, told to the listeners once."""

    def __init__(self) -> None:
        self.ids: set[int] = set()
        self.told = False

    def tell(self) -> None:
        # Every ``ticket_changed`` of the transaction registered this; the first to run tells the
        # listeners about them all, the others find the batch told. A callback dropped with a
        # rolled-back savepoint leaves the others (registered outside it) to do it.
        if self.told:
            return
        self.told = True
        if _pending.batch is self:
            _pending.batch = None
        tell_listeners(frozenset(self.ids))


class _Pending(threading.local):
    batch: _Batch | None = None


_pending = _Pending()


def ticket_changed(ticket_id: int) -> None:
    """Note that ``ticket_id`` changed; the listeners hear of it after the transaction commits
    (at once outside a transaction)."""
    if not _listeners:
        return
    batch = _pending.batch
    if batch is None or batch.told or not _waiting(batch):
        batch = _pending.batch = _Batch()
    batch.ids.add(ticket_id)
    transaction.on_commit(batch.tell, robust=True)


def _waiting(batch: _Batch) -> bool:
    """Whether a ``tell`` of ``batch`` still waits for this thread's transaction to commit: not
    when that transaction (or the savepoint that registered it) rolled back, so a new transaction
    starts a batch of its own. Reads the connection's list of commit callbacks (Django's
    ``run_on_commit``: (savepoint ids, callback, robust)); without it, the batch is reused, which
    only adds ids the idempotent listeners recompute for nothing."""
    pending = getattr(transaction.get_connection(), "run_on_commit", None)
    if pending is None:
        return True
    return any(entry[1] == batch.tell for entry in pending)


def tell_listeners(ticket_ids: Set[int]) -> None:
    """Call every listener with ``ticket_ids`` now; one that raises is logged, the others still run."""
    if not ticket_ids:
        return
    ids = frozenset(ticket_ids)
    for fn in tuple(_listeners):
        try:
            fn(ids)
        except Exception:
            logger.exception("ticket listener %r failed for tickets %s", fn, sorted(ids))
