"""API token authentication with an expiry: a token works for ``settings.QUANYU_TOKEN_TTL_HOURS``
after it was issued; then the client logs in again (POST /api/auth/token/) for a fresh one."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication


def token_ttl() -> timedelta:
    return timedelta(hours=settings.QUANYU_TOKEN_TTL_HOURS)


def token_is_expired(token: Any) -> bool:
    return bool(token.created <= timezone.now() - token_ttl())


class ExpiringTokenAuthentication(TokenAuthentication):
    """DRF's token authentication, refusing tokens older than the configured lifetime (401)."""

    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        user, token = super().authenticate_credentials(key)
        if token_is_expired(token):
            raise exceptions.AuthenticationFailed(_("令牌已过期，请重新登录获取新的令牌"))
        return user, token
