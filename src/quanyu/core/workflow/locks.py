"""Row locks for state changes: one form for the whole house.

``SELECT … FOR NO KEY UPDATE OF <the table itself>`` (``select_for_update(no_key=True,
of=("self",))``): it serialises writers of the row but, unlike a plain ``FOR UPDATE``, does not
block inserts of rows that reference it (an event, a whistle, a photo of the locked ticket take
``FOR KEY SHARE`` on it); ``of self`` keeps ``select_related`` tables unlocked (and allows
nullable joins). Several rows are always taken in pk order, so two writers never wait for each
other crosswise. A plain ``FOR UPDATE`` (``for_delete``) only where the row is deleted or its key
changes. Queues claimed by workers (the outbox, the sweep) may add ``skip_locked=True``.
On SQLite these are no-ops (its writers are serialised by BEGIN IMMEDIATE).
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import models

M = TypeVar("M", bound=models.Model)


Source = type[M] | models.Manager[M] | models.QuerySet[M]


def _qs(source: Source[M]) -> models.QuerySet[M]:
    if isinstance(source, type):
        return source._default_manager.all()
    return source.all() if isinstance(source, models.Manager) else source


def lock(source: Source[M], *, skip_locked: bool = False) -> models.QuerySet[M]:
    """``source`` (a model, a manager or a queryset) to be read under ``FOR NO KEY UPDATE OF self``."""
    return _qs(source).select_for_update(no_key=True, of=("self",), skip_locked=skip_locked)


def lock_one(source: Source[M], **lookup: Any) -> M:
    """The one row ``lookup`` names, re-read under lock (``DoesNotExist`` as ``get`` raises it)."""
    return lock(source).get(**lookup)


def lock_all(source: Source[M]) -> list[M]:
    """All rows of ``source`` under lock, taken in pk order."""
    return list(lock(source).order_by("pk"))


def for_delete(source: Source[M]) -> models.QuerySet[M]:
    """``source`` under a plain ``FOR UPDATE OF self``: only for rows about to be deleted (or whose
    key changes), which must also keep others from referencing them meanwhile."""
    return _qs(source).select_for_update(of=("self",))
