"""Reads that may go to a replica: the leaders' cockpit and its drill-downs sum months of tickets
for a whole district, and on a busy primary those scans compete with every intake's writes.

A deployment that runs a streaming replica of PostgreSQL sets ``QUANYU_REPLICA_URL``; settings.py
then adds the ``replica`` database. Code that only reads, and can show figures a second or two
behind, wraps its work in ``replica_reads()``: inside it every read goes to the replica, every
write still to the primary (``default``), whatever database an object was read from. Without a
replica configured the block changes nothing, so the same code runs on the embedded SQLite.

Nothing else is routed: a page that reads what it has just written (every workflow page) must see
its own write, which a lagging replica would not show.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, router

REPLICA = "replica"

_reading: ContextVar[bool] = ContextVar("quanyu_replica_reads", default=False)


def replica_configured() -> bool:
    return REPLICA in connections.settings


@contextmanager
def replica_reads() -> Iterator[None]:
    """Send this block's reads to the replica, when there is one."""
    token = _reading.set(True)
    try:
        yield
    finally:
        _reading.reset(token)


class ReplicaRouter:
    """``DATABASE_ROUTERS`` entry: reads inside ``replica_reads()`` go to the replica; writes, and
    migrations, only ever to the primary."""

    def db_for_read(self, model: Any, **hints: Any) -> str | None:
        if _reading.get() and replica_configured():
            return REPLICA
        return None

    def db_for_write(self, model: Any, **hints: Any) -> str:
        # Explicit: an object read from the replica is saved to the primary, never back.
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        both = {obj1._state.db, obj2._state.db}
        return True if both <= {DEFAULT_DB_ALIAS, REPLICA, None} else None

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        return False if db == REPLICA else None


def reading_connection(model: Any) -> Any:
    """The connection a plain-SQL read of ``model``'s table uses: raw cursors bypass the router,
    so a read function that writes its own SQL asks here (the replica inside ``replica_reads()``)."""
    return connections[router.db_for_read(model) or DEFAULT_DB_ALIAS]
