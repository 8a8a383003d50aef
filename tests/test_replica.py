"""The cockpit's reads go to the replica when one is configured (``quanyu.core.replica``), writes
never do, and without a replica nothing changes.

The replica here is a second connection to the test database (what ``QUANYU_REPLICA_URL`` would
name on a real deployment: another server that streams the primary); the test adds the alias
for itself and removes it after, so the rest of the suite runs without one."""

from __future__ import annotations

import pytest
from django.db import DEFAULT_DB_ALIAS, connections, router
from django.test import Client
from django.test.utils import CaptureQueriesContext

from quanyu.accounts.models import User
from quanyu.core.replica import REPLICA, replica_configured, replica_reads
from quanyu.core.roles import Role
from tests.assessment.factories import community_ticket
from tests.factories import make_city, make_personas, make_user


@pytest.fixture(scope="module", autouse=True)
def replica(django_db_setup):
    """After the test database exists (its settings are what the alias copies), and module-wide,
    so that the alias exists before a test's set-up lists the databases it may use."""
    connections.settings[REPLICA] = {**connections.settings[DEFAULT_DB_ALIAS]}
    try:
        yield connections[REPLICA]
    finally:
        conn = connections[REPLICA]
        conn.close()
        close_pool = getattr(conn, "close_pool", None)
        if close_pool is not None and conn.settings_dict.get("OPTIONS", {}).get("pool"):
            close_pool()
        del connections[REPLICA]
        del connections.settings[REPLICA]


def test_without_a_replica_the_block_changes_nothing():
    kept = connections.settings.pop(REPLICA)
    try:
        _no_replica()
    finally:
        connections.settings[REPLICA] = kept


def _no_replica() -> None:
    assert not replica_configured()
    with replica_reads():
        assert router.db_for_read(User) == DEFAULT_DB_ALIAS
    assert router.db_for_write(User) == DEFAULT_DB_ALIAS


@pytest.mark.django_db(transaction=True, databases="__all__")
def test_the_cockpit_reads_from_the_replica_and_writes_stay_on_the_primary(replica):
    city = make_city()
    users = make_personas(city)
    users["leader"] = make_user("leader", Role.LEADER, city.district)
    community_ticket(city, 0, text="路灯不亮")
    assert router.db_for_read(User) == DEFAULT_DB_ALIAS  # outside the block: the primary
    with replica_reads():
        assert router.db_for_read(User) == REPLICA
        read_there = User.objects.get(pk=users["leader"].pk)
        assert read_there._state.db == REPLICA
        # Saved to the primary, not back to where it was read from.
        assert router.db_for_write(User, instance=read_there) == DEFAULT_DB_ALIAS

    c = Client()
    c.force_login(users["leader"])
    for url in (
        "/cockpit/",
        f"/cockpit/tickets/?area={city.district.pk}&figure=received",
        "/api/assessment/cockpit/",
    ):
        with (
            CaptureQueriesContext(replica) as on_replica,
            CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as on_primary,
        ):
            answer = c.get(url)
        assert answer.status_code == 200, (url, answer.content[:300])
        assert len(on_replica) > 3, url
        # The primary answers only what precedes the view: the session and the user.
        touched = " ".join(q["sql"] for q in on_primary.captured_queries)
        assert "tickets_ticket" not in touched and "assessment_" not in touched, (url, touched[:500])
