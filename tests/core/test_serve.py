"""``quanyu serve`` (uvicorn workers): the client's address is Quanyu's reading of it, so an
account locked from loopback stays locked when the request names another address in
X-Forwarded-For (uvicorn's own default believes that header from 127.0.0.1)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import connection

from tests.factories import PASSWORD, make_city, make_personas
from tests.served import free_port, post_json, served_database_url, serving


@pytest.fixture
def town(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("the server runs in another process, which needs the test database on PostgreSQL")
    city = make_city()
    make_personas(city)
    return city


def test_a_locked_client_cannot_name_another_address_to_log_in(town):
    port = free_port()
    command = ["-m", "quanyu.cli", "serve", "--port", str(port), "--workers", "1"]
    with serving(command, {"DATABASE_URL": served_database_url()}, port):

        def token(username: str, password: str, **headers: str) -> int:
            body = {"username": username, "password": password}
            return post_json(port, "/api/auth/token/", body, headers)[0]

        # Guesses at several accounts lock this address (127.0.0.1), not the accounts.
        guessed = ["community_x", "community_y", "street_staff", "grid_worker"]
        for i in range(settings.AXES_FAILURE_LIMIT - 1):
            assert token(guessed[i % len(guessed)], "wrong-password") == 401
        assert token("resident", "wrong-password") == 429
        assert token("district_admin", PASSWORD, **{"X-Forwarded-For": "203.0.113.7"}) == 429
        forwarded = {"X-Forwarded-For": "203.0.113.7, 198.51.100.2"}
        assert token("district_admin", PASSWORD, **forwarded) == 429
