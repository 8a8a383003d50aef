"""The intake lane: the few creations that come in bursts, as nearly every client sends them,
made in batches: ``POST /api/tickets/`` (routes in ``api/tickets/lane.py``) and a volunteer's
``POST /api/volunteer-activities/<id>/signup/`` (``api/volunteering/lane.py``).

Under an ASGI server (``quanyu.asgi``: uvicorn workers) this sits in front of Django. A request
for one of its routes with a token (``Authorization: Token …``), a JSON body, no query string and no
file does not go through Django's request cycle (middleware, URL resolving, DRF's negotiation,
parsing and authentication: two thirds of a creation's cost there) but to one writer thread per
process, which takes every request waiting when it comes round and hands each route its share
(``services.ticket_create_batch``, ``services.self_signup_batch``: each checked on its own, the
valid ones written in one transaction of a few statements). The answer is the one the API view
gives: the same body, status and headers (tests/api/test_intake_lane.py and
test_signup_lane.py compare the two).

Anything else goes to Django unchanged, and so does every request the lane does not answer with
a new ticket: an unknown or expired token, input the plain reading refuses, a failed check, a
replayed idempotency key. Nothing was written for them, so Django answers them as it always does
(its 4xx in the user's language, the replay's 200). A request whose batch failed in the database
after it may have written something is answered 500, never sent on, so it can not be created
twice.

Why outside Django: docs/ARCHITECTURE.md ("The intake lane").
"""

from __future__ import annotations

import asyncio
import functools
import io
import json
import logging
import queue
import threading
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.core.handlers.asgi import ASGIRequest
from django.core.signals import setting_changed
from django.db import close_old_connections, connections
from django.http import HttpResponse
from django.middleware.clickjacking import XFrameOptionsMiddleware
from django.middleware.security import SecurityMiddleware
from django.utils import translation

from quanyu.core.http import API_CSP, supported
from quanyu.core.logs import request_id_for

logger = logging.getLogger("quanyu.api.lane")

MAX_BODY = 64 * 1024  # a plain create is well under 2 KiB; bigger ones (and files) go to Django
MAX_BATCH = 64
JSON_TYPES = frozenset(
    {b"application/json", b"application/json; charset=utf-8", b"application/json;charset=utf-8"}
)
ACCEPTS = frozenset({b"", b"*/*", b"application/json"})

_STOP: Any = object()  # tells a writer to stop

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class Route:
    """One kind of request the lane answers: which requests (``match``, ``read``), how a batch of
    them is answered (``answer``), and the Allow header of the view it stands in for."""

    allow: bytes = b"POST, OPTIONS"

    def match(self, path: str) -> Any | None:
        """What the path says (an id, say), or None when the path is not this route's."""
        raise NotImplementedError

    def read(self, body: bytes, params: Any) -> Any | None:
        """The request's input from its body (read here, before it joins a batch, so that no body,
        malformed or nested deep enough to raise ``RecursionError``, is ever read next to another
        request's), or None for Django to read and answer."""
        raise NotImplementedError

    def answer(self, batch: list[Item]) -> list[Answer | None]:
        """Each item's answer, or None to send it on to Django (nothing was written for it)."""
        raise NotImplementedError


@dataclass
class Item:
    """One request handed to the writer thread, and where its answer goes."""

    route: Route
    params: Any  # what ``route.match`` read from the path
    token: str
    data: Any  # what ``route.read`` read from the body before it is queued
    key: str | None
    security: tuple[tuple[bytes, bytes], ...]  # what Django's security middleware would add
    language: str  # of the answer: the language cookie, else the default
    loop: asyncio.AbstractEventLoop
    future: asyncio.Future[Answer | None]
    request_id: str = ""  # answered in X-Request-ID, as core.logs.RequestIdMiddleware does


@dataclass
class Answer:
    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes = b""


class IntakeLane:
    """ASGI middleware: the lane for its routes' plain requests (by default the ticket creation and
    the volunteer's sign-up), Django (``app``) for everything else."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        max_batch: int = MAX_BATCH,
        writers: int | None = None,
        routes: Sequence[Route] | None = None,
    ) -> None:
        self.app = app
        self.routes = tuple(routes) if routes is not None else default_routes()
        self.max_batch = max_batch
        self.writers = writers if writers is not None else _writers()
        self.waiting: queue.SimpleQueue[Item] = queue.SimpleQueue()
        self._threads: list[_Writer] = []
        self._lock = threading.Lock()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        found = self._route(scope)
        if found is None:
            await self.app(scope, receive, send)
            return
        route, params, headers = found
        body = await _read_body(receive)
        if body is None:  # the client went away
            return
        item = self._item(scope, route, params, headers, body)
        answer = None
        if item is not None:
            self._start_writers()
            self.waiting.put(item)
            answer = await item.future
        if answer is None:
            await self.app(scope, _replayed(body, receive), send)
            return
        await send({"type": "http.response.start", "status": answer.status, "headers": answer.headers})
        await send({"type": "http.response.body", "body": answer.body})

    def _route(self, scope: Scope) -> tuple[Route, Any, dict[bytes, bytes]] | None:
        """The route, what its path says and the headers of a request for the lane (by its
        method, path and headers alone), else None."""
        headers = _lane_headers(scope)
        if headers is None:
            return None
        for route in self.routes:
            params = route.match(scope["path"])
            if params is not None:
                return route, params, headers
        return None

    def _item(
        self, scope: Scope, route: Route, params: Any, headers: dict[bytes, bytes], body: bytes
    ) -> Item | None:
        parts = headers.get(b"authorization", b"").split()
        if len(parts) != 2 or parts[0].lower() != b"token":
            return None
        try:
            token = parts[1].decode()
        except UnicodeDecodeError:
            return None
        checked = _request_checks(scope, headers)
        if checked is None:
            return None
        data = route.read(body, params)
        if data is None:
            return None
        key = headers.get(b"idempotency-key")
        loop = asyncio.get_running_loop()
        return Item(
            route=route,
            params=params,
            request_id=request_id_for(headers.get(b"x-request-id", b"").decode("latin-1")),
            token=token,
            data=data,
            key=key.decode("latin-1") if key else None,
            security=checked[0],
            language=checked[1],
            loop=loop,
            future=loop.create_future(),
        )

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        """The server's start and stop (Django itself has no lifespan): at the stop the writers
        finish what is waiting, then close their connections."""
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await asyncio.get_running_loop().run_in_executor(None, self.close)
                await send({"type": "lifespan.shutdown.complete"})
                return

    def close(self) -> None:
        """Stop the writers once the requests already waiting are answered (they start again on
        the next request)."""
        with self._lock:
            threads, self._threads = self._threads, []
            for _thread in threads:
                self.waiting.put(_STOP)
        for thread in threads:
            thread.join()

    def _start_writers(self) -> None:
        """Start the writer threads on the first request (and again if one ever died)."""
        if len(self._threads) == self.writers and all(t.is_alive() for t in self._threads):
            return
        with self._lock:
            self._threads = [t for t in self._threads if t.is_alive()]
            while len(self._threads) < self.writers:
                writer = _Writer(self.waiting, self.max_batch)
                writer.start()
                self._threads.append(writer)


def default_routes() -> tuple[Route, ...]:
    """The ticket creation and the volunteer's sign-up (imported here: they read the models)."""
    from quanyu.api.tickets.lane import TicketRoute
    from quanyu.api.volunteering.lane import SignupRoute

    return (TicketRoute(), SignupRoute())


def _writers() -> int:
    """``QUANYU_LANE_WRITERS``, else two writers on PostgreSQL (one checks a batch while the other
    waits for its commit) and one on SQLite, which takes one writer at a time anyway."""
    configured = getattr(settings, "QUANYU_LANE_WRITERS", 0)
    if configured:
        return int(configured)
    return 2 if connections["default"].vendor == "postgresql" else 1


def _lane_headers(scope: Scope) -> dict[bytes, bytes] | None:
    """The request's headers when it is one for the lane (by its method, path and headers alone),
    else None."""
    if (
        scope["type"] != "http"
        or scope["method"] != "POST"
        or not scope["path"].startswith("/api/")
        or scope.get("root_path")
        or scope.get("query_string")
        or settings.FORCE_SCRIPT_NAME
    ):
        return None
    headers: dict[bytes, bytes] = {}
    for name, value in scope["headers"]:
        if name in headers:  # a repeated header: let Django make of it what it does
            return None
        headers[name] = value
    if headers.get(b"content-type", b"").lower() not in JSON_TYPES or b"content-encoding" in headers:
        return None
    if headers.get(b"accept", b"").strip().lower() not in ACCEPTS:
        return None
    try:
        length = int(headers.get(b"content-length", b"-1"))
    except ValueError:
        return None
    if not 0 < length <= MAX_BODY:
        return None
    return headers


async def _read_body(receive: Receive) -> bytes | None:
    chunks = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return None
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks)


def _replayed(body: bytes, receive: Receive) -> Receive:
    """``receive`` for Django after the lane read the body: the body first, then the client's."""
    sent = False

    async def again() -> dict[str, Any]:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return again


class _Writer(threading.Thread):
    """A writer: takes what is waiting, creates it together, answers each. Two per process: while
    one waits for its commit, the other checks the next batch."""

    def __init__(self, waiting: queue.SimpleQueue[Item], max_batch: int) -> None:
        super().__init__(name="quanyu-intake-lane", daemon=True)
        self.max_batch = max_batch
        self.waiting = waiting

    def run(self) -> None:
        try:
            self._serve()
        finally:
            connections.close_all()  # this thread's own

    def _serve(self) -> None:
        while True:
            first = self.waiting.get()
            if first is _STOP:
                return
            batch = [first]
            while len(batch) < self.max_batch:
                try:
                    item = self.waiting.get_nowait()
                except queue.Empty:
                    break
                if item is _STOP:
                    self.waiting.put(_STOP)  # for after this batch
                    break
                batch.append(item)
            try:
                answers = answer_batch(batch)
            finally:
                # As at the end of a request: with the pool (quanyu.dbsettings) the connection goes
                # back to it between batches instead of being held by an idle writer.
                close_old_connections()
            # One wake-up of each event loop per batch, not one per request.
            by_loop: dict[asyncio.AbstractEventLoop, list[tuple[Item, Answer | None]]] = {}
            for item, answer in zip(batch, answers, strict=True):
                by_loop.setdefault(item.loop, []).append((item, answer))
            for loop, settled in by_loop.items():
                try:
                    loop.call_soon_threadsafe(_settle, settled)
                except RuntimeError:  # that event loop is closed: its clients are gone
                    logger.warning("intake lane: %d answers for a closed event loop", len(settled))


def _settle(settled: list[tuple[Item, Answer | None]]) -> None:
    for item, answer in settled:
        if not item.future.done():
            item.future.set_result(answer)


def answer_batch(batch: list[Item]) -> list[Answer | None]:
    """Each route's share of the batch answered by the route, in the batch's order; a route's
    failure is its own share's 500 (never sent on to Django: something may have been written)."""
    answers: list[Answer | None] = [None] * len(batch)
    by_route: dict[int, list[int]] = {}
    for i, item in enumerate(batch):
        by_route.setdefault(id(item.route), []).append(i)
    for indexes in by_route.values():
        share = [batch[i] for i in indexes]
        try:
            answered = share[0].route.answer(share)
        except Exception:  # never leave a client hanging: each is answered 500
            logger.exception("lane: a batch of %d failed", len(share))
            answered = [server_error() for _ in share]
        for i, answer in zip(indexes, answered, strict=True):
            answers[i] = answer
    return answers


def read_json(body: bytes) -> Any:
    """A body as DRF's JSON parser reads it (UTF-8, no NaN or Infinity anywhere); ValueError or
    RecursionError (nested past Python's limit) for one it refuses."""
    return json.loads(body.decode("utf-8"), parse_constant=_no_constant)


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


# What Django's middleware decides from the host, scheme and cookies of a request, remembered per
# distinct set of them (API clients send the same few): (security headers, language), or None when Django
# must answer (a host not allowed, HTTP where HTTPS is required).
_Checked = tuple[tuple[tuple[bytes, bytes], ...], str]  # (security headers, language)
_CHECKED: dict[tuple[Any, ...], _Checked | None] = {}
_HEADERS_CHECKED = (b"host", b"x-forwarded-host", b"x-forwarded-port", b"cookie")


def _forget_checks(**kwargs: Any) -> None:
    _CHECKED.clear()
    _proxy_header.cache_clear()


setting_changed.connect(_forget_checks, dispatch_uid="quanyu.api.lane.checks")


@functools.cache
def _proxy_header() -> bytes | None:
    """The ASGI name of ``SECURE_PROXY_SSL_HEADER`` (None when unset)."""
    proxy = settings.SECURE_PROXY_SSL_HEADER
    return proxy[0].removeprefix("HTTP_").lower().replace("_", "-").encode() if proxy else None


def _request_checks(scope: Scope, headers: dict[bytes, bytes]) -> _Checked | None:
    proxy_header = _proxy_header()
    key = (
        scope.get("scheme"),
        scope.get("server"),
        headers.get(proxy_header) if proxy_header else None,
        *(headers.get(name) for name in _HEADERS_CHECKED),
    )
    if key in _CHECKED:
        return _CHECKED[key]
    request = ASGIRequest(scope, io.BytesIO(b""))  # Django's own reading of these headers
    found: _Checked | None
    try:
        request.get_host()  # ALLOWED_HOSTS
    except DisallowedHost:
        found = None
    else:
        if settings.SECURE_SSL_REDIRECT and not request.is_secure():
            found = None  # Django redirects it
        else:
            # ``web.middleware.chosen_language`` for a request without a query string.
            cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
            found = (_security_headers(request), supported(cookie) or settings.LANGUAGE_CODE)
    if len(_CHECKED) >= 4096:
        _CHECKED.clear()
    _CHECKED[key] = found
    return found


def _security_headers(request: ASGIRequest) -> tuple[tuple[bytes, bytes], ...]:
    """The headers Django's ``SecurityMiddleware`` and ``XFrameOptionsMiddleware`` add to an
    answer to ``request`` (HSTS over HTTPS, nosniff, referrer and opener policies, frame options),
    taken from the middleware themselves."""
    response = HttpResponse()
    before = set(response.headers)
    for middleware in (SecurityMiddleware, XFrameOptionsMiddleware):
        middleware(lambda _request: response).process_response(request, response)
    return tuple(
        (name.lower().encode(), value.encode())
        for name, value in response.headers.items()
        if name not in before
    )


def created_headers(item: Item, length: int, *, idempotent: bool = False) -> list[tuple[bytes, bytes]]:
    """The headers Django's middleware and DRF put on the API's 201 (the tests compare them);
    ``idempotent`` for a view that honours Idempotency-Key."""
    headers = [
        (b"content-type", b"application/json"),
        # Django adds Cookie when something read the session (the second-step check does, when
        # it is on); here always, since the language cookie changes the answer.
        (b"vary", b"Accept, Accept-Language, Cookie"),
        (b"allow", item.route.allow),
        (b"content-security-policy", API_CSP.encode()),
        (b"content-length", str(length).encode()),
        (b"content-language", translation.get_language().encode()),
    ]
    if idempotent and item.key is not None:
        headers.append((b"idempotency-replayed", b"false"))
    headers.extend(item.security)
    headers.append((b"x-request-id", item.request_id.encode()))
    return headers


def server_error() -> Answer:
    body = json.dumps({"detail": "服务器内部错误 Internal server error"}, ensure_ascii=False).encode()
    return Answer(
        500,
        [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            (b"content-security-policy", API_CSP.encode()),
            (b"x-content-type-options", b"nosniff"),
        ],
        body,
    )
