"""Listeners told, after commit, which wishes changed in a way other apps keep figures of (the
assessment's realised wishes per community, rankings). Layering forbids ``wishes`` from importing
the apps above it, so they register here from their ``AppConfig.ready()``::

    from quanyu.wishes.hooks import on_wish_changed
    on_wish_changed(lambda wish_ids: ...)

``wish_changed(wish_id)`` is called by the services that change a figure (confirmation, a dispute
resolved, a cancellation); listeners run once the transaction has committed
(``transaction.on_commit(robust=True)``: one that raises is logged and the step stays committed),
never for a rollback. They must be idempotent and read what they need from the database. An
explicit registry, not a Django signal (STYLE.md §8).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable

from django.db import transaction

logger = logging.getLogger(__name__)

Listener = Callable[[frozenset[int]], object]
_listeners: list[Listener] = []


def on_wish_changed(fn: Listener) -> Listener:
    if fn not in _listeners:
        _listeners.append(fn)
    return fn


def remove_wish_listener(fn: Listener) -> None:
    if fn in _listeners:
        _listeners.remove(fn)


def _tell(ids: frozenset[int]) -> None:
    for fn in tuple(_listeners):
        try:
            fn(ids)
        except Exception:
            logger.exception("wish listener %r failed for %s", fn, sorted(ids))


def wish_changed(wish_id: int) -> None:
    """Tell the listeners about ``wish_id`` after the transaction commits."""
    if _listeners:
        ids = frozenset({wish_id})
        transaction.on_commit(lambda: _tell(ids))


def wishes_changed(wish_ids: Iterable[int]) -> None:
    """``wish_changed`` for many wishes at once (a bulk load): the listeners are told once."""
    ids = frozenset(wish_ids)
    if _listeners and ids:
        transaction.on_commit(lambda: _tell(ids))
