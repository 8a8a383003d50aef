"""Spreadsheets as offices keep them: xlsx (and CSV) in, xlsx out, with per-row errors.

An importer declares its columns once::

    COLUMNS = [Column("name", "名称", required=True), Column("code", "代码", example="370602")]

and then uses ``read_rows`` (xlsx streamed row by row by calamine, in memory that does not grow
with the sheet; CSV through the csv module), collects
``RowError``s naming the spreadsheet row number and column header, writes them with
``write_errors`` and offers the empty template from ``write_template``. Exports use
``write_rows`` (openpyxl write-only mode). Headers are matched by their Chinese text or by key,
ignoring surrounding spaces and a trailing ``*`` (the template marks required columns with it).
"""

from __future__ import annotations

import csv
import datetime as dt
import itertools
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from quanyu.core.sheetlimits import (
    SheetLimits,
    TooLarge,
    check_file,
    current_limits,
    release_memory,
    too_many_rows,
)

Target = str | Path | IO[bytes]


class SpreadsheetError(ValueError):
    """The file as a whole cannot be read (wrong format, missing required headers)."""


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    required: bool = False
    example: str = ""
    help: str = ""
    width: int = 16
    aliases: tuple[str, ...] = ()  # other header texts accepted on import (older templates, English)


@dataclass(frozen=True)
class RowError:
    row: int  # spreadsheet row number as the user sees it (header is row 1)
    column: str  # the column's header text, or "" for the whole row
    message: str
    noun: str = "row"  # "row" for spreadsheet rows, "feature" for GeoJSON features (1-based)
    sheet: str = ""  # the worksheet, in files with several

    def __str__(self) -> str:
        if self.noun == "feature":
            where = _("第%(row)d个要素") % {"row": self.row}
        else:
            where = _("第%(row)d行") % {"row": self.row}
        if self.sheet:
            where = _("“%(sheet)s”表") % {"sheet": self.sheet} + where
        if self.column:
            where += _("【%(col)s】") % {"col": self.column}
        return f"{where}：{self.message}"


YES_TEXT = frozenset({"是", "y", "yes", "true", "1", "√", "✓"})
NO_TEXT = frozenset({"否", "n", "no", "false", "0", "×", "✗"})


def yes_no(value: Any, *, default: bool) -> bool:
    """A yes-or-no cell: 是/否 as the templates write it, also true/false, yes/no, 1/0, √/× and
    the spreadsheet's own TRUE/FALSE; an empty cell is ``default``. ``ValueError`` naming the
    value otherwise (the importer adds the row and the column)."""
    if isinstance(value, bool):
        return value
    text = "" if value is None else str(value).strip()
    if not text:
        return default
    if text.lower() in YES_TEXT:
        return True
    if text.lower() in NO_TEXT:
        return False
    raise ValueError(_("应填“是”或“否”，实际为“%(v)s”") % {"v": text})


def _norm_header(value: Any) -> str:
    return str(value or "").strip().rstrip("*").strip()


def _cell_text(value: Any) -> Any:
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _map_headers(raw: Sequence[Any], columns: Sequence[Column]) -> dict[str, int]:
    by_text = {c.header: c for c in columns} | {c.key: c for c in columns}
    by_text |= {alias: c for c in columns for alias in c.aliases}
    positions: dict[str, int] = {}
    for i, cell in enumerate(raw):
        column = by_text.get(_norm_header(cell))
        if column is not None and column.key not in positions:
            positions[column.key] = i
    missing = [c.header for c in columns if c.required and c.key not in positions]
    if missing:
        raise SpreadsheetError(_("缺少必填列：%(cols)s") % {"cols": "、".join(missing)})
    return positions


# An xlsx this large leaves enough freed memory behind to hand it back to the system after reading.
RELEASE_AFTER_BYTES = 4 << 20
_CSV_PROBE = 1 << 20  # bytes decoded at a time when checking a CSV file's encoding


def _csv_encoding(path: Path) -> str:
    """UTF-8 (with or without BOM) when the whole file decodes as UTF-8, else GB18030. The file is
    decoded in 1 MB pieces and nothing is kept, so memory stays bounded."""
    import codecs

    decoder: codecs.IncrementalDecoder = codecs.getincrementaldecoder("utf-8")()
    with path.open("rb") as fh:
        try:
            while piece := fh.read(_CSV_PROBE):
                decoder.decode(piece)
            decoder.decode(b"", final=True)
            return "utf-8-sig"
        except UnicodeDecodeError:
            pass
    decoder = codecs.getincrementaldecoder("gb18030")()
    with path.open("rb") as fh:
        try:
            while piece := fh.read(_CSV_PROBE):
                decoder.decode(piece)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            raise SpreadsheetError(_("无法识别CSV文件的编码（应为UTF-8或GBK）")) from None
    return "gb18030"


def _csv_rows(path: Path) -> Iterator[list[Any]]:
    """The CSV's rows, streamed (csv.reader over a text wrapper; the file is never read whole)."""
    encoding = _csv_encoding(path)  # the file's existence was checked by _check_path
    with path.open("r", encoding=encoding, newline="") as fh:
        yield from csv.reader(fh)


def read_rows(
    source: str | Path | IO[bytes], columns: Sequence[Column], *, sheet: str | None = None
) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield (row number, {key: value}) for every non-empty data row. Blank cells are ''.

    The limits are the caller's (``core.sheetlimits``), taken now: the rows may be read in another
    thread, as the hotline import does."""
    return _records(source, columns, sheet, current_limits())


def _records(
    source: str | Path | IO[bytes], columns: Sequence[Column], sheet: str | None, limits: SheetLimits
) -> Iterator[tuple[int, dict[str, Any]]]:
    rows: Iterator[Sequence[Any]]
    close: Callable[[], None] | None = None
    is_csv = isinstance(source, (str, Path)) and Path(source).suffix.lower() == ".csv"
    _check_path(source)
    try:
        size = check_file(source, xlsx=not is_csv, limits=limits)
    except TooLarge as exc:
        raise SpreadsheetError(str(exc)) from None
    if is_csv:
        rows = _csv_rows(Path(source))  # type: ignore[arg-type]
    else:
        rows, close = _xlsx_rows(source, sheet)
    # The header and at most max_rows rows (islice: no cost per row); one more is too many.
    everything, rows = rows, itertools.islice(rows, limits.max_rows + 1)
    try:
        header = next(iter(rows), None)
        if header is None:
            raise SpreadsheetError(_("文件是空的"))
        positions = _map_headers(header, columns)
        if close is None:
            yield from _csv_records(rows, positions, columns)
        else:
            yield from _xlsx_records(rows, positions, columns)
        if next(everything, None) is not None:
            raise SpreadsheetError(too_many_rows(limits))
    finally:
        if close is not None:
            close()
            if size > RELEASE_AFTER_BYTES:
                release_memory()


def _xlsx_records(
    rows: Iterator[Sequence[Any]], positions: dict[str, int], columns: Sequence[Column]
) -> Iterator[tuple[int, dict[str, Any]]]:
    where = [(column.key, positions.get(column.key)) for column in columns]
    for number, raw in enumerate(rows, start=2):
        if raw is None or all(v is None or (isinstance(v, str) and not v.strip()) for v in raw):
            continue
        width = len(raw)
        record = {}
        for key, i in where:
            value = raw[i] if i is not None and i < width else None
            record[key] = "" if value is None else _cell_text(value)
        yield number, record


def _xlsx_rows(
    source: str | Path | IO[bytes], sheet: str | None
) -> tuple[Iterator[Sequence[Any]], Callable[[], None]]:
    """The worksheet's rows from row 1 and column A (empty cells ''), and how to close the file.

    calamine decodes the rows straight out of the compressed sheet as they are asked for
    (``stream_sheet_by_*``): a sheet of a million rows takes no more memory than one of a hundred,
    and the first rows are ready at once (an in-memory reader parses the whole sheet first, during
    which an import could write nothing). Values are typed as calamine's whole-sheet reader types
    them (dates by the cell's number format)."""
    book = _open_book(source)
    try:
        if sheet and sheet not in book.sheet_names:
            raise SpreadsheetError(_("文件中没有名为“%(sheet)s”的工作表") % {"sheet": sheet})
        with _unreadable():
            rows = book.stream_sheet_by_name(sheet) if sheet else book.stream_sheet_by_index(0)
    except BaseException:
        book.close()
        raise
    return _guarded(rows), book.close


def _open_book(source: str | Path | IO[bytes]) -> Any:
    """The xlsx as a calamine workbook (python-calamine-plus: python-calamine with streaming)."""
    from python_calamine_plus import CalamineWorkbook

    _check_path(source)
    with _unreadable():
        if isinstance(source, (str, Path)):
            return CalamineWorkbook.from_path(str(source))
        return CalamineWorkbook.from_filelike(source)  # type: ignore[arg-type]


@contextmanager
def _unreadable() -> Iterator[None]:
    """calamine's own errors (a damaged or non-xlsx file) as the user's SpreadsheetError."""
    try:
        yield
    except SpreadsheetError:
        raise
    except Exception as exc:
        raise SpreadsheetError(_("无法读取Excel文件：%(err)s") % {"err": exc}) from None


def _guarded(rows: Iterator[Sequence[Any]]) -> Iterator[Sequence[Any]]:
    """calamine's rows, a damaged sheet found part way through raised as a SpreadsheetError."""
    with _unreadable():
        yield from rows


def _check_path(source: str | Path | IO[bytes]) -> None:
    if isinstance(source, (str, Path)):
        path = Path(source)
        if not path.exists():
            raise SpreadsheetError(_("文件不存在：%(path)s") % {"path": path})
        if path.suffix.lower() == ".xls":
            raise SpreadsheetError(_("不支持旧版Excel（.xls）文件，请另存为 .xlsx 后再导入"))


def _csv_records(
    rows: Iterator[Sequence[Any]], positions: dict[str, int], columns: Sequence[Column]
) -> Iterator[tuple[int, dict[str, Any]]]:
    """``read_rows`` for CSV, where every cell is a string: the same records, less work per row."""
    keys = [c.key for c in columns]
    where = [positions.get(k) for k in keys]
    for number, raw in enumerate(rows, start=2):
        width = len(raw)
        record = {
            k: (raw[i].strip() if i is not None and i < width else "")
            for k, i in zip(keys, where, strict=True)
        }
        if not any(raw) or not any(v.strip() for v in raw):
            continue
        yield number, record


def sheet_names(source: str | Path | IO[bytes]) -> list[str]:
    """The worksheet titles of an xlsx file (SpreadsheetError if it is not one)."""
    book = _open_book(source)
    try:
        return list(book.sheet_names)
    finally:
        book.close()


_HEADER_FONT = Font(bold=True)
_REQUIRED_FILL = PatternFill("solid", fgColor="FDE2E1")
_OPTIONAL_FILL = PatternFill("solid", fgColor="EEF2F7")


def write_template(
    target: Target, columns: Sequence[Column], *, title: str = "导入模板", example: bool = True
) -> None:
    """The empty import template: Chinese headers (required ones marked *), notes, an example row."""
    write_template_sheets(target, [(title, columns)], example=example)


def write_template_sheets(
    target: Target, sheets: Sequence[tuple[str, Sequence[Column]]], *, example: bool = True
) -> None:
    """A template workbook with one sheet per (title, columns), in the order given."""
    workbook = Workbook()
    first = workbook.active
    assert first is not None
    workbook.remove(first)
    for title, columns in sheets:
        _fill_template_sheet(workbook.create_sheet(title[:31]), columns, example=example)
    workbook.save(target)


def _fill_template_sheet(sheet: Any, columns: Sequence[Column], *, example: bool) -> None:
    for i, column in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=i, value=column.header + ("*" if column.required else ""))
        cell.font = _HEADER_FONT
        cell.fill = _REQUIRED_FILL if column.required else _OPTIONAL_FILL
        if column.help:
            cell.comment = Comment(column.help, "Quanyu")
        sheet.column_dimensions[cell.column_letter].width = column.width
        if example and column.example:
            sheet.cell(row=2, column=i, value=column.example)
    sheet.freeze_panes = "A2"


def append_row(sheet: Any, values: Sequence[Any]) -> None:
    """Append ``values`` as a row, every text as text: openpyxl writes a string starting with "="
    as a live formula, so a resident's "=HYPERLINK(…)" in a name or a ticket would run in the
    office's spreadsheet (formula injection). Such strings are written as string cells and read
    back unchanged; other values keep their types (numbers stay numbers)."""
    if isinstance(sheet, WriteOnlyWorksheet):
        sheet.append([_text_cell(sheet, v) if _formula_like(v) else v for v in values])
        return
    sheet.append(list(values))
    for cell in sheet[sheet.max_row]:
        if cell.data_type == "f":
            cell.data_type = "s"


def _formula_like(value: Any) -> bool:
    return isinstance(value, str) and value.startswith("=")


def _text_cell(sheet: Any, value: str) -> Any:
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    return cell


def write_errors(target: Target, errors: Iterable[RowError]) -> None:
    """The error report: row, column and reason per error (and the worksheet, when errors name one)."""
    errors = list(errors)
    with_sheet = any(e.sheet for e in errors)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("错误报告"))
    sheet.append(([_("工作表")] if with_sheet else []) + [_("行号"), _("列"), _("原因")])
    for error in errors:
        append_row(sheet, ([error.sheet] if with_sheet else []) + [error.row, error.column, error.message])
    workbook.save(target)


def read_errors(source: Target) -> list[RowError]:
    """Read back an error report written by ``write_errors`` (for tests and the upload pages)."""
    columns = [
        Column("sheet", _("工作表")),
        Column("row", _("行号"), required=True),
        Column("column", _("列")),
        Column("message", _("原因"), required=True),
    ]
    return [
        RowError(int(r["row"]), str(r["column"]), str(r["message"]), sheet=str(r["sheet"]))
        for _n, r in read_rows(source, columns)
    ]


def _export_value(value: Any) -> Any:
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        from quanyu.core.clock import local

        return local(value).replace(tzinfo=None)
    if isinstance(value, (dict, list)):
        import json

        return json.dumps(value, ensure_ascii=False)
    return value


def write_rows(
    target: Target, columns: Sequence[Column], rows: Iterable[dict[str, Any]], *, title: str = "数据"
) -> int:
    """Export rows (dicts by column key) with the same headers as the import template."""
    return write_sheets(target, [(title, columns, rows)])[0]


def write_sheets(
    target: Target, sheets: Sequence[tuple[str, Sequence[Column], Iterable[dict[str, Any]]]]
) -> list[int]:
    """Export several sheets into one workbook; returns the row count of each sheet."""
    workbook = Workbook(write_only=True)
    counts = []
    for title, columns, rows in sheets:
        sheet = workbook.create_sheet(title[:31])
        sheet.append([c.header for c in columns])
        count = 0
        for row in rows:
            append_row(sheet, [_export_value(row.get(c.key, "")) for c in columns])
            count += 1
        counts.append(count)
    workbook.save(target)
    return counts
