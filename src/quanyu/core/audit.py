"""Writing the audit log. Every unmasked view or export of personal data calls audit_record."""

from __future__ import annotations

import ipaddress
from typing import Any

from django.conf import settings
from django.db import models
from django.http import HttpRequest

from quanyu.core.models import AuditEntry
from quanyu.core.pii import mask_name, redact_text


def _valid_ip(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest | None) -> str | None:
    """The address of the client, the one place every part of Quanyu (audit log, django-axes,
    DRF throttles through the same NUM_PROXIES rule) asks.

    Behind ``settings.QUANYU_TRUSTED_PROXIES`` reverse proxies, each of which appends the address
    it saw to X-Forwarded-For, the client is that many entries from the right; entries further
    left were written by the client and are not trusted. With no trusted proxy (the default)
    X-Forwarded-For is ignored and REMOTE_ADDR is the client.
    """
    if request is None:
        return None
    meta = getattr(request, "META", None) or {}
    remote = _valid_ip(meta.get("REMOTE_ADDR"))
    proxies: int = getattr(settings, "QUANYU_TRUSTED_PROXIES", 0)
    if proxies > 0:
        forwarded = [a.strip() for a in str(meta.get("HTTP_X_FORWARDED_FOR", "")).split(",") if a.strip()]
        if forwarded:
            return _valid_ip(forwarded[-min(proxies, len(forwarded))]) or remote
    return remote


def target_label(target: models.Model) -> str:
    """How an entry names its object: a person of the registers (a model with ``anonymised``)
    by the masked name, anything else by its text with ID and mobile numbers masked. The log is
    kept for years and sealed by its hash chain, so nothing in it can be erased later: it must
    not hold a name or a number in the first place (the target's id finds the row)."""
    name = getattr(target, "name", None)
    if hasattr(target, "anonymised") and isinstance(name, str):
        return mask_name(name)
    return redact_text(str(target))[:200]


def audit_record(
    *,
    actor: Any,
    action: str,
    target: models.Model | None = None,
    target_type: str = "",
    target_id: str = "",
    fields: str = "",
    reason: str = "",
    request: HttpRequest | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEntry:
    if target is not None:
        target_type = target_type or target._meta.label_lower
        target_id = target_id or str(target.pk)
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditEntry.objects.create(
        actor=actor if is_user else None,
        actor_name=getattr(actor, "username", "") if is_user else "",
        action=action,
        target_type=target_type,
        target_id=target_id,
        target_repr=target_label(target) if target is not None else "",
        fields=fields,
        reason=reason[:500],
        ip=client_ip(request),
        detail=detail or {},
    )
