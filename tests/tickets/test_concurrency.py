"""Twenty handlers respond to the same whistle at once (PostgreSQL): exactly one wins, the others
get a clear conflict error, and there is exactly one response event."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from quanyu.core.workflow.errors import ConflictError
from quanyu.tickets import services
from quanyu.tickets.models import EventKind, TicketEvent, Whistle
from tests.factories import make_city, make_personas
from tests.tickets.factories import make_catalog, whistled

THREADS = 20


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_threads_respond_to_one_whistle():
    if connection.vendor != "postgresql":
        pytest.skip("row locks (SELECT … FOR NO KEY UPDATE) need PostgreSQL; SQLite serialises whole writes")
    city = make_city()
    make_personas(city)
    cat = make_catalog(city)
    _ticket, lead, _assist = whistled(city, cat)
    handler = city.users["housing_handler"]
    barrier = threading.Barrier(THREADS)
    outcomes: list[object] = []
    lock = threading.Lock()

    def respond() -> None:
        stale = Whistle.objects.get(pk=lead.pk)  # every thread saw it pending
        barrier.wait()
        try:
            services.whistle_respond(actor=handler, whistle=stale)
            result: object = "won"
        except Exception as exc:
            result = exc
        finally:
            connections.close_all()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=respond) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    winners = [o for o in outcomes if o == "won"]
    losers = [o for o in outcomes if o != "won"]
    assert len(winners) == 1
    assert len(losers) == THREADS - 1
    assert all(isinstance(o, ConflictError) for o in losers), losers
    assert all(o.code == "conflict" and "已被他人处理" in o.messages[0] for o in losers)
    assert TicketEvent.objects.filter(whistle_id=lead.pk, kind=EventKind.WHISTLE_RESPONDED).count() == 1
    assert Whistle.objects.get(pk=lead.pk).status == "responded"
