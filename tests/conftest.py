from __future__ import annotations

import pytest

from tests.factories import City, make_city, make_personas


@pytest.fixture
def city(db) -> City:
    c = make_city()
    make_personas(c)
    return c


@pytest.fixture(autouse=True)
def _fresh_process_caches():
    """Per-process memories (``core.memo``: tokens, recipients, catalogue matcher, holiday years,
    grid index; and the intake's grid rows) trust what they read for a few seconds; a test
    database rolled back under them must not leak into the next test. Django's cache (locmem here)
    holds rate-limit counters: each test starts with none."""
    from django.core.cache import cache

    from quanyu.core.memo import forget_all
    from quanyu.core.sheetlimits import reset_limits

    forget_all()
    cache.clear()
    reset_limits()
    yield


@pytest.fixture(autouse=True)
def _chinese_by_default():
    """Every test starts in the product's default language, whatever an earlier test in the same
    worker activated (the i18n tests switch to English)."""
    from django.utils import translation

    translation.activate("zh-hans")
    yield
    translation.activate("zh-hans")
