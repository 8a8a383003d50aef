"""Monthly partitions of the ticket tables (core.partitions, tickets.partitioning; docs/DEPLOY.md).

Each conversion runs inside the test's transaction (PostgreSQL's DDL is transactional), so the
database is back to plain tables when the test ends. What must hold after ``quanyu partitions
convert``: every index, constraint and foreign key that points at a ticket is back under its own
name; old rows keep their ids; new tickets get month-keyed ids and land in their month; the two
guards against doubles still refuse a replay and a work-order number imported before; the months
ahead are created once, a stray event is moved into its month and a stray ticket is reported."""

from __future__ import annotations

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from quanyu.core import partitions
from quanyu.core.partitions import ID_MONTH, PartitionError, Table, add_months, month_of
from quanyu.core.tasks import partitions_extend_task
from quanyu.tickets import services
from quanyu.tickets.imports import hotline_import
from quanyu.tickets.models import Channel, EventKind, Ticket, TicketEvent
from tests.tickets.factories import GRID_111, new_ticket, to_street
from tests.tickets.factories import hotline_row as row
from tests.tickets.factories import write_hotline_csv as write_csv

pytestmark = pytest.mark.django_db

TICKETS, EVENTS = Ticket._meta.db_table, TicketEvent._meta.db_table


def _pg_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("monthly partitions are a PostgreSQL deployment's")


def _one(sql: str, params: list | None = None):
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])
        return cursor.fetchone()[0]


def _all(sql: str, params: list | None = None) -> list:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])
        return cursor.fetchall()


def _shape() -> dict[str, list]:
    """Names of what the conversion must put back: indexes on both tables, and the foreign keys
    that point at a ticket (with their definitions)."""
    return {
        "indexes": _all(
            "SELECT tablename, indexname FROM pg_indexes WHERE tablename IN (%s, %s) ORDER BY 1, 2",
            [TICKETS, EVENTS],
        ),
        "inbound": _all(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE confrelid = %s::regclass AND contype = 'f' AND conparentid = 0 ORDER BY 1, 2",
            [TICKETS],
        ),
    }


def _month(table: str, month: tuple[int, int]) -> str:
    """The name of ``table``'s partition for ``month``."""
    return f"{table}_p{month[0]:04d}{month[1]:02d}"


def _where(pk: int, table: str = TICKETS) -> str:
    return _one(f"SELECT tableoid::regclass::text FROM {table} WHERE id = %s", [pk])


def _api(city, **kw):
    return new_ticket(city, channel=Channel.API, **kw)


def test_converting_keeps_every_key_and_both_guards(city, cat, tmp_path):
    _pg_only()
    admin = city.users["district_admin"]
    old = _api(city, idempotency_key="k-1")
    assert hotline_import(actor=admin, source=write_csv(tmp_path / "a.csv", [row("H1")])).written == 1
    imported = Ticket.objects.get(external_ref="H1")
    before = _shape()
    assert len({r[0] for r in before["inbound"]}) >= 9  # events, photos, ratings, … and itself

    out = io.StringIO()
    call_command("partitions", "convert", TICKETS, EVENTS, stdout=out)
    assert f"{TICKETS}: 2 rows" in out.getvalue()
    after = _shape()
    parent_indexes = [(t, i) for t, i in after["indexes"] if t in (TICKETS, EVENTS)]
    assert parent_indexes == before["indexes"] and after["inbound"] == before["inbound"]
    now = month_of(timezone.now())
    with connection.cursor() as cursor:
        names = {name for name, _bound in partitions.partitions(cursor, TICKETS)}
    months = [_month(TICKETS, add_months(now, n)) for n in range(4)]
    assert names == {f"{TICKETS}_legacy", f"{TICKETS}_default", *months}
    assert _where(old.pk) == f"{TICKETS}_legacy" and _where(imported.pk) == f"{TICKETS}_legacy"

    # New tickets: month-keyed ids in this month's partition, their events in the events' month.
    fresh = _api(city, idempotency_key="k-2")
    assert partitions.id_month(fresh.pk) == now and _where(fresh.pk) == months[0]
    assert fresh.pk < 2**53  # still an exact number in JavaScript
    # A ticket's whole history sits in its ticket's month; older tickets' in the legacy partition.
    assert to_street(city, Ticket.objects.get(pk=fresh.pk)).status == "in_progress"
    history = TicketEvent.objects.filter(ticket=fresh).values_list("pk", flat=True)
    assert len(history) >= 3
    assert {_where(pk, EVENTS) for pk in history} == {_month(EVENTS, now)}
    assert {_where(e.pk, EVENTS) for e in old.events.all()} == {f"{EVENTS}_legacy"}

    # The guards: a replayed key answers the first ticket, before and after the conversion's rows.
    for key, first in (("k-1", old), ("k-2", fresh)):
        again = _api(city, idempotency_key=key)
        assert again.pk == first.pk and again.replayed is True
    assert Ticket.objects.filter(idempotency_key__in=["k-1", "k-2"]).count() == 2
    with pytest.raises(ValidationError) as err:
        services.ticket_create(
            actor=admin,
            text="重复导入",
            channel=Channel.HOTLINE,
            external_ref="H1",
            lon=GRID_111[0],
            lat=GRID_111[1],
        )
    assert "external_ref" in err.value.message_dict
    # The hotline import's COPY path draws month-keyed ids and skips a number imported before.
    result = hotline_import(actor=admin, source=write_csv(tmp_path / "b.csv", [row("H1"), row("H2")]))
    assert (result.written, result.skipped) == (1, 1)
    assert partitions.id_month(Ticket.objects.get(external_ref="H2").pk) == now

    # Deleting a ticket frees its key; changing a key moves the guard with it.
    gone = _api(city, idempotency_key="k-3")
    Ticket.objects.filter(pk=gone.pk).delete()
    assert _api(city, idempotency_key="k-3").replayed is False
    Ticket.objects.filter(pk=fresh.pk).update(idempotency_key="k-4")
    assert _api(city, idempotency_key="k-2").replayed is False
    assert _api(city, idempotency_key="k-4").pk == fresh.pk

    # Foreign keys to the partitioned ticket table are enforced.
    with pytest.raises(IntegrityError), transaction.atomic():
        TicketEvent.objects.create(
            ticket_id=ID_MONTH * 999912 + 1, kind=EventKind.CREATED, at=timezone.now(), to_status="x"
        )
        connection.cursor().execute("SET CONSTRAINTS ALL IMMEDIATE")

    with pytest.raises(CommandError, match="已经按月分区"):
        call_command("partitions", "convert", TICKETS, stdout=io.StringIO())


def test_extending_creates_the_months_once_and_moves_or_reports_strays(city, cat):
    _pg_only()
    ticket = _api(city)
    call_command("partitions", "convert", TICKETS, EVENTS, "--ahead", "1", stdout=io.StringIO())
    now = month_of(timezone.now())
    far = add_months(now, 8)
    # A ticket with an id of a month not created yet, and its event: both wait in their DEFAULT
    # partitions.
    stray_id = (far[0] * 100 + far[1]) * ID_MONTH + 7
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMP TABLE stray AS SELECT * FROM {TICKETS} WHERE id = %s", [ticket.pk])
        cursor.execute("UPDATE stray SET id = %s, idempotency_key = NULL", [stray_id])
        cursor.execute(f"INSERT INTO {TICKETS} SELECT * FROM stray")
    event = TicketEvent.objects.create(
        ticket_id=stray_id,
        kind=EventKind.CREATED,
        at=dt.datetime(far[0], far[1], 15, 12, tzinfo=ZoneInfo("Asia/Shanghai")),
        to_status="pending",
    )
    assert _where(stray_id) == f"{TICKETS}_default" and _where(event.pk, EVENTS) == f"{EVENTS}_default"

    done = partitions.extend(ahead=8)
    far_ticket, far_event = _month(TICKETS, far), _month(EVENTS, far)
    assert done[EVENTS].moved == {far_event: 1} and _where(event.pk, EVENTS) == far_event
    # Tickets are referenced by nine tables' keys: the month stays in DEFAULT and is reported.
    assert done[TICKETS].stuck == {far_ticket: 1} and _where(stray_id) == f"{TICKETS}_default"
    assert len(done[TICKETS].created) == 6 and len(done[EVENTS].created) == 7
    assert TicketEvent.objects.get(pk=event.pk).ticket_id == stray_id
    # Idempotent: a second run creates nothing (and the stuck month is reported again).
    again = partitions.extend(ahead=8)
    assert again[EVENTS].created == [] and again[TICKETS].created == []
    assert again[TICKETS].stuck == {far_ticket: 1}
    out = io.StringIO()
    call_command("partitions", "status", stdout=out)
    assert f"{TICKETS}: 10 partitions" in out.getvalue() and far_event in out.getvalue()
    assert partitions_extend_task()[EVENTS] == []


def test_a_table_that_cannot_be_cut_is_refused_and_left_as_it_was(city):
    _pg_only()
    audit = Table(name="core_auditentry", column="at")  # seal_seq is unique on its own
    users = Table(name="accounts_user", column="date_joined")  # everything points at a user
    try:
        partitions.add_table(audit)
        partitions.add_table(users)
        with pytest.raises(PartitionError, match="seal_seq"):
            partitions.convert("core_auditentry")
        with pytest.raises(PartitionError, match="外键引用"):
            partitions.convert("accounts_user")
    finally:
        partitions._tables.pop("core_auditentry")
        partitions._tables.pop("accounts_user")
    assert _one("SELECT relkind FROM pg_class WHERE oid = 'core_auditentry'::regclass") == "r"
    with pytest.raises(CommandError, match="不能按月分区"):
        call_command("partitions", "convert", "core_auditentry", stdout=io.StringIO())
    with pytest.raises(CommandError, match="请给出要转换的表"):
        call_command("partitions", "convert", stdout=io.StringIO())


def test_elsewhere_there_is_nothing_to_partition(db):
    if connection.vendor == "postgresql":
        assert partitions_extend_task() == {}  # nothing converted: nothing created
        return
    assert partitions.extend() == {} and partitions_extend_task() == {}
    with pytest.raises(CommandError, match="只用于 PostgreSQL"):
        call_command("partitions", "status", stdout=io.StringIO())


def test_events_wait_for_the_tickets_and_notices_work_the_same_cut_by_time(city):
    """The events are cut on their ticket's month-keyed id: refused until the tickets are cut.
    The notices and the outbox, cut by time: sent, read and drained as before, in this month."""
    _pg_only()
    from django.core import mail

    from quanyu.notify.models import Notification, OutboxMessage, OutboxStatus
    from quanyu.notify.outbox import notify_drain
    from quanyu.notify.services import notification_mark_read, notify_send

    with pytest.raises(CommandError, match=f"请先转换 {TICKETS}"):
        call_command("partitions", "convert", EVENTS, stdout=io.StringIO())
    user = city.users["street_staff"]
    user.email = "s@example.org"
    user.save()
    notify_send(recipients=[user], kind="k", title="分区前")
    notices, outbox = Notification._meta.db_table, OutboxMessage._meta.db_table
    call_command("partitions", "convert", notices, outbox, stdout=io.StringIO())
    notify_send(recipients=[user], kind="k", title="分区后")
    now = month_of(timezone.now())
    for title in ("分区前", "分区后"):
        notice = Notification.objects.get(title=title)
        assert _where(notice.pk, notices) == _month(notices, now)
    assert notification_mark_read(actor=user) == 2
    assert not Notification.objects.filter(read_at__isnull=True).exists()
    assert notify_drain().sent == 2 and sorted(m.subject for m in mail.outbox) == ["分区前", "分区后"]
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {OutboxStatus.SENT}


@pytest.mark.django_db(transaction=True)
def test_a_backup_of_a_partitioned_database_restores_row_for_row(tmp_path, settings):
    """``quanyu backup`` / ``restore`` on converted tables (committed: pg_dump sees only that):
    the same rows, still partitioned, the guards still at work. The database is put back to its
    plain tables from a backup taken before, so the tests after this one find what they expect.
    (``pg_restore --clean`` failed here: it dropped a partition's inherited key before its parent.)"""
    _pg_only()
    from tests.core.test_backup import _everything
    from tests.factories import make_city, make_personas
    from tests.tickets.factories import make_catalog

    settings.MEDIA_ROOT = tmp_path / "media"
    city = make_city()
    make_personas(city)
    make_catalog(city)
    _api(city, idempotency_key="b-1")
    plain = tmp_path / "plain.tar"
    call_command("backup", str(plain), stdout=io.StringIO())
    try:
        call_command("partitions", "convert", TICKETS, EVENTS, stdout=io.StringIO())
        fresh = _api(city, idempotency_key="b-2")
        archive = tmp_path / "partitioned.tar"
        call_command("backup", str(archive), stdout=io.StringIO())
        before = _everything()
        before.pop("core.AuditEntry")  # the backup's own entry is written after the dump
        Ticket.objects.filter(pk=fresh.pk).delete()
        Ticket.objects.update(text="改过了")

        call_command("restore", str(archive), "--yes", stdout=io.StringIO())

        after = _everything()
        after.pop("core.AuditEntry")
        assert after == before
        assert _one("SELECT relkind FROM pg_class WHERE oid = %s::regclass", [TICKETS]) == "p"
        assert _where(fresh.pk) == _month(TICKETS, month_of(timezone.now()))
        assert _api(city, idempotency_key="b-2").pk == fresh.pk  # the key table came back with its trigger
        assert partitions.id_month(_api(city, idempotency_key="b-3").pk) == month_of(timezone.now())
    finally:
        # A restore replaces the schema whole: what the archive does not hold (the key table, its
        # trigger function) goes too.
        call_command("restore", str(plain), "--yes", stdout=io.StringIO())
    assert _one("SELECT to_regclass('tickets_ticket_key') IS NULL") is True
    assert _one("SELECT relkind FROM pg_class WHERE oid = %s::regclass", [TICKETS]) == "r"
    assert _one("SELECT relkind FROM pg_class WHERE oid = %s::regclass", [EVENTS]) == "r"
