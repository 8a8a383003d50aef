"""The demo build tunes its connection for itself only: no query log while it runs (DEBUG would keep
every statement), and on SQLite outside a transaction a rollback journal, no sync and a larger page
cache; afterwards the connection is as it was."""

import pytest
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.test.utils import CaptureQueriesContext

from quanyu.areas.models import Area
from quanyu.demo.build import build_demo

PRAGMAS = ("journal_mode", "synchronous", "cache_size")


def _pragmas() -> dict[str, object]:
    if connection.vendor != "sqlite":
        return {}
    found = {}
    with connection.cursor() as cursor:
        for name in PRAGMAS:
            cursor.execute(f"PRAGMA {name}")
            found[name] = cursor.fetchone()[0]
    return found


@pytest.mark.django_db(transaction=True)
def test_the_build_logs_no_queries_and_leaves_the_connection_as_it_found_it():
    before = _pragmas()
    with CaptureQueriesContext(connection) as logged:
        ctx = build_demo(seed=5, scale=0.05)
    assert ctx.communities and Area.objects.count() > 100
    # The emptiness check, the pragmas and the commit; none of the build's thousands of statements.
    assert len(logged.captured_queries) < 15
    assert not [q for q in logged.captured_queries if q["sql"].startswith(("INSERT", "UPDATE"))]
    assert "make_debug_cursor" not in vars(connections[DEFAULT_DB_ALIAS])
    assert _pragmas() == before
    with CaptureQueriesContext(connection) as logged:
        Area.objects.count()
    assert len(logged.captured_queries) == 1  # logged again
