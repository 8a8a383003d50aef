"""Where training examples come from: the platform's handled tickets (read-only) or a CSV file.

Ticket examples are tickets that reached 已办结/已关闭 with a category set by staff: the text and
the category's code. Department examples are the lead departments whose whistle was resolved:
(category code, the ticket's area path, department id). Both carry their date range.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext as _

from quanyu.core.clock import LOCAL_TZ
from quanyu.core.spreadsheets import Column, SpreadsheetError, read_rows
from quanyu.tickets.models import Ticket, Whistle
from quanyu.tickets.states import TicketStatus, WhistleStatus

HANDLED = (TicketStatus.RESOLVED, TicketStatus.CLOSED)


@dataclass
class Examples:
    texts: list[str] = field(default_factory=list)  # for departments: "category code"
    labels: list[str] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)  # for departments: the ticket's area path
    first: dt.date | None = None
    last: dt.date | None = None

    def __len__(self) -> int:
        return len(self.labels)

    def seen(self, at: dt.datetime | None) -> None:
        if at is None:
            return
        day = at.astimezone(LOCAL_TZ).date()
        self.first = day if self.first is None or day < self.first else self.first
        self.last = day if self.last is None or day > self.last else self.last


def category_examples_from_tickets(*, since: dt.datetime | None = None) -> Examples:
    rows = Ticket.objects.filter(status__in=HANDLED, category__isnull=False).exclude(text="")
    if since is not None:
        rows = rows.filter(created_at__gte=since)
    out = Examples()
    for text, code, at in rows.values_list("text", "category__code", "created_at").iterator(chunk_size=2000):
        out.texts.append(text)
        out.labels.append(code)
        out.seen(at)
    return out


def department_examples_from_tickets(*, since: dt.datetime | None = None) -> Examples:
    rows = Whistle.objects.filter(
        lead=True, status=WhistleStatus.RESOLVED, ticket__category__isnull=False
    ).exclude(ticket__status__in=(TicketStatus.CANCELLED, TicketStatus.MERGED))
    if since is not None:
        rows = rows.filter(whistled_at__gte=since)
    out = Examples()
    values = rows.values_list("ticket__category__code", "ticket__area_path", "department_id", "resolved_at")
    for code, path, department, at in values.iterator(chunk_size=2000):
        out.texts.append(code)
        out.paths.append(path or "")
        out.labels.append(str(department))
        out.seen(at)
    return out


def examples_from_csv(path: Path, *, text_col: str = "text", label_col: str = "label") -> Examples:
    """Rows of a CSV/xlsx with a text and a label column (rows missing either are skipped)."""
    columns = [
        Column(key="text", header=text_col, required=True),
        Column(key="label", header=label_col, required=True),
    ]
    out = Examples()
    for _number, row in read_rows(path, columns):
        text, label = str(row["text"]).strip(), str(row["label"]).strip()
        if text and label:
            out.texts.append(text)
            out.labels.append(label)
    if not out.labels:
        raise SpreadsheetError(
            _("文件中没有可用于训练的行（需要“%(text)s”和“%(label)s”两列）")
            % {"text": text_col, "label": label_col}
        )
    return out
