"""Run calls at once from threads (a barrier releases them together), on PostgreSQL or on a real
SQLite file.

SQLite's test database is a shared-cache in-memory database: its table locks fail at once
(``database table is locked``) instead of waiting, so it cannot show what production SQLite does.
``sqlite_file`` copies the test database (SQLite's online backup) into a file and gives each racing
thread its own connection to it with the project's settings (``dbsettings.database_config``: WAL,
``busy_timeout`` 10 s, ``BEGIN IMMEDIATE``), exactly as the served app opens it: the writers then
queue on SQLite's write lock. ``in_flight`` counts how many calls were inside the service at the
same moment, to show the threads really overlapped.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import connection, connections


@dataclass
class Race:
    outcomes: list[Any] = field(default_factory=list)
    max_in_flight: int = 0


def race(calls: list[Callable[[], Any]], *, database: dict[str, Any] | None = None) -> Race:
    """Each call in its own thread, released together; with ``database`` (a settings dict) each
    thread opens its own connection to it. Results and exceptions are returned, in finish order."""
    wrapper = type(connections["default"])  # the backend's DatabaseWrapper (``connection`` is a proxy)
    barrier = threading.Barrier(len(calls))
    guard = threading.Lock()
    result = Race()
    now = [0]

    def run(call: Callable[[], Any]) -> None:
        if database is not None:
            connections["default"] = wrapper(dict(database), "default")
        outcome: Any
        try:
            barrier.wait()
            with guard:
                now[0] += 1
                result.max_in_flight = max(result.max_in_flight, now[0])
            try:
                outcome = call()
            finally:
                with guard:
                    now[0] -= 1
        except Exception as exc:
            outcome = exc
        finally:
            connections.close_all()
        with guard:
            result.outcomes.append(outcome)

    threads = [threading.Thread(target=run, args=(c,)) for c in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return result


@contextmanager
def sqlite_file(path: Path) -> Iterator[dict[str, Any]]:
    """The committed test data copied into the SQLite file ``path`` (WAL); yields the settings
    dict racing threads connect with. Read the results back with ``sqlite3`` on ``path``."""
    connection.ensure_connection()
    target = sqlite3.connect(path)
    try:
        connection.connection.backup(target)
        target.execute("PRAGMA journal_mode=WAL")
    finally:
        target.close()
    settings = {**connection.settings_dict, "NAME": str(path)}
    assert "busy_timeout" in settings["OPTIONS"]["init_command"]
    assert settings["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    yield settings


def count(path: Path, sql: str, *params: Any) -> int:
    with sqlite3.connect(path) as db:
        return int(db.execute(sql, params).fetchone()[0])
