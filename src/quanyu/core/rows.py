"""Inserting model rows on the hottest write paths without compiling the SQL each time.

``Model.save()`` and ``bulk_create()`` build their INSERT statement anew for every call; for a
ticket's creation (three small inserts) that compiling cost more than the database's own work.
``insert_one``/``insert_many`` keep their statements (per model, database, number of rows) and
prepare each value exactly as the ORM does (``Field.pre_save`` + ``get_db_prep_save``), so what
lands in the row is the same. On PostgreSQL the statements are written with the server's own
``$n`` placeholders and sent through a cursor that binds on the server: psycopg neither rewrites
a many-row statement's ``%s`` anew each time (it caches that only up to fifty parameters) nor
sends the values inlined, and it prepares the statements that recur.

They send no ``pre_save``/``post_save`` signals: use them only for models that
no signal receiver listens to (``tests/core/test_rows.py`` checks the ones that use them), and
inside the caller's transaction like any other write.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
from collections.abc import Iterator, Sequence
from typing import Any, TypeVar

from django.db import connections, models, router

M = TypeVar("M", bound=models.Model)

_STATEMENTS: dict[tuple[type[models.Model], str, str], tuple[str, list[models.Field[Any, Any]]]] = {}


def _statement(model: type[models.Model], alias: str) -> tuple[str, list[models.Field[Any, Any]]]:
    connection = connections[alias]
    key = (model, alias, connection.vendor)
    found = _STATEMENTS.get(key)
    if found is None:
        meta = model._meta
        pk = meta.pk
        fields = [
            f
            for f in meta.local_concrete_fields
            if not (f is pk and isinstance(f, models.AutoField | models.BigAutoField | models.SmallAutoField))
        ]
        quote = connection.ops.quote_name
        columns = ", ".join(quote(str(f.column)) for f in fields)
        sql = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES "  # noqa: S608 (names from the model)
        found = _STATEMENTS[key] = (sql, fields)
    return found


# Field classes whose database value is the Python value itself when it already has the field's
# own type (their get_db_prep_save only converts other types); anything else (dates, JSON,
# encrypted text, subclasses) goes through the ORM's own preparation.
_PLAIN: dict[type[models.Field[Any, Any]], tuple[type, ...]] = {
    models.CharField: (str,),
    models.TextField: (str,),
    models.BooleanField: (bool,),
    models.IntegerField: (int,),
    models.BigIntegerField: (int,),
    models.SmallIntegerField: (int,),
    models.PositiveIntegerField: (int,),
    models.PositiveSmallIntegerField: (int,),
    models.FloatField: (float,),
}
# A naive datetime goes through the ORM (which warns of it and makes it aware).
_AWARE = (dt.datetime,)
_PREPARED: dict[
    tuple[type[models.Model], str], list[tuple[str, tuple[type, ...], models.Field[Any, Any]]]
] = {}


def _plan(model: type[models.Model], alias: str, fields: list[models.Field[Any, Any]]) -> list[Any]:
    plan = _PREPARED.get((model, alias))
    if plan is None:
        plan = []
        for f in fields:
            if isinstance(f, models.ForeignKey) and type(f.target_field) in (
                models.AutoField,
                models.BigAutoField,
            ):
                plain: tuple[type, ...] = (int,)
            elif (
                type(f) is models.DateTimeField
                and not (f.auto_now or f.auto_now_add)
                and connections[alias].vendor == "postgresql"
            ):
                plain = _AWARE  # psycopg sends an aware datetime as it is, as the ORM does there
            else:
                plain = _PLAIN.get(type(f), ())
            plan.append((f.attname, plain, f))
        _PREPARED[(model, alias)] = plan
    return plan


def _values(obj: models.Model, fields: list[models.Field[Any, Any]], connection: Any) -> list[Any]:
    values = []
    state = obj.__dict__
    for attname, plain, field in _plan(type(obj), connection.alias, fields):
        value = state.get(attname)
        if plain and (
            value is None or (type(value) in plain and (plain is not _AWARE or value.tzinfo is not None))
        ):
            values.append(value)
        else:
            values.append(field.get_db_prep_save(field.pre_save(obj, True), connection=connection))
    return values


_SQL: dict[tuple[type[models.Model], str, int, bool], str] = {}


def _sql(model: type[models.Model], connection: Any, rows: int, returning: bool) -> str:
    """The INSERT of ``rows`` rows of ``model`` (``RETURNING`` its key when asked)."""
    key = (model, connection.alias, rows, returning)
    found = _SQL.get(key)
    if found is None:
        head, fields = _statement(model, connection.alias)
        width = len(fields)
        if connection.vendor == "postgresql":
            values = ", ".join(
                "(" + ", ".join(f"${r * width + c + 1}" for c in range(width)) + ")" for r in range(rows)
            )
        else:
            values = ", ".join(["(" + ", ".join(["%s"] * width) + ")"] * rows)
        found = head + values
        if returning:
            found += " RETURNING " + connection.ops.quote_name(str(model._meta.pk.column))  # type: ignore[union-attr]
        if len(_SQL) < 4096:  # a few models times the batch sizes met
            _SQL[key] = found
    return found


def _cursor(connection: Any) -> Any:
    """A cursor of ``connection`` for ``_sql``'s statements: on PostgreSQL a raw (``$n``),
    server-binding one, still wrapped by Django (errors, query logging, transaction checks)."""
    if connection.vendor != "postgresql":
        return connection.cursor()
    return _server_binding_cursor(connection)


# The one adapter to Django's database wrapper beyond ``connection.cursor()``: the steps of its
# (private) ``_prepare_cursor``, through the wrapper's own undocumented but unprefixed methods.
# tests/core/test_rows.py checks that these names exist with these signatures, so a Django upgrade
# that changes them fails there, loudly, before a ticket is lost.
DJANGO_WRAPPER_API: dict[str, tuple[str, ...]] = {
    "ensure_connection": ("self",),
    "validate_thread_sharing": ("self",),
    "make_cursor": ("self", "cursor"),
    "make_debug_cursor": ("self", "cursor"),
}


def _server_binding_cursor(connection: Any) -> Any:
    """What ``connection.cursor()`` does, with psycopg's ``RawCursor`` (``$n`` placeholders, values
    bound on the server) in place of the cursor class Django's backend picks."""
    from psycopg import RawCursor

    connection.ensure_connection()
    with connection.wrap_database_errors:
        raw = RawCursor(connection.connection)
    connection.validate_thread_sharing()
    wrap = connection.make_debug_cursor if connection.queries_logged else connection.make_cursor
    return wrap(raw)


def insert_one(obj: models.Model) -> models.Model:
    """INSERT ``obj`` (a new instance with an auto primary key) and set its ``pk``."""
    model = type(obj)
    alias = router.db_for_write(model, instance=obj)
    connection = connections[alias]
    _head, fields = _statement(model, alias)
    with _cursor(connection) as cursor:
        cursor.execute(_sql(model, connection, 1, True), _values(obj, fields, connection))
        obj.pk = cursor.fetchone()[0]
    obj._state.adding = False
    obj._state.db = alias
    return obj


def insert_many(objs: Sequence[models.Model], *, batch_size: int = 500, returning: bool = False) -> int:
    """INSERT new instances of one model, up to ``batch_size`` rows a statement. With
    ``returning`` each gets its ``pk`` (the rows come back in the order they were sent, as
    ``bulk_create`` relies on too); without it, inside ``gathered()`` the rows wait for the end of
    the block and go with the other rows of their model."""
    if not objs:
        return 0
    model = type(objs[0])
    alias = router.db_for_write(model)
    pending = getattr(_gathering, "pending", None)
    if pending is not None and not returning:
        pending.setdefault((model, alias), []).extend(objs)
        return len(objs)
    connection = connections[alias]
    _head, fields = _statement(model, alias)
    size = max(1, min(batch_size, connection.ops.bulk_batch_size(fields, objs)))
    with _cursor(connection) as cursor:
        for start in range(0, len(objs), size):
            batch = objs[start : start + size]
            params: list[Any] = []
            for obj in batch:
                params.extend(_values(obj, fields, connection))
            cursor.execute(_sql(model, connection, len(batch), returning), params)
            if returning:
                for obj, (pk,) in zip(batch, cursor.fetchall(), strict=True):
                    obj.pk = pk
                    obj._state.adding = False
                    obj._state.db = alias
    return len(objs)


_LAYOUTS: dict[type[models.Model], list[tuple[str, str, bool, models.Field[Any, Any]]]] = {}


def new(model: type[M], **given: Any) -> M:
    """``model(**given)``, built the way Django builds rows it reads (``Model.from_db``: the
    values in field order, which skips ``__init__``'s handling of each keyword). ``given`` names
    fields as ``Model()`` takes them; a related object given by name is cached on the new instance
    as ``Model()`` would. Missing fields take their defaults; an unknown name is a TypeError."""
    layout = _LAYOUTS.get(model)
    if layout is None:
        layout = _LAYOUTS[model] = [
            (f.name, f.attname, f.is_relation, f)
            for f in model._meta.concrete_fields  # the order __init__ takes values in
        ]
    values: list[Any] = []
    related: list[tuple[models.Field[Any, Any], Any]] = []
    for name, attname, is_relation, field in layout:
        if is_relation and name in given:
            obj = given.pop(name)
            values.append(None if obj is None else obj.pk)
            if obj is not None:
                related.append((field, obj))
        elif attname in given:
            values.append(given.pop(attname))
        elif name in given:
            values.append(given.pop(name))
        else:
            values.append(field.get_default())
    if given:
        raise TypeError(f"{model.__name__} has no field(s) {', '.join(sorted(given))}")
    instance = model(*values)
    for field, obj in related:
        field.set_cached_value(instance, obj)  # type: ignore[attr-defined]
    return instance


_gathering = threading.local()


@contextlib.contextmanager
def gathered() -> Iterator[None]:
    """Hold back ``insert_many`` calls (those without ``returning``) in this thread until the end
    of the block, then send each model's rows together: a batch of creations writes its
    notifications in one statement instead of one each. Use it inside the transaction, around code
    that does not read back the rows it inserts. Nested blocks join the outer one."""
    if getattr(_gathering, "pending", None) is not None:
        yield
        return
    pending: dict[tuple[type[models.Model], str], list[models.Model]] = {}
    _gathering.pending = pending
    try:
        yield
    finally:
        _gathering.pending = None
    for objs in pending.values():  # only when the block ended without an exception
        insert_many(objs)
