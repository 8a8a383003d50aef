"""Celery tasks of the shared kernel: sealing the audit log's hash chain (core.auditchain) and
removing uploaded files no row holds (core.media)."""

from __future__ import annotations

from celery import shared_task

from quanyu.core.auditchain import audit_seal
from quanyu.core.media import media_orphans


@shared_task(name="quanyu.core.audit_seal")
def audit_seal_task() -> int:
    return audit_seal()


@shared_task(name="quanyu.core.media_orphans")
def media_orphans_task() -> int:
    return len(media_orphans().removed)
