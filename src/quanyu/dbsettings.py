"""The ``DATABASES["default"]`` entry, from the environment (read by settings.py).

PostgreSQL connections come from a pool per process (Django's psycopg pool): under ASGI every
request runs in a thread of its own, and with persistent connections (``CONN_MAX_AGE`` > 0) each
of those threads kept one open after its request. Two uvicorn workers held 99 idle connections
after a 50-client burst, against PostgreSQL's 100, and nearly every request answered 500 for
minutes. With the pool a process holds at most ``QUANYU_DB_POOL_SIZE`` connections; a request
that finds them all busy waits up to ``QUANYU_DB_POOL_TIMEOUT`` seconds for one instead of
opening another. ``QUANYU_DB_POOL_SIZE=0`` turns the pool off (e.g. behind PgBouncer): then
``DB_CONN_MAX_AGE`` applies to WSGI workers, and an ASGI process never keeps a connection past
its request.
"""

from __future__ import annotations

from typing import Any

import dj_database_url

# Set by quanyu.asgi before Django reads the settings.
ASGI_FLAG = "QUANYU_ASGI"


def database_config(
    url: str,
    *,
    pool_size: int,
    pool_min: int,
    pool_timeout: int,
    conn_max_age: int,
    asgi: bool,
) -> dict[str, Any]:
    db: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=conn_max_age))
    if db["ENGINE"] == "django.db.backends.sqlite3":
        db["CONN_MAX_AGE"] = 0
        db["OPTIONS"] = {
            # WAL lets readers and the single writer work at once; IMMEDIATE takes the write lock
            # at BEGIN so select_for_update-style critical sections serialise instead of failing
            # late.
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;",
            "transaction_mode": "IMMEDIATE",
        }
        return db
    if pool_size > 0:
        db["CONN_MAX_AGE"] = 0  # the pool keeps the connections; Django refuses both
        db["CONN_HEALTH_CHECKS"] = True  # the pool hands out only connections that answer
        db.setdefault("OPTIONS", {})["pool"] = {
            "min_size": max(0, min(pool_min, pool_size)),
            "max_size": pool_size,
            "timeout": pool_timeout,
            # A connection idle this long is closed (down to min_size): a burst's connections
            # do not stay on the server after it.
            "max_idle": 60,
        }
    elif asgi:
        db["CONN_MAX_AGE"] = 0
    return db
