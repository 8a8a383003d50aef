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
    """Per-process caches (catalogue matcher, holiday years, grid rows) trust their revision for a
    couple of seconds; a test database rolled back under them must not leak into the next test.
    Django's cache (locmem here) holds rate-limit counters: each test starts with none."""
    from django.core.cache import cache

    from quanyu.api.auth import _checked as checked_tokens
    from quanyu.areas.locate import invalidate as locate_invalidate
    from quanyu.catalog.calendar import invalidate as calendar_invalidate
    from quanyu.catalog.suggest import invalidate as suggest_invalidate
    from quanyu.core.sheetlimits import reset_limits
    from quanyu.tickets.notifications import staff_recipients
    from quanyu.tickets.services.intake import invalidate_area_cache

    checked_tokens.clear()
    staff_recipients.clear()
    suggest_invalidate()
    calendar_invalidate()
    locate_invalidate()
    invalidate_area_cache()
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
