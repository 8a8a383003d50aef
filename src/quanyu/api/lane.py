"""The intake lane: ``POST /api/tickets/`` as nearly every client sends it, created in batches.

Under an ASGI server (``quanyu.asgi``: uvicorn workers) this sits in front of Django. A request to
create a ticket with a token (``Authorization: Token …``), a JSON body, no query string and no
file does not go through Django's request cycle (middleware, URL resolving, DRF's negotiation,
parsing and authentication: two thirds of a creation's cost there) but to one writer thread per
process, which takes every request waiting when it comes round and creates them together
(``services.ticket_create_batch``: each checked on its own, the valid ones written in one
transaction of a few statements). The answer is the one the API view gives: the same body,
status and headers (tests/api/test_intake_lane.py compares the two).

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
from collections.abc import Awaitable, Callable
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
from rest_framework.renderers import JSONRenderer

from quanyu.core.http import API_CSP, supported
from quanyu.core.logs import request_id_for

logger = logging.getLogger("quanyu.api.lane")

LANE_PATH = "/api/tickets/"
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


@dataclass
class _Item:
    """One request handed to the writer thread, and where its answer goes."""

    token: str
    data: dict[str, Any]  # the body, read and checked by ``fast_create_input`` before it is queued
    key: str | None
    security: tuple[tuple[bytes, bytes], ...]  # what Django's security middleware would add
    language: str  # of the answer: the language cookie, else the default
    loop: asyncio.AbstractEventLoop
    future: asyncio.Future[_Answer | None]
    request_id: str = ""  # answered in X-Request-ID, as core.logs.RequestIdMiddleware does


@dataclass
class _Answer:
    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes = b""


class IntakeLane:
    """ASGI middleware: the lane for plain creations, Django (``app``) for everything else."""

    def __init__(self, app: ASGIApp, *, max_batch: int = MAX_BATCH, writers: int | None = None) -> None:
        self.app = app
        self.max_batch = max_batch
        self.writers = writers if writers is not None else _writers()
        self.waiting: queue.SimpleQueue[_Item] = queue.SimpleQueue()
        self._threads: list[_Writer] = []
        self._lock = threading.Lock()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        headers = _lane_headers(scope)
        if headers is None:
            await self.app(scope, receive, send)
            return
        body = await _read_body(receive)
        if body is None:  # the client went away
            return
        item = self._item(scope, headers, body)
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

    def _item(self, scope: Scope, headers: dict[bytes, bytes], body: bytes) -> _Item | None:
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
        data = plain_input(body)
        if data is None:
            return None
        key = headers.get(b"idempotency-key")
        loop = asyncio.get_running_loop()
        return _Item(
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
        or scope["path"] != LANE_PATH
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

    def __init__(self, waiting: queue.SimpleQueue[_Item], max_batch: int) -> None:
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
            except Exception:  # never leave a client hanging: each is answered 500
                logger.exception("intake lane: a batch of %d failed", len(batch))
                answers = [_server_error() for _ in batch]
            finally:
                # As at the end of a request: with the pool (quanyu.dbsettings) the connection goes
                # back to it between batches instead of being held by an idle writer.
                close_old_connections()
            # One wake-up of each event loop per batch, not one per request.
            by_loop: dict[asyncio.AbstractEventLoop, list[tuple[_Item, _Answer | None]]] = {}
            for item, answer in zip(batch, answers, strict=True):
                by_loop.setdefault(item.loop, []).append((item, answer))
            for loop, settled in by_loop.items():
                try:
                    loop.call_soon_threadsafe(_settle, settled)
                except RuntimeError:  # that event loop is closed: its clients are gone
                    logger.warning("intake lane: %d answers for a closed event loop", len(settled))


def _settle(settled: list[tuple[_Item, _Answer | None]]) -> None:
    for item, answer in settled:
        if not item.future.done():
            item.future.set_result(answer)


def plain_input(body: bytes) -> dict[str, Any] | None:
    """The create input of a body the lane may take (``fast_create_input``), or None for Django to
    read and answer: read here, before the request joins a batch, so that no body (malformed, or
    nested deep enough to raise ``RecursionError``) is ever read next to another request's."""
    from quanyu.api.tickets.intake import fast_create_input

    try:
        # As DRF's JSON parser reads it: UTF-8, and no NaN or Infinity anywhere. Nothing nested
        # passes ``fast_create_input``; deeper than Python's recursion limit raises first.
        return fast_create_input(json.loads(body.decode("utf-8"), parse_constant=_no_constant))
    except (ValueError, RecursionError):
        return None


def answer_batch(batch: list[_Item]) -> list[_Answer | None]:
    """Create the batch's tickets; each item's answer, or None to send it on to Django."""
    from rest_framework import exceptions

    from quanyu.api.auth import ExpiringTokenAuthentication
    from quanyu.api.tickets.intake import create_arguments

    answers: list[_Answer | None] = [None] * len(batch)
    by_language: dict[str, list[tuple[int, dict[str, Any]]]] = {}
    auth = ExpiringTokenAuthentication()
    for i, item in enumerate(batch):
        language = item.language
        try:
            user, _token = auth.authenticate_credentials(item.token)
            with translation.override(language):
                arguments = create_arguments(item.data)
        except (exceptions.APIException, ValueError):
            continue  # Django answers it (401, 400, 404)
        except Exception:  # one request's surprise is its own: Django answers it, nothing written
            logger.exception("intake lane: reading a request failed")
            continue
        arguments.update(actor=user, photos=[], idempotency_key=item.key)
        by_language.setdefault(language, []).append((i, arguments))
    for language, requests in by_language.items():
        with translation.override(language):
            _create(batch, requests, answers)
    return answers


def _create(
    batch: list[_Item], requests: list[tuple[int, dict[str, Any]]], answers: list[_Answer | None]
) -> None:
    from quanyu.api.tickets.intake import created_answer
    from quanyu.tickets import services
    from quanyu.tickets.models import Ticket

    try:
        results = services.ticket_create_batch([arguments for _i, arguments in requests])
    except Exception:
        # Some may have been written on their own before the failure: answer 500, never resend.
        logger.exception("intake lane: creating %d tickets failed", len(requests))
        for i, _arguments in requests:
            answers[i] = _server_error()
        return
    for (i, _arguments), result in zip(requests, results, strict=True):
        if not isinstance(result, Ticket) or getattr(result, "replayed", False):
            continue  # refused (nothing written) or a replay: Django answers it
        try:
            body = JSONRenderer().render(created_answer(result))
        except Exception:
            logger.exception("intake lane: answering ticket %s failed", result.pk)
            answers[i] = _server_error()
            continue
        answers[i] = _Answer(201, _headers(batch[i], len(body)), body)


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


def _headers(item: _Item, length: int) -> list[tuple[bytes, bytes]]:
    """The headers Django's middleware and DRF put on the API's 201 (the test compares them)."""
    headers = [
        (b"content-type", b"application/json"),
        # Django adds Cookie when something read the session (the second-step check does, when
        # it is on); here always, since the language cookie changes the answer.
        (b"vary", b"Accept, Accept-Language, Cookie"),
        (b"allow", b"GET, POST, HEAD, OPTIONS"),
        (b"content-security-policy", API_CSP.encode()),
        (b"content-length", str(length).encode()),
        (b"content-language", translation.get_language().encode()),
    ]
    if item.key is not None:
        headers.append((b"idempotency-replayed", b"false"))
    headers.extend(item.security)
    headers.append((b"x-request-id", item.request_id.encode()))
    return headers


def _server_error() -> _Answer:
    body = json.dumps({"detail": "服务器内部错误 Internal server error"}, ensure_ascii=False).encode()
    return _Answer(
        500,
        [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            (b"content-security-policy", API_CSP.encode()),
            (b"x-content-type-options", b"nosniff"),
        ],
        body,
    )
