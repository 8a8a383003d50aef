"""Rows in COPY's text format: the escapes, the columns filled per row and those the same on every
row, and the texts of timestamps (``rows.prepare`` writes the rows, ``write.write_copy`` sends them)."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

import numpy as np

from quanyu.catalog.models import Tier
from quanyu.tickets.imports.deadlines import Micros
from quanyu.tickets.models import Channel, EventKind, Ticket
from quanyu.tickets.states import INITIAL_STATUS

# COPY's text format: tab-separated, \N for NULL, backslash escapes for \\, tab, newline, return.
COPY_ESCAPE = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
SPECIAL = ("\\", "\t", "\n", "\r")

# The ticket columns a chunk fills per row, in the order of the COPY column list (after "id");
# the other columns take one value per import (``Context.constant_columns``).
ROW_COLUMNS = (
    "text",
    "address",
    "external_ref",
    "lon",
    "lat",
    "contact_name",
    "contact_phone",
    "contact_phone_hash",
    "response_due",
    "completion_due",
    "deadline_estimated",
    "created_at",
    # one string per (grid, category, suggestion): see ``Prepared.placement``
    "area_path",
    "grid_id",
    "community_id",
    "street_id",
    "category_id",
    "suggested_category_id",
    "suggestion_score",
    "suggestion_model",
    "suggested_department_id",
    "tier",
    "handling_area_id",
)
EVENT_COLUMNS = ("ticket_id", "kind", "actor_id", "actor_name", "at", "from_status", "to_status", "payload")


def copy_value(value: Any) -> str:
    """One value in COPY text format (for the values shared by every row)."""
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, (dict, list)):
        value = json.dumps(value, ensure_ascii=False)
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    return str(value).translate(COPY_ESCAPE)


@dataclass(frozen=True)
class Placement:
    """What a ticket takes from its grid, category and suggestion: ``columns`` (COPY text of
    area_path … handling_area_id, see ``ROW_COLUMNS``), the creation event's payload (as COPY text
    and as a dict), the tier and the handling area."""

    columns: str
    payload_text: str
    tier: Tier
    handling_id: int
    payload: dict[str, Any]
    model: int | None = None  # the routing model's version behind the suggestion
    department_id: int | None = None  # the department it suggests


def id_or_null(value: int | None) -> str:
    return "\\N" if value is None else str(value)


def escaped(values: list[str]) -> list[str]:
    """``values`` in COPY text format; a column without any special character is left as it is."""
    joined = "".join(values)
    if any(c in joined for c in SPECIAL):
        return [v.translate(COPY_ESCAPE) for v in values]
    return values


def timestamps(utc_us: Micros) -> list[str]:
    """ISO 8601 UTC texts of microsecond timestamps (whole seconds when they all are)."""
    unit = "s" if not (utc_us % 1_000_000).any() else "us"
    texts = np.datetime_as_string(utc_us.astype("datetime64[us]"), unit=unit, timezone="UTC")  # type: ignore[call-overload]
    return list(texts.tolist())


class CopyLayout:
    """The COPY column list of the tickets (id, then ``ROW_COLUMNS``, then updated_at and the
    columns with one value per import) and the text of those values; the same for the events."""

    def __init__(self, actor_id: int | None, actor_name: str) -> None:
        """The COPY column lists and the text of the columns that are the same on every row."""
        fields = [f for f in Ticket._meta.concrete_fields if f.attname != "id"]
        same = {
            "channel": Channel.HOTLINE.value,
            "created_by_id": actor_id,
            "status": INITIAL_STATUS.value,
        }
        constant: list[tuple[str, str]] = []
        for f in fields:
            if f.attname in ROW_COLUMNS or f.attname == "updated_at":
                continue
            if f.attname in same:
                value = copy_value(same[f.attname])
            elif f.has_default():
                value = copy_value(f.get_default())
            else:
                value = "\\N" if f.null else ""
            constant.append((str(f.column), value))
        by_attname = {f.attname: str(f.column) for f in fields}
        self.ticket_columns = ["id", *(by_attname[a] for a in ROW_COLUMNS), "updated_at"] + [
            c for c, _v in constant
        ]
        self.constant_text = [v for _c, v in constant]
        self.event_prefix = "\t".join(
            (EventKind.CREATED.value, id_or_null(actor_id), actor_name.translate(COPY_ESCAPE))
        )
        self.event_middle = f"\t\t{INITIAL_STATUS.value}\t"
