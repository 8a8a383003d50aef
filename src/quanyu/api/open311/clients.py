"""Open311 API keys: create one (the key is shown once; only its hash is stored) and check one."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from quanyu.api.models import Open311Client
from quanyu.areas.models import Area
from quanyu.core.permissions import require_role
from quanyu.core.roles import Role


def key_hash(key: str) -> str:
    return hashlib.sha256(b"quanyu/open311/api-key:" + key.encode()).hexdigest()


def open311_client_create(*, actor: Any, name: str, area: Area | None = None) -> tuple[Open311Client, str]:
    """A new client and its key (returned once). Administrators of the area (or superusers) may."""
    if area is None:
        if not (getattr(actor, "is_authenticated", False) and getattr(actor, "is_superuser", False)):
            raise PermissionDenied(_("只有超级用户可以创建全市范围的接入方"))
    else:
        require_role(actor, {Role.ADMIN}, at_path=area.path)
    key = secrets.token_urlsafe(32)
    with transaction.atomic():
        client = Open311Client.objects.create(
            name=name.strip()[:100], key_hash=key_hash(key), key_prefix=key[:8], area=area
        )
    return client, key


def open311_client_for_key(key: str | None) -> Open311Client | None:
    """The active client holding ``key`` (its last use is recorded), or None."""
    if not key or len(key) > 200:
        return None
    client = Open311Client.objects.select_related("area").filter(key_hash=key_hash(key), active=True).first()
    if client is not None:
        Open311Client.objects.filter(pk=client.pk).update(last_used_at=timezone.now())
    return client
