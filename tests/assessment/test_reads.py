"""Reads never write: the ranking page, API and export take no write lock and run no catch-up;
the periodic sync and the hooks keep the rollup current, and the ranking says when it last
caught up ("数据更新于 …", ``data_as_of``)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from quanyu.accounts.models import User
from quanyu.assessment.models import RollupState
from quanyu.assessment.periods import parse_period
from quanyu.assessment.rollup import assessment_rebuild, assessment_sync, rollup_counts
from quanyu.assessment.services import bulletin_publish
from quanyu.assessment.tasks import sync_rollup_task
from quanyu.core.clock import LOCAL_TZ
from tests.assessment.helpers import H, add_whistle, local_dt

pytestmark = pytest.mark.django_db
MARCH = parse_period("2025-03")
WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


def client_for(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


@pytest.fixture
def behind(city, people):
    """A rollup with work to catch up on: a ticket through the services (events newer than the
    last sync) and a whistle written straight to the table. Answers the catalogue."""
    from tests.tickets.factories import make_catalog, whistled

    cat = make_catalog(city)
    whistled(city, cat)
    add_whistle(city, cat["cg"], at=local_dt(2025, 3, 12, 9), responded=H)
    assert not RollupState.objects.filter(last_event_id__gt=0).exists()
    return cat


def test_ranking_reads_write_nothing(behind):
    client = client_for("org_dept")
    department = behind["cg"].pk
    urls = [
        ("/assessment/departments/", {"period": "2025-03"}),
        ("/assessment/departments/", {"period": "2025-03", "live": "1"}),
        ("/assessment/departments/export.xlsx", {"period": "2025-03"}),
        (f"/assessment/departments/{department}/tickets/", {"period": "2025-03", "figure": "received"}),
    ]
    api = Client(HTTP_AUTHORIZATION=f"Token {_token('org_dept')}")
    for url, params in urls:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url, params).status_code == 200, url
        writes = [q["sql"] for q in queries.captured_queries if q["sql"].lstrip().upper().startswith(WRITES)]
        assert writes == [], url
    for url in ["/api/assessment/departments/", "/api/assessment/departments/export/"]:
        with CaptureQueriesContext(connection) as queries:
            assert api.get(url, {"period": "2025-03"}).status_code == 200, url
        writes = [q["sql"] for q in queries.captured_queries if q["sql"].lstrip().upper().startswith(WRITES)]
        assert writes == [], url
    assert not RollupState.objects.exists()  # nobody caught up behind the reader's back


def _token(username: str) -> str:
    from tests.factories import PASSWORD

    response = Client().post(
        "/api/auth/token/", {"username": username, "password": PASSWORD}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    return str(response.json()["token"])


def test_the_ranking_says_when_it_last_caught_up(city, depts, people):
    add_whistle(city, depts["cg"], at=local_dt(2025, 3, 12, 9), responded=H)
    assessment_rebuild(MARCH)
    api = Client(HTTP_AUTHORIZATION=f"Token {_token('leader')}")
    page = client_for("leader")
    assert api.get("/api/assessment/departments/", {"period": "2025-03"}).json()["data_as_of"] is None
    assert "数据尚未完成同步" in page.get("/assessment/departments/", {"period": "2025-03"}).content.decode()

    # A whistle written behind the hooks' back is not in the figures until the catch-up runs …
    add_whistle(city, depts["cg"], at=local_dt(2025, 3, 13, 9))
    assert rollup_counts(MARCH)[depts["cg"].pk]["received"] == 1
    at = dt.datetime(2025, 4, 2, 1, 30, tzinfo=dt.UTC)
    assessment_rebuild(MARCH)
    assert assessment_sync(now=at) == 0  # no ticket events: nothing to recompute, but stamped
    body = api.get("/api/assessment/departments/", {"period": "2025-03"}).json()
    assert body["data_as_of"] == "2025-04-02T09:30:00+08:00" and body["results"][0]["received"] == 2
    text = page.get("/assessment/departments/", {"period": "2025-03"}).content.decode()
    assert "数据更新于 2025-04-02 09:30" in text

    # … which the periodic task does, moving the stamp on.
    sync_rollup_task()
    later = RollupState.objects.get(pk=1).synced_at
    assert later is not None and later > at
    shown = dt.datetime.fromisoformat(
        api.get("/api/assessment/departments/", {"period": "2025-03"}).json()["data_as_of"]
    )
    assert shown == later


def test_a_bulletin_is_as_of_its_publication(city, depts, people):
    add_whistle(city, depts["cg"], at=local_dt(2025, 3, 12, 9), responded=H)
    bulletin = bulletin_publish(actor=people["org_dept"], period=MARCH)
    api = Client(HTTP_AUTHORIZATION=f"Token {_token('leader')}")
    body = api.get("/api/assessment/departments/", {"period": "2025-03"}).json()
    assert body["frozen"] is True
    assert dt.datetime.fromisoformat(body["data_as_of"]) == bulletin.published_at.astimezone(LOCAL_TZ)
