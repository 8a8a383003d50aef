"""API token authentication with an expiry: a token works for ``settings.QUANYU_TOKEN_TTL_HOURS``
after it was issued; then the client logs in again (POST /api/auth/token/) for a fresh one.

Each process remembers a token it has checked for ``settings.QUANYU_TOKEN_CACHE_SECONDS`` (30),
so a client's next calls cost no query (that read was a tenth of a ticket's creation). Saving or
deleting a token or a user clears this process's memory at once; in other processes a revoked
token or a deactivated account keeps working for at most that long (0 turns the memory off).
"""

from __future__ import annotations

from collections.abc import Hashable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db.models.base import ModelState
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token

from quanyu.accounts.models import User
from quanyu.api.models import OtpToken
from quanyu.core.memo import ProcessMemo
from quanyu.core.permissions import otp_required_for


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
            if otp_required_for(user) and not OtpToken.objects.filter(token_id=token.key).exists():
                raise exceptions.AuthenticationFailed(_("该令牌未经两步验证，请重新登录并填写动态验证码"))
            _checked.remember(key, user, token)
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


class _CheckedTokens(ProcessMemo[tuple[Any, Any]]):
    """Tokens this process found valid, with their user; each caller gets its own copies."""

    def get(self, key: Hashable) -> tuple[Any, Any] | None:
        row = super().get(key)
        return None if row is None else (_detached(row[0]), _detached(row[1]))

    def remember(self, key: str, user: Any, token: Any) -> None:
        self.put(key, (_detached(user), _detached(token)))


_checked = _CheckedTokens("QUANYU_TOKEN_CACHE_SECONDS", 30)
_checked.forget_when_changed(Token, User)
