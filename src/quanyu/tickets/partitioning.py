"""The ticket tables' monthly partitions (core.partitions), for a deployment past 100 M rows.

``tickets_ticket`` is cut by a month-keyed id, so the nine tables whose foreign keys point at a
ticket (events, photos, ratings, re-handling, whistles, supervision, reminders, its duplicates,
co-governance's agenda items) keep pointing at ``id``. Its two guards against doubles, the
hotline's work-order number and the API's ``Idempotency-Key``, are partial unique indexes without
the id, which a partitioned table cannot enforce; they are kept as plain indexes (the look-ups of
``tickets.imports.write.existing_refs`` and ``intake._idempotent_hit`` still use them) and the
uniqueness moves to ``tickets_ticket_key``: one row per guarded value, primary key (kind, value),
kept by a trigger on every insert, update of those columns and delete. A double therefore still
fails with a unique violation inside the insert's own transaction, the IntegrityError the intake
already answers (the first ticket for a replayed key, a clear 400 for a number imported before).

``tickets_ticketevent`` is cut by its ``ticket_id``, on the same months: a ticket's whole history
sits in its ticket's month, so the timeline (``ticket_id = …``) reads one partition and a month of
tickets is archived with its events. (Cut by the event's time, the timeline would probe every month
since the ticket's creation; the rollup's rescan by time, which runs in the background, is the one
reader that now probes each month.) Nothing points at an event.
"""

from __future__ import annotations

from typing import Any

from quanyu.core.partitions import Table, add_table
from quanyu.tickets.models import Channel, Ticket, TicketEvent

KEY_TABLE = "tickets_ticket_key"
HOTLINE, IDEMPOTENCY = "h", "i"


def _guards_sql(source: str) -> str:
    """The guarded values of the rows of ``source`` as (kind, value, ticket_id) rows."""
    return (
        f"SELECT '{HOTLINE}', external_ref, id FROM {source} "  # noqa: S608 (our own names)
        f"WHERE channel = '{Channel.HOTLINE.value}' AND external_ref <> '' "
        f"UNION ALL SELECT '{IDEMPOTENCY}', idempotency_key, id FROM {source} "
        "WHERE idempotency_key IS NOT NULL"
    )


def install_guards(cursor: Any) -> None:
    """Create the key table and its trigger, and fill it from the tickets there are."""
    table = Ticket._meta.db_table
    cursor.execute(
        f"CREATE TABLE {KEY_TABLE} (kind char(1) NOT NULL, value varchar(200) NOT NULL, "
        f"ticket_id bigint NOT NULL, PRIMARY KEY (kind, value))"
    )
    cursor.execute(f"CREATE INDEX {KEY_TABLE}_ticket ON {KEY_TABLE} (ticket_id)")
    cursor.execute(f"INSERT INTO {KEY_TABLE} (kind, value, ticket_id) {_guards_sql(table)}")
    cursor.execute(
        f"""
        CREATE OR REPLACE FUNCTION {KEY_TABLE}_keep() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF TG_OP <> 'INSERT' THEN
            DELETE FROM {KEY_TABLE} WHERE ticket_id = OLD.id;
          END IF;
          IF TG_OP <> 'DELETE' THEN
            IF NEW.channel = '{Channel.HOTLINE.value}' AND NEW.external_ref <> '' THEN
              INSERT INTO {KEY_TABLE} (kind, value, ticket_id) VALUES ('{HOTLINE}', NEW.external_ref, NEW.id);
            END IF;
            IF NEW.idempotency_key IS NOT NULL THEN
              INSERT INTO {KEY_TABLE} (kind, value, ticket_id)
                VALUES ('{IDEMPOTENCY}', NEW.idempotency_key, NEW.id);
            END IF;
          END IF;
          RETURN NULL;
        END $$
        """  # noqa: S608 (our own names)
    )
    cursor.execute(
        f"CREATE TRIGGER {KEY_TABLE}_keep AFTER INSERT OR DELETE OR UPDATE OF id, channel, external_ref, "
        f"idempotency_key ON {table} FOR EACH ROW EXECUTE FUNCTION {KEY_TABLE}_keep()"
    )


def refill_guards(cursor: Any, partition: str) -> None:
    """Rows moved into ``partition`` lost their keys when they left the DEFAULT partition."""
    cursor.execute(
        f"INSERT INTO {KEY_TABLE} (kind, value, ticket_id) {_guards_sql(partition)} ON CONFLICT DO NOTHING"
    )


def register() -> None:
    add_table(
        Table(
            name=Ticket._meta.db_table,
            keyed_id=True,
            demote_unique=("ticket_hotline_ref_unique", "ticket_idempotency_key_unique"),
            after_convert=install_guards,
            after_move=refill_guards,
        )
    )
    add_table(
        Table(
            name=TicketEvent._meta.db_table,
            column="ticket_id",
            by_month_id=True,
            after=Ticket._meta.db_table,
        )
    )
