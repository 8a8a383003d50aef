"""The error report of an import with the original row beside each error (issue 13 point 11).

A row error names the row, the column and the reason; an office worker fixing a file of thousands
of rows also wants the row itself in front of them. ``errors_with_values`` pairs each error with
what the file held in that row (every column of the sheet, as read), and ``write_error_report``
writes them to an xlsx, one worksheet per sheet of the source, the reason first and the row's
original columns after it. The area and organisation imports (pages and commands) share it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from quanyu.core.spreadsheets import Column, RowError, Target, write_sheets

# An error report holds at most this many errors (the summary still counts all of them).
MAX_REPORTED = 5000
_CELL = 200  # characters of one original cell kept (a boundary's GeoJSON can be long)


@dataclass(frozen=True)
class ErrorRow:
    """One error and the original values of its row, in the sheet's column order."""

    sheet: str
    row: int
    column: str
    message: str
    values: tuple[str, ...]
    noun: str = "row"


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        value = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    text = str(value)
    return text if len(text) <= _CELL else text[: _CELL - 1] + "…"


def errors_with_values(
    errors: Sequence[RowError],
    records: Mapping[str, Sequence[tuple[int, dict[str, Any]]]],
    columns: Mapping[str, Sequence[Column]],
) -> list[ErrorRow]:
    """Each error (up to ``MAX_REPORTED``) with its row's values. ``records`` and ``columns`` are
    keyed by the sheet name the errors carry ("" for a file of one sheet)."""
    rows: dict[str, dict[int, dict[str, Any]]] = {sheet: dict(found) for sheet, found in records.items()}
    out = []
    for error in errors[:MAX_REPORTED]:
        record = rows.get(error.sheet, {}).get(error.row, {})
        values = tuple(_text(record.get(c.key)) for c in columns.get(error.sheet, ()))
        out.append(ErrorRow(error.sheet, error.row, error.column, error.message, values, error.noun))
    return out


def write_error_report(
    target: Target, errors: Sequence[ErrorRow], columns: Mapping[str, Sequence[Column]]
) -> None:
    """The report as xlsx: per source sheet, 行号 (or 要素序号), 列, 原因, then the row's columns."""
    sheets: dict[str, list[ErrorRow]] = {}
    for error in errors:
        sheets.setdefault(error.sheet, []).append(error)
    if not sheets:
        sheets[""] = []
    out = []
    for sheet, found in sheets.items():
        number = _("要素序号") if found and found[0].noun == "feature" else _("行号")
        original = [Column(f"v{i}", c.header) for i, c in enumerate(columns.get(sheet, ()))]
        head = [Column("row", number), Column("column", _("列")), Column("message", _("原因"))]
        title = _("%(sheet)s错误") % {"sheet": sheet} if sheet else _("错误报告")
        body = (
            {"row": e.row, "column": e.column, "message": e.message}
            | {f"v{i}": v for i, v in enumerate(e.values)}
            for e in found
        )
        out.append((title, head + original, body))
    write_sheets(target, out)
