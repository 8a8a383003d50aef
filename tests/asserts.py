"""Shared assertions: "a refused step wrote nothing".

``nothing_written(*objects)`` wraps a call that must be refused: afterwards every event table
(each concrete model extending ``quanyu.core.workflow.events.EventBase``), notifications, outbox
messages and audit entries count what they counted before, and each object named still has every
column it had (its status first of all). Use it outside ``pytest.raises``::

    with nothing_written(ticket, whistle), pytest.raises(PermissionDenied):
        services.whistle_cancel(actor=resident, whistle=whistle, reason="x")
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.apps import apps
from django.db import models

from quanyu.core.models import AuditEntry
from quanyu.core.workflow.events import EventBase
from quanyu.notify.models import Notification, OutboxMessage


def written_tables() -> list[type[models.Model]]:
    """Every table a step writes besides its object: all event tables, notifications, the outbox,
    the audit log."""
    events = [m for m in apps.get_models() if issubclass(m, EventBase)]
    return sorted({*events, Notification, OutboxMessage, AuditEntry}, key=lambda m: m._meta.label)


def _row(obj: models.Model) -> dict[str, Any]:
    fresh = type(obj)._default_manager.get(pk=obj.pk)
    return {f.attname: getattr(fresh, f.attname) for f in fresh._meta.concrete_fields}


def snapshot(*objects: models.Model) -> dict[str, Any]:
    counts = {m._meta.label: m._default_manager.count() for m in written_tables()}
    rows = {f"{o._meta.label}#{o.pk}": _row(o) for o in objects}
    return {"counts": counts, "rows": rows}


@contextmanager
def nothing_written(*objects: models.Model) -> Iterator[None]:
    """Assert that the block (a refused call) wrote no event, notification, outbox message or audit
    entry, and changed no column of ``objects``."""
    before = snapshot(*objects)
    try:
        yield
    finally:
        after = snapshot(*objects)
        assert after["counts"] == before["counts"], f"a refused step wrote rows: {before} → {after}"
        assert after["rows"] == before["rows"], f"a refused step changed its object: {before} → {after}"
