"""Celery tasks of the shared kernel: sealing the audit log's hash chain (core.auditchain) and
removing uploaded files no row holds (core.media), and deleting expired sessions (a session may
hold an import's error rows, names and numbers among them; Django deletes an expired one only
when its own browser comes back, so without this they stay in the session table for good)."""

from __future__ import annotations

from importlib import import_module

from celery import shared_task
from django.conf import settings

from quanyu.core.auditchain import audit_seal
from quanyu.core.media import media_orphans


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
