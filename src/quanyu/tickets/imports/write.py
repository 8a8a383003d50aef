"""Writing prepared chunks: COPY on PostgreSQL, ``bulk_create`` elsewhere; and the look-up of the
work orders imported before."""

from __future__ import annotations

import json
from typing import Any

from django.db import connection
from django.utils import timezone

from quanyu.tickets.imports.copytext import EVENT_COLUMNS
from quanyu.tickets.imports.rows import Context
from quanyu.tickets.models import Channel, EventKind, Ticket, TicketEvent
from quanyu.tickets.states import INITIAL_STATUS


def existing_refs(refs: list[str]) -> set[str]:
    """The work-order numbers among ``refs`` already imported (the hotline unique index answers)."""
    found: set[str] = set()
    if connection.vendor == "postgresql":
        # One array parameter instead of an IN list of thousands (a fifth of the planning time),
        # sent as one JSON text: the driver's per-element quoting of a list cost more than the query.
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT external_ref FROM {Ticket._meta.db_table} "  # noqa: S608 (the model's table)
                "WHERE channel = %s AND external_ref <> '' AND external_ref = ANY(ARRAY("
                "SELECT jsonb_array_elements_text(%s::jsonb)))",
                [Channel.HOTLINE.value, json.dumps(refs, ensure_ascii=False)],
            )
            return {r[0] for r in cursor.fetchall()}
    for i in range(0, len(refs), 900):  # SQLite's parameter limit
        found.update(
            Ticket.objects.filter(channel=Channel.HOTLINE, external_ref__in=refs[i : i + 900]).values_list(
                "external_ref", flat=True
            )
        )
    return found


def write_copy(tickets: list[str], events: list[str], ctx: Context) -> int:
    """PostgreSQL: ids drawn from the sequence in one query, then one COPY of the tickets and one of
    their events. The rows come in COPY's text format without their id (``rows.prepare``): here
    each is only prefixed with it."""
    n = len(tickets)
    with connection.cursor() as cursor:
        cursor.execute(  # one text of n ids: n rows of one value each cost more to receive
            f"SELECT string_agg(({_next_id(cursor)})::text || E'\\t', E'\\n') "  # noqa: S608 (the catalogue's default)
            "FROM generate_series(1, %s)",
            [n],
        )
        ids = cursor.fetchone()[0].split("\n")
        quote = connection.ops.quote_name
        raw = cursor.cursor
        assert ctx.layout is not None
        columns = ", ".join(quote(c) for c in ctx.layout.ticket_columns)
        with raw.copy(f"COPY {Ticket._meta.db_table} ({columns}) FROM STDIN") as copy:
            copy.write("".join([i + t for i, t in zip(ids, tickets, strict=True)]))
        columns = ", ".join(quote(c) for c in EVENT_COLUMNS)
        with raw.copy(f"COPY {TicketEvent._meta.db_table} ({columns}) FROM STDIN") as copy:
            copy.write("".join([i + e for i, e in zip(ids, events, strict=True)]))
    return n


def _next_id(cursor: Any) -> str:
    """The SQL that draws a new ticket id: the id column's default where it has one (a ticket table
    cut into monthly partitions keys its ids by month, core.partitions), else its sequence."""
    cursor.execute(
        "SELECT pg_get_expr(d.adbin, d.adrelid) FROM pg_attrdef d JOIN pg_attribute a "
        "ON a.attrelid = d.adrelid AND a.attnum = d.adnum "
        "WHERE d.adrelid = to_regclass(%s) AND a.attname = 'id'",
        [Ticket._meta.db_table],
    )
    row = cursor.fetchone()
    if row is not None:
        return str(row[0])
    return f"nextval(pg_get_serial_sequence('{Ticket._meta.db_table}', 'id')::regclass)"


def write_orm(built: list[tuple[dict[str, Any], dict[str, Any]]], ctx: Context) -> int:
    """bulk_create of the tickets, then of their events (any backend that returns new ids)."""
    now = timezone.now()
    tickets = Ticket.objects.bulk_create([Ticket(**attrs, updated_at=now) for attrs, _p in built])
    if any(t.pk is None for t in tickets):  # a backend that does not return ids
        ids = dict(
            Ticket.objects.filter(
                channel=Channel.HOTLINE, external_ref__in=[t.external_ref for t in tickets]
            ).values_list("external_ref", "id")
        )
        for t in tickets:
            t.pk = ids[t.external_ref]
    TicketEvent.objects.bulk_create(
        [
            TicketEvent(
                ticket_id=t.pk,
                kind=EventKind.CREATED,
                actor_id=ctx.actor_id,
                actor_name=ctx.actor_name,
                at=t.created_at,
                from_status="",
                to_status=INITIAL_STATUS,
                payload=payload,
            )
            for t, payload in zip(tickets, (p for _t, p in built), strict=True)
        ]
    )
    return len(tickets)
