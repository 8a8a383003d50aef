"""Fixed-window rate limits on Django's cache (Redis in production, see ``QUANYU_CACHE_URL``).

A rate is written ``"count/period"``: ``"5/10m"`` is five per ten minutes; the period is a number
(optional, default 1) and a unit ``s``, ``m``, ``h`` or ``d``; ``"off"`` (or empty) means no limit.
Each (scope, key) has one counter per window, created with ``cache.add`` and counted with
``cache.incr``, both atomic in the cache itself, so concurrent workers never count the same hit
twice or lose one. Keys are personal data (an address, a phone number): the cache holds only a
keyed hash of them.

``limited(...)`` takes one slot of every check or none: when one check is over its limit the slots
already taken are given back and ``RateLimited`` (with the seconds until the window ends) is
raised; when the block inside raises (the input was refused, nothing was written) the slots are
given back too, so only work that was done counts. A cache that cannot be reached lets the request
through (logged): the limits protect the service, they must not take it down.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import logging
import math
import re
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured

logger = logging.getLogger("quanyu.ratelimit")

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smhd])\s*$")
_OFF = frozenset({"", "off", "none", "0"})


@dataclass(frozen=True)
class Rate:
    """``count`` hits per ``seconds``."""

    count: int
    seconds: int

    @classmethod
    def parse(cls, text: str, *, name: str = "rate") -> Rate | None:
        """``"5/10m"`` → Rate(5, 600); ``"off"``/empty → None; anything else is a configuration
        error naming ``name``."""
        return _parse(str(text or "").strip().lower(), name)


@functools.cache
def _parse(text: str, name: str) -> Rate | None:
    if text in _OFF:
        return None
    match = _RATE.match(text)
    if match is None:
        raise ImproperlyConfigured(f'{name} must look like "5/10m" (count/period, unit s/m/h/d) or "off"')
    count, amount, unit = int(match.group(1)), int(match.group(2) or 1), match.group(3)
    if count < 1 or amount < 1:
        raise ImproperlyConfigured(f"{name}: count and period must be positive")
    return Rate(count=count, seconds=amount * _UNITS[unit])


def rate_setting(name: str, default: str) -> Rate | None:
    """The rate in ``settings.<name>`` (``default`` when unset)."""
    return Rate.parse(str(getattr(settings, name, default)), name=name)


class RateLimited(Exception):
    """Over the limit of ``scope``; ``retry_after`` is the whole seconds until it lets hits in
    again."""

    def __init__(self, *, scope: str, retry_after: int) -> None:
        super().__init__(f"rate limit {scope} reached; retry after {retry_after} s")
        self.scope = scope
        self.retry_after = max(1, int(retry_after))

    @property
    def retry_minutes(self) -> int:
        return max(1, math.ceil(self.retry_after / 60))


@dataclass(frozen=True)
class Check:
    """One limit to apply: ``rate`` (None: no limit) per ``key`` within ``scope``. An empty key
    (no address, no phone) is not limited."""

    scope: str
    key: str
    rate: Rate | None


@dataclass(frozen=True)
class _Slot:
    cache_key: str


def _digest(scope: str, key: str) -> str:
    secret = hashlib.sha256(b"quanyu/ratelimit:" + settings.SECRET_KEY.encode()).digest()
    return hmac.new(secret, f"{scope}\0{key}".encode(), hashlib.sha256).hexdigest()[:32]


def _take(check: Check, now: float) -> _Slot | None:
    """Count one hit; None when not limited (or the cache is down). RateLimited when over, with
    the hit taken back."""
    rate = check.rate
    if rate is None or not check.key:
        return None
    window = int(now // rate.seconds)
    cache_key = f"qy:rl:{check.scope}:{window}:{_digest(check.scope, check.key)}"
    try:
        count = None
        for _attempt in range(3):
            cache.add(cache_key, 0, timeout=rate.seconds + 1)
            try:
                count = cache.incr(cache_key)
                break
            except ValueError:  # expired between add and incr: start the window again
                continue
    except Exception:
        logger.warning("rate limit %s not checked: cache unavailable", check.scope, exc_info=True)
        return None
    if count is None:
        return None
    slot = _Slot(cache_key)
    if count > rate.count:
        _give_back(slot)
        raise RateLimited(scope=check.scope, retry_after=math.ceil((window + 1) * rate.seconds - now))
    return slot


def _give_back(slot: _Slot) -> None:
    try:
        cache.decr(slot.cache_key)
    except ValueError:  # the window ended meanwhile: nothing to give back
        pass
    except Exception:
        logger.warning("rate limit slot not given back: cache unavailable", exc_info=True)


def hit(*checks: Check, now: float | None = None) -> None:
    """Count one hit in every check, or in none (``RateLimited``)."""
    _take_all(checks, time.time() if now is None else now)


def _take_all(checks: Sequence[Check], now: float) -> list[_Slot]:
    taken: list[_Slot] = []
    try:
        for check in checks:
            slot = _take(check, now)
            if slot is not None:
                taken.append(slot)
    except RateLimited:
        for slot in taken:
            _give_back(slot)
        raise
    return taken


@contextmanager
def limited(*checks: Check, now: float | None = None) -> Iterator[None]:
    """Take a slot of every check before the block (``RateLimited`` when one is full, nothing
    counted) and give them all back if the block raises."""
    slots = _take_all(checks, time.time() if now is None else now)
    try:
        yield
    except BaseException:
        for slot in slots:
            _give_back(slot)
        raise
