"""Structured logs without personal data.

``JsonFormatter`` writes one JSON object per line (``time`` in UTC, ``level``, ``logger``,
``message``, the request's ``request_id`` when there is one, ``exception`` with its traceback, and
any ``extra={…}`` fields), the shape log shippers take in; ``QUANYU_LOG_FORMAT=text`` keeps plain
lines (the DEBUG demo's default).

One mechanism masks personal data (等保 residual information): ``mask_every_record`` replaces the
process's log record factory, so every record is masked where it is made, whichever handler
then writes it — ours, uvicorn's own, the handlers a Celery worker puts on the root logger. ID
card numbers (GB 11643), mainland mobile numbers and e-mail addresses are masked and the row
values PostgreSQL quotes in a constraint error are left out: string arguments one by one (the
record keeps its shape for formatters that read ``record.args``), the message merged and masked
when a number is still there (an integer, a number split over arguments), the traceback and
stack formatted and masked once. It is installed by ``configure`` — ``settings.LOGGING_CONFIG``,
which Django calls in ``django.setup()`` before any app is loaded — so the records made while
apps load (model imports, app ``ready``s, a failing import) are masked too, in every process
that loads Django: web workers, Celery workers and beat, commands.

``RequestIdMiddleware`` gives each request an id (the caller's ``X-Request-ID`` when it is a
plain token of up to 64 characters, else a new one), answers it in the same header, and puts it on
every record logged while the request is served (the intake lane, which answers before Django,
names its answers the same way).
"""

from __future__ import annotations

import contextvars
import datetime as dt
import json
import logging
import logging.config
import re
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponse

request_id: contextvars.ContextVar[str] = contextvars.ContextVar("quanyu_request_id", default="")

_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])(\d{6})\d{8}(\d{3}[0-9Xx])(?![0-9A-Za-z])")
_MOBILE = re.compile(r"(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)")
_EMAIL = re.compile(r"(?<![\w.+-])([\w+-])[\w.+-]*@([\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,})(?![\w-])")
# What PostgreSQL quotes of a row in a constraint error (a name, an address, a ticket's text):
# "Failing row contains (…)" and "Key (col)=(…) already exists" keep the columns, not the values.
_PG_ROW = re.compile(r"(Failing row contains )\(.*")
_PG_KEY = re.compile(
    r"(Key \([^)]*\)=)\(.*?\)(?= (?:already exists|is not present|conflicts with|is still referenced))"
)
_TOKEN = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
# What a LogRecord carries of its own; anything else was passed in ``extra``.
_STANDARD = frozenset(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "request_id"}


def request_id_for(given: str) -> str:
    """The id of a request that sent ``given`` as its X-Request-ID: kept when it is a plain token
    of up to 64 characters, else a new one."""
    return given if _TOKEN.match(given) else uuid.uuid4().hex


def redact(text: str) -> str:
    """``text`` with ID card numbers and mobile numbers masked (first and last digits kept),
    e-mail addresses masked (first character and domain kept), and the row values PostgreSQL
    quotes in constraint errors left out."""
    text = _ID_NUMBER.sub(r"\1********\2", text)
    text = _MOBILE.sub(r"\1****\2", text)
    if "@" in text:
        text = _EMAIL.sub(r"\1***@\2", text)
    if "Failing row" in text or "Key (" in text:
        text = _PG_KEY.sub(r"\1(…)", _PG_ROW.sub(r"\1(…)", text))
    return text


def _masked_arg(value: Any) -> Any:
    return redact(value) if isinstance(value, str) else value


def _mask(record: logging.LogRecord) -> None:
    if isinstance(record.msg, str):
        record.msg = redact(record.msg)
    if isinstance(record.args, tuple):
        record.args = tuple(_masked_arg(a) for a in record.args)
    elif isinstance(record.args, dict):
        record.args = {k: _masked_arg(v) for k, v in record.args.items()}
    try:
        message = record.getMessage()
    except Exception:  # a malformed call: left for the handler to report, as logging does
        return
    clean = redact(message)
    if clean != message:
        record.msg, record.args = clean, None
    if record.exc_info and not record.exc_text:
        record.exc_text = logging.Formatter().formatException(record.exc_info)
    if record.exc_text:
        record.exc_text = redact(record.exc_text)
    if record.stack_info:
        record.stack_info = redact(record.stack_info)


def mask_every_record() -> None:
    """Make every LogRecord of this process masked when it is made (once per process)."""
    previous = logging.getLogRecordFactory()
    if getattr(previous, "quanyu_masks", False):
        return

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        _mask(record)
        return record

    factory.quanyu_masks = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(factory)


def configure(logging_settings: dict[str, Any]) -> None:
    """``settings.LOGGING_CONFIG``: records masked from here on (before the apps load), then the
    ``LOGGING`` dictionary applied as Django's default configurator would."""
    mask_every_record()
    logging.config.dictConfig(logging_settings)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, tz=dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        rid = getattr(record, "request_id", "") or request_id.get()
        if rid:
            entry["request_id"] = rid
        for key, value in record.__dict__.items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = value if isinstance(value, (str, int, float, bool, type(None))) else str(value)
        if record.exc_info and not record.exc_text:
            record.exc_text = redact(self.formatException(record.exc_info))
        if record.exc_text:
            entry["exception"] = record.exc_text
        return json.dumps(entry, ensure_ascii=False)


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        rid = request_id_for(request.headers.get("X-Request-ID", ""))
        token = request_id.set(rid)
        try:
            response = self.get_response(request)
        finally:
            request_id.reset(token)
        response["X-Request-ID"] = rid
        return response
