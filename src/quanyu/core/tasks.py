"""Celery task of the shared kernel: sealing the audit log's hash chain (core.auditchain)."""

from __future__ import annotations

from celery import shared_task

from quanyu.core.auditchain import audit_seal


@shared_task(name="quanyu.core.audit_seal")
def audit_seal_task() -> int:
    return audit_seal()
