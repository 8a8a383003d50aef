"""Inserting model rows on the hottest write paths without compiling the SQL each time.

``Model.save()`` and ``bulk_create()`` build their INSERT statement anew for every call; for a
ticket's creation (three small inserts) that compiling cost more than the database's own work.
``insert_one``/``insert_many`` keep one statement per model and database vendor and prepare each
value exactly as the ORM does (``Field.pre_save`` + ``get_db_prep_save``), so what lands in the
row is the same. They send no ``pre_save``/``post_save`` signals: use them only for models that
no signal receiver listens to (``tests/core/test_rows.py`` checks the ones that use them), and
inside the caller's transaction like any other write.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connections, models, router

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
        if plain and (value is None or type(value) in plain):
            values.append(value)
        else:
            values.append(field.get_db_prep_save(field.pre_save(obj, True), connection=connection))
    return values


def _cursor(connection: Any) -> Any:
    """A cursor of ``connection``. On PostgreSQL one that binds the values on the server, so
    psycopg prepares the statement after a few runs and the server no longer parses and plans a
    fifty-column INSERT every time (Django's own cursors bind on the client); still wrapped by
    Django (errors, query logging, transaction checks)."""
    if connection.vendor != "postgresql":
        return connection.cursor()
    from django.db.backends.postgresql.base import ServerBindingCursor

    connection.ensure_connection()
    with connection.wrap_database_errors:
        return connection._prepare_cursor(ServerBindingCursor(connection.connection))  # type: ignore[call-arg]


def insert_one(obj: models.Model) -> models.Model:
    """INSERT ``obj`` (a new instance with an auto primary key) and set its ``pk``."""
    model = type(obj)
    alias = router.db_for_write(model, instance=obj)
    connection = connections[alias]
    sql, fields = _statement(model, alias)
    placeholders = "(" + ", ".join(["%s"] * len(fields)) + ")"
    pk_column = connection.ops.quote_name(str(model._meta.pk.column))  # type: ignore[union-attr]
    with _cursor(connection) as cursor:
        if connection.features.can_return_columns_from_insert:
            cursor.execute(f"{sql}{placeholders} RETURNING {pk_column}", _values(obj, fields, connection))
            obj.pk = cursor.fetchone()[0]
        else:  # pragma: no cover - every supported backend returns columns
            cursor.execute(f"{sql}{placeholders}", _values(obj, fields, connection))
            obj.pk = cursor.lastrowid
    obj._state.adding = False
    obj._state.db = alias
    return obj


def insert_many(objs: Sequence[models.Model], *, batch_size: int = 500) -> int:
    """INSERT new instances of one model, ``batch_size`` rows a statement (their ``pk`` is not
    set)."""
    if not objs:
        return 0
    model = type(objs[0])
    alias = router.db_for_write(model)
    connection = connections[alias]
    sql, fields = _statement(model, alias)
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    with _cursor(connection) as cursor:
        for start in range(0, len(objs), batch_size):
            batch = objs[start : start + batch_size]
            params: list[Any] = []
            for obj in batch:
                params.extend(_values(obj, fields, connection))
            cursor.execute(sql + ", ".join([row] * len(batch)), params)
    return len(objs)
