"""The intake lane (``quanyu.api.lane``) in front of Django's ASGI application: a plain creation
answered by the lane is the one the API view gives (status, headers, body, rows written); every
other request, and every creation the lane does not answer with a new ticket, is Django's answer
unchanged. Driven over ASGI in-process, and over real HTTP through uvicorn."""

from __future__ import annotations

import asyncio
import http.client
import json
import socket
import threading
import time
from typing import Any

import pytest
from django.core.asgi import get_asgi_application
from django.db import connection, connections
from django.forms.models import model_to_dict
from rest_framework.authtoken.models import Token

from quanyu.api.lane import IntakeLane
from quanyu.api.tickets.lane import LANE_PATH
from quanyu.notify.models import Notification
from quanyu.tickets.models import Ticket, TicketEvent
from tests.factories import make_city, make_personas
from tests.tickets.factories import make_catalog

DJANGO = get_asgi_application()
# Fields that differ between two creations of the same request: its key, its times.
VARYING = {"id", "created_at", "updated_at", "response_due", "completion_due"}


@pytest.fixture
def town(transactional_db):
    """The test city and catalogue, committed (the lane writes from its own threads), and a
    resident's token."""
    city = make_city()
    make_personas(city)
    make_catalog(city)
    city.token = Token.objects.create(user=city.users["resident"]).key  # type: ignore[attr-defined]
    return city


@pytest.fixture(autouse=True)
def _connections_closed_after_each_request():
    """Django's ASGI handler answers from threads of its own: let each close its connection when
    its request ends (as with CONN_MAX_AGE=0), so none is left open on the test database."""
    db = connections.settings["default"]
    before = db["CONN_MAX_AGE"]
    db["CONN_MAX_AGE"] = 0
    yield
    db["CONN_MAX_AGE"] = before


@pytest.fixture
def lane():
    found = IntakeLane(DJANGO)
    yield found
    found.close()  # the writers finish and close their database connections


def _scope(path: str, query: bytes, headers: dict[str, str], body: bytes) -> dict[str, Any]:
    raw = [(k.lower().encode(), v.encode()) for k, v in headers.items()]
    raw.append((b"content-length", str(len(body)).encode()))
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": query,
        "headers": [(b"host", b"127.0.0.1"), *raw],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
    }


async def _call(app: Any, body: Any, headers: dict[str, str], path: str = LANE_PATH, query: bytes = b""):
    payload = body if isinstance(body, bytes) else json.dumps(body, ensure_ascii=False).encode()
    incoming = [{"type": "http.request", "body": payload, "more_body": False}]
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        if incoming:
            return incoming.pop(0)
        await asyncio.sleep(30)
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await app(_scope(path, query, headers, payload), receive, send)
    start = next(m for m in sent if m["type"] == "http.response.start")
    content = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    found = {k.decode().lower(): v.decode() for k, v in start["headers"]}
    return start["status"], found, content


def call(app: Any, body: Any, headers: dict[str, str], **kw: Any):
    return asyncio.run(_call(app, body, headers, **kw))


def _json(town: Any, key: str | None = None, **extra: str) -> dict[str, str]:
    headers = {"Authorization": f"Token {town.token}", "Content-Type": "application/json", **extra}
    if key:
        headers["Idempotency-Key"] = key
    return headers


BODY = {"lon": 121.32, "lat": 37.52, "text": "小区门口有流动摊贩摆摊占道", "contact_phone": "13812345678"}


def _row(ticket_id: int) -> dict[str, Any]:
    ticket = model_to_dict(Ticket.objects.get(pk=ticket_id))
    for name in ("id", "idempotency_key", "created_at", "updated_at", "response_due", "completion_due"):
        ticket.pop(name, None)
    event = TicketEvent.objects.get(ticket_id=ticket_id)
    notes = sorted(
        (n.recipient_id, n.kind, n.title, n.link.replace(f"/{ticket_id}/", "/ID/"))
        for n in Notification.objects.filter(link__contains=f"/{ticket_id}/")
    )
    return {
        "ticket": ticket,
        "event": (event.kind, event.actor_id, event.actor_name, event.to_status, event.payload),
        "notifications": notes,
    }


@pytest.mark.parametrize("require_otp", [True, False])
@pytest.mark.parametrize("cookie", [None, "django_language=en"])
def test_the_lane_answers_and_writes_what_django_does(town, lane, cookie, require_otp, settings):
    settings.QUANYU_REQUIRE_OTP = require_otp
    extra = {"Cookie": cookie} if cookie else {}
    by_lane = call(lane, BODY, _json(town, "lane-1", **extra))
    by_django = call(DJANGO, BODY, _json(town, "django-1", **extra))
    assert by_lane[0] == by_django[0] == 201
    lane_headers, django_headers = dict(by_lane[1]), dict(by_django[1])
    lane_headers.pop("content-length"), django_headers.pop("content-length")
    assert len(lane_headers.pop("x-request-id")) == len(django_headers.pop("x-request-id")) == 32
    if not require_otp:
        # Django varies on Cookie only when something read the session (the second-step check
        # does); the lane always does, since the language cookie changes the answer.
        assert lane_headers.pop("vary") == django_headers.pop("vary") + ", Cookie"
    assert lane_headers == django_headers
    a, b = json.loads(by_lane[2]), json.loads(by_django[2])
    assert a["id"] != b["id"]
    assert {k: a[k] for k in a.keys() - VARYING} == {k: b[k] for k in b.keys() - VARYING}
    assert (a["status_label"] == "To accept") == (cookie is not None)
    first, second = _row(a["id"]), _row(b["id"])
    assert first == second and first["notifications"], first
    assert Ticket.objects.count() == 2


def test_requests_arriving_together_are_each_created_once(town, lane):
    async def many() -> list[Any]:
        return await asyncio.gather(
            *(_call(lane, {**BODY, "text": f"路灯不亮 {i}"}, _json(town, f"many-{i}")) for i in range(24))
        )

    answers = asyncio.run(many())
    assert [status for status, _h, _b in answers] == [201] * 24
    ids = {json.loads(body)["id"] for _s, _h, body in answers}
    assert len(ids) == 24 == Ticket.objects.count()
    texts = {json.loads(body)["id"]: json.loads(body)["text"] for _s, _h, body in answers}
    assert {t.pk: t.text for t in Ticket.objects.all()} == texts
    assert TicketEvent.objects.filter(ticket_id__in=ids, kind="created").count() == 24


DEEP = b"[" * 20_000 + b"]" * 20_000  # json.loads raises RecursionError on it


def _too_deep(status: int, headers: dict[str, str], body: bytes) -> bool:
    return (
        status == 400
        and headers["content-type"] == "application/json"
        and json.loads(body) == {"detail": "JSON 嵌套层数过多：最多 64 层"}
    )


def test_a_body_nested_too_deep_is_a_400_and_touches_no_other_request(town, lane):
    async def together() -> list[Any]:
        calls = []
        for i in range(24):
            calls.append(_call(lane, {**BODY, "text": f"井盖缺失 {i}"}, _json(town, f"deep-{i}")))
            if i % 6 == 0:
                calls.append(_call(lane, DEEP, _json(town)))
        return await asyncio.gather(*calls)

    answers = asyncio.run(together())
    bad = [answer for answer in answers if not answer[2].startswith(b'{"id"')]
    good = [answer for answer in answers if answer not in bad]
    assert len(bad) == 4 and all(_too_deep(*answer) for answer in bad)
    assert [status for status, _h, _b in good] == [201] * 24
    assert Ticket.objects.count() == 24 == TicketEvent.objects.count()


@pytest.mark.parametrize(
    ("body", "headers", "status"),
    [
        ({**BODY, "text": ""}, {}, 400),  # refused by the service's checks: Django names the field
        ({**BODY, "lon": 100.0}, {}, 400),  # outside the city
        ({**BODY, "category": "9999"}, {}, 400),  # unknown category
        ({**BODY, "lon": "121.32"}, {}, 201),  # unusual (a number as text): DRF's serializer reads it
        ({**BODY, "area": 987654}, {}, 400),  # no such area
        (b"{not json", {}, 400),
        (b'{"text": "\xe8\xb7\xaf\xe7\x81\xaf", "lon": 121.32, "lat": 37.52, "x": NaN}', {}, 400),
        ('{"text": "路灯不亮", "lon": 121.32, "lat": 37.52}'.encode("utf-16"), {}, 400),
        (BODY, {"Authorization": "Token not-a-token"}, 401),
        (BODY, {"Authorization": "Bearer x"}, 401),
        (BODY, {"Accept": "text/html"}, 201),  # the browsable API: Django's answer
    ],
)
def test_what_the_lane_does_not_answer_is_djangos_answer(town, lane, body, headers, status):
    by_lane = call(lane, body, {**_json(town), **headers})
    count = Ticket.objects.count()
    by_django = call(DJANGO, body, {**_json(town), **headers})
    assert by_lane[0] == by_django[0] == status
    if status >= 400:
        assert by_lane[2] == by_django[2]
        assert Ticket.objects.count() == count == 0
    else:
        assert by_lane[1]["content-type"] == by_django[1]["content-type"]


def test_a_replayed_key_answers_the_first_ticket(town, lane):
    first = call(lane, BODY, _json(town, "same-key"))
    again = call(lane, BODY, _json(town, "same-key"))
    assert (first[0], again[0]) == (201, 200)
    assert again[1]["idempotency-replayed"] == "true" and first[1]["idempotency-replayed"] == "false"
    assert json.loads(first[2])["id"] == json.loads(again[2])["id"]
    assert Ticket.objects.count() == 1


@pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="the shared in-memory SQLite test database answers a second writer 'table is locked' "
    "at once (a database file waits its busy_timeout)",
)
def test_a_key_retried_at_once_creates_one_ticket(town, lane):
    async def twice() -> list[Any]:
        return await asyncio.gather(*(_call(lane, BODY, _json(town, "racing-key")) for _ in range(4)))

    answers = asyncio.run(twice())
    assert sorted(status for status, _h, _b in answers) == [200, 200, 200, 201]
    assert len({json.loads(body)["id"] for _s, _h, body in answers}) == 1
    assert Ticket.objects.count() == 1 and TicketEvent.objects.count() == 1


def test_a_query_string_or_another_path_goes_to_django(town, lane):
    status, _headers, body = call(lane, BODY, _json(town), query=b"lang=en")
    assert status == 201 and json.loads(body)["status_label"] == "To accept"
    status, _headers, _body = call(lane, BODY, _json(town), path="/api/tickets")
    assert status == 301  # Django's APPEND_SLASH: the lane handed it over, Django redirects to the slash


# -- over real HTTP: uvicorn serving quanyu.asgi ---------------------------------------------------


@pytest.fixture
def served(town):
    import uvicorn

    from quanyu.asgi import application

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(application, host="127.0.0.1", port=port, lifespan="on", log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield port
    server.should_exit = True  # the lifespan's shutdown stops the lane's writers
    thread.join(timeout=20)
    assert not thread.is_alive()
    assert not [t for t in threading.enumerate() if t.name == "quanyu-intake-lane"]


def _post(port: int, town: Any, text: str, key: str) -> tuple[int, dict[str, Any]]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    payload = json.dumps({**BODY, "text": text}, ensure_ascii=False).encode()
    conn.request("POST", LANE_PATH, payload, _json(town, key))
    response = conn.getresponse()
    answer = (response.status, json.loads(response.read()))
    conn.close()
    return answer


def test_over_http_concurrent_clients_each_get_their_ticket_and_its_timeline(town, served):
    answers: list[tuple[int, dict[str, Any]]] = []
    lock = threading.Lock()

    def client(i: int) -> None:
        got = _post(served, town, f"夜间施工噪音扰民 {i}", f"http-{i}")
        with lock:
            answers.append(got)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [status for status, _b in answers] == [201] * 12
    assert Ticket.objects.count() == 12
    some = answers[0][1]
    conn = http.client.HTTPConnection("127.0.0.1", served, timeout=30)
    conn.request("GET", f"{LANE_PATH}{some['id']}/", headers={"Authorization": f"Token {town.token}"})
    detail = conn.getresponse()
    body = json.loads(detail.read())
    assert detail.status == 200 and body["text"] == some["text"]
    assert [e["kind"] for e in body["events"]] == ["created"]


def test_over_http_a_body_nested_too_deep_answers_400_beside_good_creations(town, served):
    answers: list[Any] = []
    lock = threading.Lock()

    def client(i: int) -> None:
        if i % 4 == 0:
            conn = http.client.HTTPConnection("127.0.0.1", served, timeout=30)
            conn.request("POST", LANE_PATH, DEEP, _json(town))
            response = conn.getresponse()
            got: Any = ("deep", response.status, dict(response.getheaders()), response.read())
            conn.close()
        else:
            got = ("good", *_post(served, town, f"楼道堆放杂物 {i}", f"http-deep-{i}"))
        with lock:
            answers.append(got)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    good = [a for a in answers if a[0] == "good"]
    deep = [a for a in answers if a[0] == "deep"]
    assert [status for _k, status, _b in good] == [201] * 12
    assert len(deep) == 4
    for _kind, status, headers, body in deep:
        assert _too_deep(status, {k.lower(): v for k, v in headers.items()}, body)
    assert Ticket.objects.count() == 12


def test_the_hosts_and_https_rules_are_djangos(town, lane, settings):
    assert call(lane, BODY, _json(town))[0] == 201
    settings.ALLOWED_HOSTS = ["gov.example.cn"]  # the same request, from a host now refused
    named = _json(town, **{"X-Request-ID": "same-request"})
    assert call(lane, BODY, named) == call(DJANGO, BODY, named)
    assert call(lane, BODY, _json(town))[0] == 400
    settings.ALLOWED_HOSTS = ["127.0.0.1"]
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_HSTS_SECONDS = 3600
    django = get_asgi_application()  # its SecurityMiddleware reads these settings when built
    fresh = IntakeLane(django)
    try:
        # Plain HTTP is redirected, by Django.
        assert call(fresh, BODY, _json(town))[0] == call(django, BODY, _json(town))[0] == 301
        # Behind a proxy that says HTTPS: created, with the HSTS header Django adds.
        proxied = _json(town, **{"X-Forwarded-Proto": "https"})
        status, headers, _body = call(fresh, BODY, proxied)
        django_status, django_headers, _ = call(django, BODY, proxied)
        assert status == django_status == 201
        assert headers["strict-transport-security"] == django_headers["strict-transport-security"]
        assert headers["strict-transport-security"] == "max-age=3600"
    finally:
        fresh.close()
    assert Ticket.objects.count() == 3
