"""quanyu.dbsettings: PostgreSQL connections come from a bounded pool per process, and an ASGI
process without the pool keeps no connection past its request. Over real HTTP: two uvicorn
workers with a pool of three each serve forty concurrent clients with no 500 and never hold more
than their pools' six connections."""

from __future__ import annotations

import http.client
import threading
import time
from collections import Counter
from typing import Any

import pytest
from django.db import connection
from rest_framework.authtoken.models import Token

from quanyu.dbsettings import database_config
from tests.factories import make_city, make_personas
from tests.served import free_port, post_json, served_database_url, serving
from tests.tickets.factories import make_catalog

PG = "postgres://quanyu:secret@db.example:5432/quanyu"


def _config(url: str = PG, **kw: Any) -> dict[str, Any]:
    args = {"pool_size": 8, "pool_min": 2, "pool_timeout": 20, "conn_max_age": 60, "asgi": False}
    return database_config(url, **{**args, **kw})


def test_postgresql_takes_connections_from_a_bounded_pool():
    db = _config()
    assert db["OPTIONS"]["pool"] == {"min_size": 2, "max_size": 8, "timeout": 20, "max_idle": 60}
    assert db["CONN_MAX_AGE"] == 0  # Django refuses persistent connections beside a pool
    assert db["CONN_HEALTH_CHECKS"] is True


def test_without_the_pool_an_asgi_process_keeps_no_connection_past_its_request():
    assert "pool" not in _config(pool_size=0, asgi=True).get("OPTIONS", {})
    assert _config(pool_size=0, asgi=True)["CONN_MAX_AGE"] == 0
    assert _config(pool_size=0, asgi=False)["CONN_MAX_AGE"] == 60  # WSGI: one thread per worker


def test_sqlite_has_no_pool_and_no_persistent_connection():
    db = _config("sqlite:////tmp/q.sqlite3", asgi=True)
    assert db["CONN_MAX_AGE"] == 0 and "pool" not in db["OPTIONS"]
    assert db["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


# -- over real HTTP: two uvicorn workers, each with a pool of three ------------------------------

POOL, WORKERS, CLIENTS, ROUNDS = 3, 2, 40, 4
BODY = {"lon": 121.32, "lat": 37.52, "text": "小区门口有流动摊贩摆摊占道", "contact_phone": "13812345678"}


@pytest.fixture
def town(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("the pool is PostgreSQL's (psycopg_pool)")
    city = make_city()
    make_personas(city)
    make_catalog(city)
    city.resident_token = Token.objects.create(user=city.users["resident"]).key  # type: ignore[attr-defined]
    city.staff_token = Token.objects.create(user=city.users["street_staff"]).key  # type: ignore[attr-defined]
    return city


APP_NAME = "quanyu-pool-test"


def _server_connections() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE application_name = %s", [APP_NAME])
        return int(cursor.fetchone()[0])


@pytest.fixture
def served(town):
    port = free_port()
    env = {
        "DATABASE_URL": served_database_url(application_name=APP_NAME),
        "QUANYU_DB_POOL_SIZE": str(POOL),
        "QUANYU_DB_POOL_MIN": "1",
        "QUANYU_DB_POOL_TIMEOUT": "30",
    }
    command = ["-m", "uvicorn", "quanyu.asgi:application", "--port", str(port), "--workers", str(WORKERS)]
    with serving([*command, "--log-level", "warning", "--no-access-log"], env, port):
        yield port


def _get(port: int, token: str) -> tuple[int, Any]:
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        conn.request("GET", "/api/tickets/?page_size=5", headers={"Authorization": f"Token {token}"})
        response = conn.getresponse()
        return response.status, response.read()
    except OSError:
        return 0, None


def _post(port: int, token: str, i: int) -> int:
    body = {**BODY, "text": f"{BODY['text']} {i}"}
    return post_json(port, "/api/tickets/", body, {"Authorization": f"Token {token}"})[0]


def test_more_clients_than_the_pool_get_answers_and_the_connections_stay_bounded(town, served):
    statuses: Counter[int] = Counter()
    lock = threading.Lock()
    peak = 0
    done = threading.Event()

    def client(i: int) -> None:
        for r in range(ROUNDS):
            status = (
                _post(served, town.resident_token, i * ROUNDS + r)
                if r % 2
                else _get(served, town.staff_token)[0]
            )
            with lock:
                statuses[status] += 1

    def watch() -> None:
        nonlocal peak
        try:
            while not done.is_set():
                peak = max(peak, _server_connections())
                time.sleep(0.02)
        finally:
            connection.close()

    watcher = threading.Thread(target=watch)
    watcher.start()
    threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    done.set()
    watcher.join()
    assert statuses == {200: CLIENTS * ROUNDS // 2, 201: CLIENTS * ROUNDS // 2}
    assert 0 < peak <= WORKERS * POOL
