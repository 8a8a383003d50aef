"""API token authentication with an expiry: a token works for ``settings.QUANYU_TOKEN_TTL_HOURS``
after it was issued; then the client logs in again (POST /api/auth/token/) for a fresh one.

Each process remembers a token it has checked for ``settings.QUANYU_TOKEN_CACHE_SECONDS`` (30),
so a client's next calls cost no query (that read was a tenth of a ticket's creation). Saving or
deleting a token or a user clears this process's memory at once; in other processes a revoked
token or a deactivated account keeps working for at most that long (0 turns the memory off).
"""

from __future__ import annotations

import threading
import time
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db.models.base import ModelState
from django.db.models.signals import post_delete, post_save
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token

from quanyu.accounts.models import User


def token_ttl() -> timedelta:
    return timedelta(hours=settings.QUANYU_TOKEN_TTL_HOURS)


def token_is_expired(token: Any) -> bool:
    return bool(token.created <= timezone.now() - token_ttl())


class ExpiringTokenAuthentication(TokenAuthentication):
    """DRF's token authentication, refusing tokens older than the configured lifetime (401)."""

    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        remembered = _checked.get(key)
        if remembered is None:
            user, token = super().authenticate_credentials(key)
            _checked.put(key, user, token)
        else:
            user, token = remembered
        if token_is_expired(token):
            raise exceptions.AuthenticationFailed(_("令牌已过期，请重新登录获取新的令牌"))
        return user, token


def _detached(obj: Any) -> Any:
    """A copy of a model instance with its own state, so one request's changes (cached
    relations, attributes set by middleware) never reach another's."""
    twin = object.__new__(type(obj))
    twin.__dict__.update(obj.__dict__)
    state = twin._state = ModelState()
    state.db, state.adding = obj._state.db, obj._state.adding
    return twin


class _CheckedTokens:
    """Tokens this process found valid, with their user, for a few seconds."""

    LIMIT = 10_000

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.rows: dict[str, tuple[float, Any, Any]] = {}

    def get(self, key: str) -> tuple[Any, Any] | None:
        ttl = float(getattr(settings, "QUANYU_TOKEN_CACHE_SECONDS", 30))
        if ttl <= 0:
            return None
        with self.lock:
            row = self.rows.get(key)
        if row is None or time.monotonic() - row[0] >= ttl:
            return None
        return _detached(row[1]), _detached(row[2])

    def put(self, key: str, user: Any, token: Any) -> None:
        if float(getattr(settings, "QUANYU_TOKEN_CACHE_SECONDS", 30)) <= 0:
            return
        with self.lock:
            if len(self.rows) >= self.LIMIT:
                self.rows.clear()
            self.rows[key] = (time.monotonic(), _detached(user), _detached(token))

    def clear(self, sender: Any = None, **kwargs: Any) -> None:
        with self.lock:
            self.rows.clear()


_checked = _CheckedTokens()
for _model in (Token, User):
    post_save.connect(_checked.clear, sender=_model, dispatch_uid=f"api.auth.tokens.save.{_model.__name__}")
    post_delete.connect(
        _checked.clear, sender=_model, dispatch_uid=f"api.auth.tokens.delete.{_model.__name__}"
    )
