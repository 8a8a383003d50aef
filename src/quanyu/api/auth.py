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

from quanyu.accounts.models import RoleGrant, User
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


def authenticate_many(keys: list[str]) -> dict[str, Any]:
    """The user of each key that ``ExpiringTokenAuthentication`` would accept, read in one query
    for the keys this process has not checked lately (the lane's batches: a term-opening burst is
    made of first calls). A key refused for any reason is left out: the caller sends its request
    on to the view, which answers it as it always does."""
    found: dict[str, Any] = {}
    missing: list[str] = []
    for key in dict.fromkeys(keys):
        remembered = _checked.get(key)
        if remembered is None:
            missing.append(key)
        elif not token_is_expired(remembered[1]):
            found[key] = remembered[0]
    if missing:
        tokens = [t for t in Token.objects.select_related("user").filter(key__in=missing) if t.user.is_active]
        if settings.QUANYU_REQUIRE_OTP:  # whether a user needs the second step is read from its roles
            _with_grants([t.user for t in tokens])
        second_step = [t.key for t in tokens if otp_required_for(t.user)]
        verified = set(OtpToken.objects.filter(token_id__in=second_step).values_list("token_id", flat=True))
        for token in tokens:
            if token.key in second_step and token.key not in verified:
                continue
            _checked.remember(token.key, token.user, token)
            if not token_is_expired(token):
                found[token.key] = _detached(token.user)
    return found


def _with_grants(users: list[Any]) -> None:
    """Each user's ``active_grants`` read in one query for all of them (as the property reads them)."""
    grants: dict[int, list[RoleGrant]] = {u.pk: [] for u in users}
    for grant in RoleGrant.objects.filter(user_id__in=grants).select_related("area", "unit").order_by("id"):
        grants[grant.user_id].append(grant)
    for user in users:
        user.__dict__["active_grants"] = grants[user.pk]


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
