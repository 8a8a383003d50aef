"""Celery tasks of the shared kernel: sealing the audit log's hash chain (core.auditchain),
removing uploaded files no row holds (core.media), running the apps' retention rules
(core.retention), creating the months ahead of partitioned tables (core.partitions), and deleting
expired sessions (a session may hold an import's error rows, names
and numbers among them; Django deletes an expired one only when its own browser comes back, so
without this they stay in the session table for good)."""

from __future__ import annotations

import logging
from importlib import import_module

from celery import shared_task
from django.conf import settings

from quanyu.core.auditchain import audit_seal
from quanyu.core.media import media_orphans
from quanyu.core.partitions import extend
from quanyu.core.retention import run_rules

logger = logging.getLogger(__name__)


@shared_task(name="quanyu.core.audit_seal")
def audit_seal_task() -> int:
    return audit_seal()


@shared_task(name="quanyu.core.media_orphans")
def media_orphans_task() -> int:
    return len(media_orphans().removed)


@shared_task(name="quanyu.core.clear_sessions")
def clear_sessions_task() -> None:
    """What ``quanyu clearsessions`` does, for whichever session engine is configured."""
    import_module(settings.SESSION_ENGINE).SessionStore.clear_expired()


@shared_task(name="quanyu.core.retention")
def retention_task() -> dict[str, int]:
    """Every app's retention rule (core.retention); how many rows each cleared."""
    return {key: len(ids) for key, ids in run_rules().items()}


@shared_task(name="quanyu.core.partitions_extend")
def partitions_extend_task() -> dict[str, list[str]]:
    """The next months' partitions of every partitioned table (nothing where none is); a month
    left in a DEFAULT partition is logged, since only an operator can move it."""
    done = extend(ahead=settings.QUANYU_PARTITION_MONTHS_AHEAD)
    for table, result in done.items():
        for part, rows in result.stuck.items():
            logger.error(
                "partitions: %s rows of %s wait in %s_default (see docs/DEPLOY.md)", rows, part, table
            )
    return {table: result.created for table, result in done.items()}
