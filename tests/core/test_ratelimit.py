"""Fixed-window rate limits on Django's cache: the rate syntax, counting per key and window, all or
none across checks, slots given back when the work fails, concurrent hits counted exactly (locmem
and the Redis on 127.0.0.1:6379), hashed keys, and a cache that is down letting requests through."""

from __future__ import annotations

import threading
import uuid

import pytest
from django.core.cache import caches
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from quanyu.core import ratelimit
from quanyu.core.ratelimit import Check, Rate, RateLimited

T0 = 1_699_999_200.0  # a window start for every rate used here (a multiple of 600 and of 3600)
REDIS_URL = "redis://127.0.0.1:6379/15"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("5/10m", Rate(5, 600)),
        ("3/h", Rate(3, 3600)),
        (" 3 / 1h ", Rate(3, 3600)),
        ("10/1d", Rate(10, 86400)),
        ("20/30s", Rate(20, 30)),
        ("off", None),
        ("", None),
        ("OFF", None),
    ],
)
def test_rate_syntax(text, expected):
    assert Rate.parse(text) == expected


@pytest.mark.parametrize("text", ["5", "5/10x", "a/m", "0/10m", "5/0m", "-1/m", "5/10m/2"])
def test_bad_rates_name_the_setting(text):
    with pytest.raises(ImproperlyConfigured, match="QUANYU_TEST_RATE"):
        Rate.parse(text, name="QUANYU_TEST_RATE")


def test_hits_count_per_key_and_window():
    rate = Rate(2, 600)
    ratelimit.hit(Check("t", "a", rate), now=T0)
    ratelimit.hit(Check("t", "a", rate), now=T0 + 10)
    with pytest.raises(RateLimited) as info:
        ratelimit.hit(Check("t", "a", rate), now=T0 + 100)
    assert info.value.scope == "t" and info.value.retry_after == 500 and info.value.retry_minutes == 9
    ratelimit.hit(Check("t", "b", rate), now=T0 + 100)  # another key
    ratelimit.hit(Check("u", "a", rate), now=T0 + 100)  # another scope
    ratelimit.hit(Check("t", "a", rate), now=T0 + 600)  # the next window


def test_refused_hits_do_not_push_the_limit_further():
    rate = Rate(1, 600)
    ratelimit.hit(Check("t", "a", rate), now=T0)
    for _ in range(5):
        with pytest.raises(RateLimited):
            ratelimit.hit(Check("t", "a", rate), now=T0 + 1)
    ratelimit.hit(Check("t", "a", rate), now=T0 + 600)
    with pytest.raises(RateLimited):
        ratelimit.hit(Check("t", "a", rate), now=T0 + 601)


def test_no_rate_or_no_key_is_not_limited():
    for _ in range(10):
        ratelimit.hit(Check("t", "a", None), Check("t", "", Rate(1, 60)), now=T0)


def test_all_or_none_across_checks():
    ip, phone = Check("ip", "10.0.0.1", Rate(5, 600)), Check("phone", "13800138000", Rate(1, 600))
    ratelimit.hit(ip, phone, now=T0)
    for _ in range(3):
        with pytest.raises(RateLimited) as info:
            ratelimit.hit(ip, phone, now=T0)
        assert info.value.scope == "phone"
    # The address was given back each time: four more fit.
    for _ in range(4):
        ratelimit.hit(ip, now=T0)
    with pytest.raises(RateLimited):
        ratelimit.hit(ip, now=T0)


def test_work_that_fails_gives_its_slots_back():
    check = Check("t", "a", Rate(1, 600))
    for _ in range(3):
        with pytest.raises(ValueError), ratelimit.limited(check, now=T0):
            raise ValueError("refused")
    with ratelimit.limited(check, now=T0):
        pass
    with pytest.raises(RateLimited), ratelimit.limited(check, now=T0):
        pytest.fail("over the limit the block must not run")


@override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}})
def test_cache_holds_a_keyed_hash_of_the_key_only():
    ratelimit.hit(Check("submit-phone", "13812345678", Rate(3, 3600)), now=T0)
    keys = list(caches["default"]._cache)  # locmem's store
    assert keys and not any("13812345678" in k for k in keys)


def _race(threads: int) -> list[str]:
    results: list[str] = []
    barrier = threading.Barrier(threads)
    check = Check("race", "k", Rate(5, 3600))

    def one() -> None:
        barrier.wait()
        try:
            ratelimit.hit(check, now=T0)
            results.append("ok")
        except RateLimited:
            results.append("limited")

    workers = [threading.Thread(target=one) for _ in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return results


def test_concurrent_hits_are_counted_exactly():
    results = _race(20)
    assert results.count("ok") == 5 and results.count("limited") == 15


def _redis_up() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.exceptions.RedisError:
        return False


@pytest.mark.skipif(not _redis_up(), reason="no Redis on 127.0.0.1:6379")
def test_concurrent_hits_on_redis_are_counted_exactly():
    redis_cache = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
        }
    }
    # A prefix of its own and no clear(): the counters of a shared Redis expire with their window.
    with override_settings(CACHES=redis_cache):
        results = _race(20)
        assert results.count("ok") == 5 and results.count("limited") == 15
        with pytest.raises(RateLimited):
            ratelimit.hit(Check("race", "k", Rate(5, 3600)), now=T0 + 1)
        ratelimit.hit(Check("race", "k", Rate(5, 3600)), now=T0 + 3600)


def test_a_cache_that_is_down_lets_requests_through(caplog):
    down = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    with override_settings(CACHES=down):
        for _ in range(3):
            with ratelimit.limited(Check("t", "a", Rate(1, 600)), now=T0):
                pass
    assert "cache unavailable" in caplog.text
