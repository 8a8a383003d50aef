"""Limits on what an import reads, checked before the file is parsed (and, for rows, while it is).

An xlsx is a zip of XML: 763 KB of it unpacked to two million empty rows held a web worker for
102 s and 2.5 GB, and 827 KB of shared strings expanded to 340 MB. So before a sheet is opened:
the file's size, the zip's unpacked size and its packing ratio (real exports pack 5-30 to 1; a
bomb hundreds), and the row count the sheet declares (``<dimension ref="A1:K2000001">``); while
rows are read, the count again (a sheet need not declare it). Every import goes through
``core.spreadsheets.read_rows``, so pages, API and commands get the same limits: the settings'
``QUANYU_IMPORT_MAX_*``; the ``quanyu import …`` commands raise them with ``--max-rows`` and
``--max-mb``.
"""

from __future__ import annotations

import contextlib
import contextvars
import ctypes
import ctypes.util
import gc
import os
import re
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO

from django.conf import settings
from django.utils.translation import gettext as _

MB = 1 << 20


@dataclass(frozen=True)
class SheetLimits:
    max_bytes: int  # the file as uploaded
    max_unpacked_bytes: int  # an xlsx's members, unpacked
    max_ratio: int  # unpacked : packed
    max_rows: int  # data rows

    @classmethod
    def from_settings(cls) -> SheetLimits:
        return cls(
            max_bytes=settings.QUANYU_IMPORT_MAX_MB * MB,
            max_unpacked_bytes=settings.QUANYU_IMPORT_MAX_UNPACKED_MB * MB,
            max_ratio=settings.QUANYU_IMPORT_MAX_RATIO,
            max_rows=settings.QUANYU_IMPORT_MAX_ROWS,
        )


_raised: contextvars.ContextVar[SheetLimits | None] = contextvars.ContextVar("sheet_limits", default=None)


def current_limits() -> SheetLimits:
    return _raised.get() or SheetLimits.from_settings()


def _raised_from_settings(*, max_rows: int | None, max_mb: int | None) -> SheetLimits:
    limits = SheetLimits.from_settings()
    if max_rows:
        limits = replace(limits, max_rows=max(max_rows, limits.max_rows))
    if max_mb:
        scale = max(1, max_mb * MB // limits.max_bytes)
        limits = replace(
            limits,
            max_bytes=max(max_mb * MB, limits.max_bytes),
            max_unpacked_bytes=limits.max_unpacked_bytes * scale,
        )
    return limits


@contextmanager
def raised_limits(*, max_rows: int | None = None, max_mb: int | None = None) -> Iterator[SheetLimits]:
    """Within the block, imports read up to ``max_rows`` rows and files up to ``max_mb`` MB (the
    unpacked size grows with it). For the command line and benchmarks, never for uploads."""
    token = _raised.set(_raised_from_settings(max_rows=max_rows, max_mb=max_mb))
    try:
        yield current_limits()
    finally:
        _raised.reset(token)


def raise_limits_for_command(*, max_rows: int | None, max_mb: int | None) -> None:
    """What ``--max-rows``/``--max-mb`` do for the rest of a command (a command runs once; each
    sets its own, so none inherits another's)."""
    raised = max_rows or max_mb
    _raised.set(_raised_from_settings(max_rows=max_rows, max_mb=max_mb) if raised else None)


def reset_limits() -> None:
    """Back to the settings' limits (between tests: a command's --max-rows outlives it)."""
    _raised.set(None)


class TooLarge(ValueError):
    """The file exceeds a limit; the message names it (core.spreadsheets turns it into a
    SpreadsheetError)."""


def _size(source: str | Path | IO[bytes]) -> int:
    if isinstance(source, (str, Path)):
        return os.path.getsize(source)
    position = source.tell()
    size = source.seek(0, os.SEEK_END)
    source.seek(position)
    return size


def check_file(source: str | Path | IO[bytes], *, xlsx: bool, limits: SheetLimits) -> int:
    """Raise TooLarge before anything is parsed; else the file's size in bytes."""
    size = _size(source)
    if size > limits.max_bytes:
        raise TooLarge(
            _("文件过大：%(size).1f MB，上限为 %(limit)d MB")
            % {"size": size / MB, "limit": limits.max_bytes // MB}
        )
    if not xlsx:
        return size
    try:
        book = zipfile.ZipFile(source)  # type: ignore[arg-type]
    except (zipfile.BadZipFile, OSError):
        return size  # not a zip: calamine says what is wrong with it
    try:
        members = book.infolist()
        unpacked = sum(m.file_size for m in members)
        packed = max(1, sum(m.compress_size for m in members))
        if unpacked > limits.max_unpacked_bytes:
            raise TooLarge(
                _("文件解压后过大：%(size)d MB，上限为 %(limit)d MB")
                % {"size": unpacked // MB, "limit": limits.max_unpacked_bytes // MB}
            )
        if unpacked > 10 * MB and unpacked / packed > limits.max_ratio:
            raise TooLarge(
                _("文件压缩比异常（%(ratio)d:1，上限 %(limit)d:1），可能是恶意构造的文件")
                % {"ratio": unpacked // packed, "limit": limits.max_ratio}
            )
        declared = _declared_rows(book)
        if declared is not None and declared - 1 > limits.max_rows:
            raise TooLarge(too_many_rows(limits))
    finally:
        book.close()
        if not isinstance(source, (str, Path)):
            source.seek(0)
    return size


_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"[A-Z]+\d+:[A-Z]+(\d+)\"")


def _declared_rows(book: zipfile.ZipFile) -> int | None:
    """The largest row count any worksheet declares in its first 4 KB (``<dimension>``)."""
    found = None
    for name in book.namelist():
        if name.startswith("xl/worksheets/") and name.endswith(".xml"):
            with book.open(name) as fh:
                match = _DIMENSION.search(fh.read(4096))
            if match:
                found = max(found or 0, int(match.group(1)))
    return found


def too_many_rows(limits: SheetLimits) -> str:
    return _("文件行数超过上限 %(limit)d 行；请拆分后分批导入（命令行可用 --max-rows 提高上限）") % {
        "limit": limits.max_rows
    }


def release_memory() -> None:
    """Hand freed memory back to the system after a large read (glibc keeps it otherwise)."""
    gc.collect()
    name = ctypes.util.find_library("c")
    if name:
        with contextlib.suppress(OSError, AttributeError):  # not glibc
            ctypes.CDLL(name).malloc_trim(0)
