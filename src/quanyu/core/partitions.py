"""Monthly range partitions for the tables that grow without bound (PostgreSQL only).

Past 50 M rows or so a table is easier to keep as months: each month's rows and indexes sit
together, vacuum and ``ANALYZE`` work a month at a time, and a month past its retention is archived
and dropped as one partition. Each app registers such a table from its ``ready`` (``add_table``):
its name and the column it is cut on, which maps a month to a range in one of two ways:

- **by time** (``column="at"``): a month is [its 1st at midnight in ``TIME_ZONE``, the next 1st).
  The primary key becomes (id, column), so nothing may hold a foreign key to such a table;
- **by a month-keyed id** (``keyed_id=True``): after the conversion a new row's id is
  ``YYYYMM × 10¹⁰ + nextval(sequence)``, the month of its insert in ``TIME_ZONE``, so a month is
  [YYYYMM × 10¹⁰, next month × 10¹⁰) and the primary key stays (id) alone: every foreign key that
  points at the table keeps working (PostgreSQL 12 and later), which cutting by a time column
  could not offer. Rows from before the conversion keep their ids, in one partition
  ``<table>_legacy``. Ids stay below 2⁵³ (about 2 × 10¹⁵ until the year 9007), so they remain
  exact numbers in JavaScript;
- **by a key to such a table** (``by_month_id=True``, ``column="ticket_id"``): the same months and
  legacy partition, so a row sits in the month of the row it belongs to: a ticket's whole history
  is in its ticket's month, found in one partition, and archived with it.

A unique index must contain the partition column on a partitioned table. An app lists the unique
indexes it guards some other way in ``demote_unique`` (they are rebuilt as plain indexes, so the
look-ups they served stay fast) and gives ``after_convert``, which sets up that guard in the same
transaction; any other unique index without the column makes the conversion refuse, naming it.

``convert(table)`` turns a plain table into a partitioned one in one transaction, under an
exclusive lock (a maintenance window: about a minute per 10 M rows here): the table's indexes,
constraints, triggers and the foreign keys that point at it are read from the catalogue and put
back on the new table under their own names, with its sequence carried on. ``extend(ahead)``
creates the months ahead and is idempotent (Celery beat runs it daily); a row that arrived for a
month not yet created waits in the DEFAULT partition and is moved into its month when the month is
created, except on a table that foreign keys point at (PostgreSQL cannot move a referenced row
between partitions), whose month then stays in the DEFAULT partition and is reported.
``quanyu partitions`` runs both by hand.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

ID_MONTH = 10**10  # a month-keyed id is YYYYMM * ID_MONTH + the sequence's next value

Hook = Callable[[Any], None]  # given a cursor, inside the conversion's transaction
MoveHook = Callable[[Any, str], None]  # given a cursor and the partition rows were moved into


class PartitionError(Exception):
    """A conversion or extension that cannot be done; the message says why, in the reader's terms."""


@dataclass(frozen=True)
class Table:
    name: str
    column: str = "id"
    keyed_id: bool = False  # the table's own ids become month-keyed (column "id")
    by_month_id: bool = False  # the column holds month-keyed ids (implied by keyed_id)
    demote_unique: tuple[str, ...] = ()
    after_convert: Hook | None = None
    after_move: MoveHook | None = None
    after: str = ""  # a table that must be partitioned first (the one whose month-keyed ids this holds)

    @property
    def monthly_ids(self) -> bool:
        return self.keyed_id or self.by_month_id


_tables: dict[str, Table] = {}


def add_table(table: Table) -> None:
    """Register (or replace) a partitionable table: called from its app's ``ready``."""
    _tables[table.name] = table


def tables() -> list[Table]:
    return [_tables[k] for k in sorted(_tables)]


def table(name: str) -> Table:
    try:
        return _tables[name]
    except KeyError:
        known = "、".join(sorted(_tables))
        raise PartitionError(f"“{name}”不能按月分区（可分区的表：{known}）") from None


# --- months -------------------------------------------------------------------------------


def _zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def month_of(moment: dt.datetime) -> tuple[int, int]:
    local = moment.astimezone(_zone())
    return local.year, local.month


def add_months(month: tuple[int, int], n: int) -> tuple[int, int]:
    index = month[0] * 12 + month[1] - 1 + n
    return index // 12, index % 12 + 1


def partition_name(spec: Table, month: tuple[int, int]) -> str:
    return f"{spec.name}_p{month[0]:04d}{month[1]:02d}"


def bounds(spec: Table, month: tuple[int, int]) -> tuple[str, str]:
    """The month's range as SQL literals: [from, to)."""
    after = add_months(month, 1)
    if spec.monthly_ids:
        return str((month[0] * 100 + month[1]) * ID_MONTH), str((after[0] * 100 + after[1]) * ID_MONTH)

    def start(m: tuple[int, int]) -> str:
        return "'" + dt.datetime(m[0], m[1], 1, tzinfo=_zone()).isoformat() + "'"

    return start(month), start(after)


def id_month(pk: int) -> tuple[int, int] | None:
    """The month a month-keyed id was issued in (None for an id from before the conversion)."""
    key = pk // ID_MONTH
    year, month = divmod(key, 100)
    return (year, month) if year >= 1970 and 1 <= month <= 12 else None


# --- the catalogue ----------------------------------------------------------------------------


def _require_postgresql() -> None:
    if connection.vendor != "postgresql":
        raise PartitionError("按月分区只用于 PostgreSQL")


def _relkind(cursor: Any, name: str) -> str | None:
    """``p`` for a partitioned table, ``r`` for a plain one, None where there is no such table."""
    cursor.execute("SELECT relkind FROM pg_class WHERE oid = to_regclass(%s)", [name])
    row = cursor.fetchone()
    return None if row is None else str(row[0])


def is_partitioned(cursor: Any, name: str) -> bool:
    kind = _relkind(cursor, name)
    if kind is None:
        raise PartitionError(f"表 {name} 不存在")
    return kind == "p"


def partitions(cursor: Any, name: str) -> list[tuple[str, str]]:
    """The table's partitions: (name, bound as PostgreSQL prints it), by name."""
    cursor.execute(
        "SELECT c.relname, pg_get_expr(c.relpartbound, c.oid) FROM pg_inherits i "
        "JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = to_regclass(%s) ORDER BY c.relname",
        [name],
    )
    return [(r[0], r[1]) for r in cursor.fetchall()]


@dataclass
class _Shape:
    """What the conversion takes off the old table and puts back on the new one."""

    sequence: str | None
    last_value: int
    indexes: list[tuple[str, str]]  # name, CREATE INDEX text (not backing a constraint)
    constraints: list[tuple[str, str, str]]  # name, type, definition (primary key excluded)
    primary_key: str
    inbound: list[tuple[str, str, str]]  # referencing table, name, definition
    triggers: list[tuple[str, str]]  # name, CREATE TRIGGER text


def _read_shape(cursor: Any, spec: Table) -> _Shape:
    name = spec.name
    cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [name])
    sequence = cursor.fetchone()[0]
    cursor.execute(f"SELECT coalesce(max(id), 0) FROM {name}")  # noqa: S608 (a registered table)
    last_value = int(cursor.fetchone()[0])
    if sequence:
        cursor.execute(f"SELECT last_value FROM {sequence}")  # noqa: S608 (the catalogue's name)
        last_value = max(last_value, int(cursor.fetchone()[0]))
    cursor.execute(
        "SELECT ic.relname, pg_get_indexdef(i.indexrelid), i.indisunique, con.contype, "
        "ARRAY(SELECT a.attname FROM pg_attribute a WHERE a.attrelid = i.indrelid "
        "      AND a.attnum = ANY(i.indkey)) "
        "FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid "
        "LEFT JOIN pg_constraint con ON con.conindid = i.indexrelid AND con.conrelid = i.indrelid "
        "WHERE i.indrelid = to_regclass(%s) ORDER BY ic.relname",
        [name],
    )
    indexes: list[tuple[str, str]] = []
    refused: list[str] = []
    for index, definition, unique, contype, columns in cursor.fetchall():
        if contype is not None:
            if contype == "u" and spec.column not in columns and index not in spec.demote_unique:
                refused.append(index)
            continue  # a constraint's own index comes back with the constraint
        if unique and spec.column not in columns:
            if index not in spec.demote_unique:
                refused.append(index)
                continue
            definition = definition.replace("CREATE UNIQUE INDEX", "CREATE INDEX", 1)
        indexes.append((index, definition))
    problems = []
    if refused:
        problems.append(f"唯一索引 {'、'.join(refused)} 不含分区列 {spec.column}，分区后无法保证唯一")
    cursor.execute(
        "SELECT conname, contype, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = to_regclass(%s) AND contype IN ('p', 'u', 'f', 'c', 'x') AND conparentid = 0 "
        "ORDER BY conname",
        [name],
    )
    constraints: list[tuple[str, str, str]] = []
    primary_key = ""
    for conname, contype, definition in cursor.fetchall():
        if contype == "p":
            primary_key = conname
        elif contype == "f" and definition.split(" REFERENCES ")[1].startswith(f"{name}("):
            # a key on the table itself: put back once the table exists whole
            constraints.append((conname, "self", definition))
        else:
            constraints.append((conname, contype, definition))
    cursor.execute(
        "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE confrelid = to_regclass(%s) AND conrelid <> confrelid AND contype = 'f' "
        "AND conparentid = 0 ORDER BY 1, 2",
        [name],
    )
    inbound = [(r[0], r[1], r[2]) for r in cursor.fetchall()]
    if inbound and not (spec.keyed_id or spec.column == "id"):
        referencing = "、".join(sorted({r[0] for r in inbound}))
        problems.append(f"被 {referencing} 的外键引用，按时间分区后外键无法指向它")
    if problems:
        raise PartitionError(f"{name} 未转换：" + "；".join(problems))
    cursor.execute(
        "SELECT tgname, pg_get_triggerdef(oid) FROM pg_trigger WHERE tgrelid = to_regclass(%s) "
        "AND NOT tgisinternal ORDER BY tgname",
        [name],
    )
    triggers = [(r[0], r[1]) for r in cursor.fetchall()]
    return _Shape(sequence, last_value, indexes, constraints, primary_key, inbound, triggers)


# --- conversion ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Converted:
    table: str
    rows: int
    partitions: list[str]


def _id_default(spec: Table, sequence: str) -> str:
    if not spec.keyed_id:
        return f"nextval('{sequence}'::regclass)"
    zone = settings.TIME_ZONE
    if not re.fullmatch(r"[A-Za-z0-9_+\-/]+", zone):
        raise PartitionError(f"TIME_ZONE“{zone}”不是时区名")
    month = f"to_char(now() AT TIME ZONE '{zone}', 'YYYYMM')::bigint"
    return f"({month} * {ID_MONTH} + nextval('{sequence}'::regclass))"


def _months_to_create(cursor: Any, spec: Table, source: str, ahead: int) -> list[tuple[int, int]]:
    now = month_of(timezone.now())
    first = now
    # With month-keyed values, the months of those already there (a converted ticket's events).
    where = f"WHERE {spec.column} >= {197001 * ID_MONTH}" if spec.monthly_ids else ""
    cursor.execute(f"SELECT min({spec.column}) FROM {source} {where}")  # noqa: S608 (registered names)
    oldest = cursor.fetchone()[0]
    if oldest is not None:
        month = id_month(int(oldest)) if spec.monthly_ids else month_of(oldest)
        first = min(first, month or first)
    months = [first]
    while months[-1] < add_months(now, ahead):
        months.append(add_months(months[-1], 1))
    return months


def convert(name: str, *, ahead: int = 3) -> Converted:
    """Turn the plain table ``name`` into monthly partitions, all in one transaction."""
    _require_postgresql()
    spec = table(name)
    with transaction.atomic(), connection.cursor() as cursor:
        if is_partitioned(cursor, name):
            raise PartitionError(f"{name} 已经按月分区")
        if spec.after and not is_partitioned(cursor, spec.after):
            raise PartitionError(f"{name} 按 {spec.after} 的月份分区：请先转换 {spec.after}")
        # Checks the caller's own deferred constraints now: a table with pending trigger
        # events cannot be altered.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"LOCK TABLE {name} IN ACCESS EXCLUSIVE MODE")
        shape = _read_shape(cursor, spec)
        old = f"{name}_unpartitioned"
        sequence = f"{name}_id_seq"
        if spec.keyed_id:
            first_key = int(bounds(spec, month_of(timezone.now()))[0])
            if shape.last_value >= first_key:
                raise PartitionError(f"{name} 已有编号不小于 {first_key} 的行，无法按月编号")
        for referencing, conname, _definition in shape.inbound:
            cursor.execute(f"ALTER TABLE {referencing} DROP CONSTRAINT {conname}")
        cursor.execute(f"ALTER TABLE {name} RENAME TO {old}")
        if shape.sequence:
            cursor.execute(f"ALTER SEQUENCE {shape.sequence} RENAME TO {name}_id_seq_unpartitioned")
        for conname, kind, _definition in shape.constraints:
            if kind in ("u", "x", "self"):
                cursor.execute(f"ALTER TABLE {old} DROP CONSTRAINT {conname}")
        if shape.primary_key:
            cursor.execute(f"ALTER TABLE {old} DROP CONSTRAINT {shape.primary_key}")
        for index, _definition in shape.indexes:
            cursor.execute(f"DROP INDEX {index}")
        cursor.execute(f"CREATE SEQUENCE {sequence} AS bigint")
        cursor.execute("SELECT setval(%s, %s, true)", [sequence, max(shape.last_value, 1)])
        cursor.execute(
            f"CREATE TABLE {name} (LIKE {old} INCLUDING DEFAULTS INCLUDING GENERATED INCLUDING STORAGE "
            f"INCLUDING COMMENTS) PARTITION BY RANGE ({spec.column})"
        )
        cursor.execute(f"ALTER TABLE {name} ALTER COLUMN id SET DEFAULT {_id_default(spec, sequence)}")
        cursor.execute(f"ALTER SEQUENCE {sequence} OWNED BY {name}.id")
        key = "id" if spec.keyed_id or spec.column == "id" else f"id, {spec.column}"
        pkey = shape.primary_key or f"{name}_pkey"
        cursor.execute(f"ALTER TABLE {name} ADD CONSTRAINT {pkey} PRIMARY KEY ({key})")
        created: list[str] = []
        months = _months_to_create(cursor, spec, old, ahead)
        if spec.monthly_ids:  # the ids from before month-keyed ids
            created.append(f"{name}_legacy")
            cursor.execute(
                f"CREATE TABLE {name}_legacy PARTITION OF {name} "
                f"FOR VALUES FROM (MINVALUE) TO ({bounds(spec, months[0])[0]})"
            )
        for month in months:
            created.append(_create_month(cursor, spec, month))
        cursor.execute(f"CREATE TABLE {name}_default PARTITION OF {name} DEFAULT")
        created.append(f"{name}_default")
        cursor.execute(f"INSERT INTO {name} SELECT * FROM {old}")  # noqa: S608 (registered names)
        rows = cursor.rowcount
        cursor.execute(f"DROP TABLE {old}")
        if shape.sequence:
            cursor.execute(f"DROP SEQUENCE IF EXISTS {name}_id_seq_unpartitioned")
        for _index, definition in shape.indexes:
            cursor.execute(definition)
        for conname, kind, definition in shape.constraints:
            if kind != "self":
                cursor.execute(f"ALTER TABLE {name} ADD CONSTRAINT {conname} {definition}")
        for conname, kind, definition in shape.constraints:
            if kind == "self":
                cursor.execute(f"ALTER TABLE {name} ADD CONSTRAINT {conname} {definition}")
        for referencing, conname, definition in shape.inbound:
            cursor.execute(f"ALTER TABLE {referencing} ADD CONSTRAINT {conname} {definition}")
        for _trigger, definition in shape.triggers:
            cursor.execute(definition)
        if spec.after_convert is not None:
            spec.after_convert(cursor)
        cursor.execute(f"ANALYZE {name}")
        # Back to Django's way (its keys are DEFERRABLE INITIALLY DEFERRED) for the rest of a
        # caller's transaction; the command's own transaction ends here anyway.
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    return Converted(table=name, rows=rows, partitions=created)


def _create_month(cursor: Any, spec: Table, month: tuple[int, int]) -> str:
    part = partition_name(spec, month)
    low, high = bounds(spec, month)
    cursor.execute(f"CREATE TABLE {part} PARTITION OF {spec.name} FOR VALUES FROM ({low}) TO ({high})")
    return part


# --- the months ahead -----------------------------------------------------------------------


@dataclass
class Extended:
    created: list[str] = field(default_factory=list)
    moved: dict[str, int] = field(default_factory=dict)  # partition -> rows moved out of DEFAULT
    stuck: dict[str, int] = field(default_factory=dict)  # month left in DEFAULT -> its rows


def _is_referenced(cursor: Any, name: str) -> bool:
    cursor.execute(
        "SELECT EXISTS (SELECT 1 FROM pg_constraint WHERE confrelid = to_regclass(%s) "
        "AND conrelid <> confrelid AND contype = 'f' AND conparentid = 0)",
        [name],
    )
    return bool(cursor.fetchone()[0])


def extend(*, ahead: int = 3, now: dt.datetime | None = None) -> dict[str, Extended]:
    """Create every partitioned table's months up to ``ahead`` months after this one (each table in
    a transaction of its own). Tables not (yet) partitioned, and databases other than PostgreSQL,
    are left alone."""
    if connection.vendor != "postgresql":
        return {}
    current = month_of(now or timezone.now())
    done: dict[str, Extended] = {}
    for spec in tables():
        with transaction.atomic(), connection.cursor() as cursor:
            if _relkind(cursor, spec.name) != "p":
                continue
            result = done[spec.name] = Extended()
            have = {part for part, _bound in partitions(cursor, spec.name)}
            referenced = _is_referenced(cursor, spec.name)
            for month in (add_months(current, n) for n in range(ahead + 1)):
                if partition_name(spec, month) not in have:
                    _add_month(cursor, spec, month, referenced, result)
    return done


def _add_month(cursor: Any, spec: Table, month: tuple[int, int], referenced: bool, result: Extended) -> None:
    name, part = spec.name, partition_name(spec, month)
    low, high = bounds(spec, month)
    where = f"{spec.column} >= {low} AND {spec.column} < {high}"
    cursor.execute(f"SELECT count(*) FROM {name}_default WHERE {where}")  # noqa: S608 (registered names)
    strays = int(cursor.fetchone()[0])
    if strays == 0:
        result.created.append(_create_month(cursor, spec, month))
        return
    if referenced:
        result.stuck[part] = strays
        return
    cursor.execute(f"LOCK TABLE {name} IN ACCESS EXCLUSIVE MODE")
    cursor.execute(f"CREATE TABLE {part} (LIKE {name} INCLUDING DEFAULTS INCLUDING GENERATED)")
    cursor.execute(f"INSERT INTO {part} SELECT * FROM {name}_default WHERE {where}")  # noqa: S608
    cursor.execute(f"DELETE FROM {name}_default WHERE {where}")  # noqa: S608
    cursor.execute(f"ALTER TABLE {name} ATTACH PARTITION {part} FOR VALUES FROM ({low}) TO ({high})")
    if spec.after_move is not None:
        spec.after_move(cursor, part)
    result.created.append(part)
    result.moved[part] = strays
