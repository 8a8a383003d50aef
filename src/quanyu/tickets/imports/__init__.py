"""Bulk intake of hotline (12345) work orders from xlsx/CSV: ``quanyu import hotline FILE``.

The per-ticket service (``ticket_create``) locks, notifies and writes one row at a time; a hotline
export has hundreds of thousands of rows, so this package does the same intake in bulk. Rows are
streamed (``core.spreadsheets.read_rows``) in chunks; each chunk is

1. validated row by row (errors name the row and the column), in-file repeats included,
2. located (one vectorised grid-index lookup per coordinate system), categorised (the given
   ``诉求类别`` by code or name, else the catalogue's keyword rules), given its first tier and
   its deadlines (the working-day calendar as arrays, ``deadlines.WorkingDayTable``), and written
   out as COPY text (PostgreSQL) or field values (``rows.prepare``),
3. checked against the work orders already imported (``工单编号`` = ``Ticket.external_ref`` of a
   hotline ticket: a re-import skips them, so importing the same file twice creates nothing new),
4. written: the tickets, then one ``created`` event each (contacts encrypted on the way in), with
   COPY on PostgreSQL (``write.write_copy``), ``bulk_create`` elsewhere.

Steps 1–2 ask the database nothing (``rows.Context`` reads all they need first), so they run in a
second thread, a chunk or two ahead of steps 3–4, which stay in the calling thread with its
connection and transaction: on two cores the building of the next chunk overlaps the database's
work on this one. No notification is sent per imported ticket: the imported work orders simply
appear in the inboxes (which are queries).

Transactions and errors:

* default: all or nothing. The whole file is one transaction, written chunk by chunk; once a bad
  row is found, writing stops, the rest is still checked so that every error is reported, and the
  transaction is rolled back: nothing is imported.
* ``valid_only``: one transaction per chunk. Good rows are imported as their chunk completes, bad
  rows are reported. If the run is interrupted, the chunks already committed stay; running the
  same file again imports the rest (already imported work orders are skipped). On PostgreSQL the
  chunks commit with ``synchronous_commit = off`` (for those transactions only): a crash of the
  server may lose the last chunks committed in the fraction of a second before it, which is the
  same as an interrupted run (running the file again imports them). The import ends with one
  synchronous commit, which flushes every chunk before it: an import that has returned is durable.
* ``dry_run``: everything is checked (locating included), nothing is written.
"""

from __future__ import annotations

import contextlib
import queue
import threading
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator
from concurrent.futures import Future
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import IO, Any

from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from quanyu.core.permissions import has_role
from quanyu.core.spreadsheets import RowError, read_rows, write_template
from quanyu.tickets.access import CHANNEL_ROLES
from quanyu.tickets.imports.deadlines import FastDeadlines, WorkingDayTable
from quanyu.tickets.imports.rows import HOTLINE_COLUMNS, Context, Prepared, prepare
from quanyu.tickets.imports.write import existing_refs, write_copy, write_orm
from quanyu.tickets.models import Channel

DEFAULT_CHUNK = 10_000
_AHEAD = 2  # chunks built ahead of the one being written
# Connections writing chunks at once with valid_only (each chunk its own transaction) on
# PostgreSQL: one server process per connection, so the COPY of one chunk overlaps the foreign-key
# checks at the commit of the one before.
_WRITERS = 2


@dataclass
class HotlineImportResult:
    total: int = 0  # data rows read
    valid: int = 0  # rows without errors (imported, or skipped as already imported)
    written: int = 0  # tickets created
    skipped: int = 0  # work orders imported before
    errors: list[RowError] = field(default_factory=list)
    dry_run: bool = False
    seconds: float = 0.0

    @property
    def bad_rows(self) -> int:
        return len({e.row for e in self.errors})


class _Rollback(Exception):
    pass


@dataclass
class _Failed:
    error: BaseException


_DONE = object()
_Written = tuple[set[str], int]  # a chunk's work orders imported before, the tickets it wrote


def _batches(
    rows: Iterable[tuple[int, dict[str, Any]]], size: int
) -> Iterator[list[tuple[int, dict[str, Any]]]]:
    iterator = iter(rows)
    while batch := list(islice(iterator, size)):
        yield batch


def _ahead(
    rows: Iterator[tuple[int, dict[str, Any]]],
    size: int,
    build: Callable[[list[tuple[int, dict[str, Any]]]], Prepared],
) -> Generator[Prepared, None, None]:
    """``build`` of each chunk of ``rows``, run in a thread up to ``_AHEAD`` chunks ahead of the
    caller. The thread reads the file and runs ``build`` only (no query); an error there is raised
    here; when the caller stops early, the thread stops at its next chunk."""
    ready: queue.Queue[Any] = queue.Queue(maxsize=_AHEAD)
    stop = threading.Event()
    language = translation.get_language()

    def put(item: Any) -> bool:
        while not stop.is_set():
            try:
                ready.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def work() -> None:
        try:
            with translation.override(language):
                for chunk in _batches(rows, size):
                    if stop.is_set() or not put(build(chunk)):
                        return
        except BaseException as exc:  # handed to the caller, raised there
            put(_Failed(exc))
            return
        finally:
            close = getattr(rows, "close", None)
            if close is not None:
                close()
        put(_DONE)

    thread = threading.Thread(target=work, name="hotline-import-build", daemon=True)
    thread.start()
    try:
        while (item := ready.get()) is not _DONE:
            if isinstance(item, _Failed):
                raise item.error
            yield item
    finally:
        stop.set()
        thread.join()


def _write_in_threads(
    chunks: Iterator[Prepared],
    write: Callable[[Prepared], _Written],
    done: Callable[[Prepared, _Written], None],
) -> None:
    """``write`` of each chunk in one of ``_WRITERS`` threads, each with its own connection (so
    its own transactions), ``done`` of each chunk here, in the file's order. An error in a writer
    is raised here; the chunks not yet started are then not written."""
    jobs: queue.Queue[tuple[Prepared, Future[_Written]] | None] = queue.Queue()
    stop = threading.Event()

    def work() -> None:
        try:
            while (job := jobs.get()) is not None:
                prepared, future = job
                if stop.is_set():
                    future.cancel()
                    continue
                try:
                    future.set_result(write(prepared))
                except BaseException as exc:  # raised in the caller by future.result()
                    future.set_exception(exc)
        finally:
            connection.close()  # this thread's own connection

    threads = [
        threading.Thread(target=work, name="hotline-import-write", daemon=True) for _i in range(_WRITERS)
    ]
    for thread in threads:
        thread.start()
    pending: deque[tuple[Prepared, Future[_Written]]] = deque()
    try:
        for prepared in chunks:
            future: Future[_Written] = Future()
            jobs.put((prepared, future))
            pending.append((prepared, future))
            while len(pending) > _WRITERS:
                first, ready = pending.popleft()
                done(first, ready.result())
        while pending:
            first, ready = pending.popleft()
            done(first, ready.result())
    finally:
        stop.set()
        for _thread in threads:
            jobs.put(None)
        for thread in threads:
            thread.join()


def hotline_import(
    *,
    actor: Any,
    source: str | Path | IO[bytes],
    dry_run: bool = False,
    valid_only: bool = False,
    chunk_size: int = DEFAULT_CHUNK,
    progress: Callable[[int], None] | None = None,
) -> HotlineImportResult:
    """Import hotline work orders (see the module docstring for the transaction rules). Raises
    ``SpreadsheetError`` for an unreadable file or missing columns, ``PermissionDenied`` when the
    actor may not register hotline tickets anywhere."""
    if not has_role(actor, CHANNEL_ROLES[Channel.HOTLINE]):
        raise PermissionDenied(_("您没有登记 12345 热线工单的权限"))
    started = timezone.now()
    copy = connection.vendor == "postgresql"
    ctx = Context(actor, started, copy=copy)
    result = HotlineImportResult(dry_run=dry_run)
    seen: set[str] = set()
    # Cleared once nothing more will be written (a dry run; a bad row without valid_only): the
    # rows are still checked and located, no longer written out.
    building = threading.Event()
    if not dry_run:
        building.set()

    def build(chunk: list[tuple[int, dict[str, Any]]]) -> Prepared:
        return prepare(chunk, ctx, seen, build=building.is_set())

    def fresh(prepared: Prepared, existing: set[str]) -> list[int] | None:
        """Positions in ``prepared.kept`` of the rows not imported before (None: all of them)."""
        return [i for i, ref in enumerate(prepared.kept) if ref not in existing] if existing else None

    def write(prepared: Prepared, keep: list[int] | None) -> int:
        if copy:
            tickets, events = prepared.tickets, prepared.events
            if keep is not None:
                tickets, events = [tickets[i] for i in keep], [events[i] for i in keep]
            return write_copy(tickets, events, ctx)
        attrs = prepared.attrs if keep is None else [prepared.attrs[i] for i in keep]
        return write_orm(attrs, ctx)

    def done(prepared: Prepared, written: _Written) -> None:
        """The chunk's counts and errors, once its existing work orders are known."""
        existing, count = written
        keep = fresh(prepared, existing)
        result.skipped += len(existing)
        built = len(prepared.kept) if keep is None else len(keep)
        result.valid += len(prepared.refs) - (len(prepared.refs) - len(existing) - built)
        result.errors.extend(prepared.errors)
        result.errors.extend(error for ref, error in prepared.late if ref not in existing)
        if result.errors and not valid_only:
            building.clear()
        result.written += count
        result.total += prepared.size
        if progress is not None:
            progress(prepared.size)

    def take(prepared: Prepared, *, may_write: bool) -> None:
        existing = existing_refs(prepared.refs) if prepared.refs else set()
        keep = fresh(prepared, existing)
        errors = result.errors or prepared.errors or any(ref not in existing for ref, _e in prepared.late)
        rows = len(prepared.kept) if keep is None else len(keep)
        count = write(prepared, keep) if may_write and rows and (valid_only or not errors) else 0
        done(prepared, (existing, count))

    def write_chunk(prepared: Prepared) -> _Written:
        """A chunk in its own transaction (valid_only, in a writer thread), committed without
        waiting for the WAL flush (see the module docstring; ``_flush`` ends the import)."""
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit = off")
            existing = existing_refs(prepared.refs) if prepared.refs else set()
            keep = fresh(prepared, existing)
            rows = len(prepared.kept) if keep is None else len(keep)
            return existing, write(prepared, keep) if rows else 0

    # closing(): an error here stops the building thread now, not when the traceback is freed.
    with contextlib.closing(_ahead(read_rows(source, HOTLINE_COLUMNS), chunk_size, build)) as chunks:
        if dry_run:
            for prepared in chunks:
                take(prepared, may_write=False)
        elif valid_only and copy and not connection.in_atomic_block:
            _write_in_threads(chunks, write_chunk, done)
            _flush()
        elif valid_only:
            for prepared in chunks:
                with transaction.atomic():
                    take(prepared, may_write=True)
        else:
            try:
                with transaction.atomic():
                    for prepared in chunks:
                        take(prepared, may_write=True)
                    if result.errors:
                        raise _Rollback
            except _Rollback:
                result.written = 0
    result.seconds = (timezone.now() - started).total_seconds()
    return result


def _flush() -> None:
    """Wait until every transaction committed so far is on disk: a transaction with an id commits
    synchronously (the session's setting), and its commit flushes the WAL written before it."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_xact_id()")


def hotline_write_template(target: str | Path | IO[bytes]) -> None:
    write_template(target, HOTLINE_COLUMNS, title="12345热线工单")


__all__ = [
    "DEFAULT_CHUNK",
    "HOTLINE_COLUMNS",
    "FastDeadlines",
    "HotlineImportResult",
    "WorkingDayTable",
    "hotline_import",
    "hotline_write_template",
]
