"""Browser tests: Playwright (Python) driving Debian's Chromium against pytest-django's live server.

When Chromium is missing the tests skip, unless QUANYU_REQUIRE_E2E is set (CI sets it), in which
case they fail: CI must never pass with the browser tests silently skipped.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator

import pytest

from quanyu.notify.channels import sms
from tests.e2e.helpers import DESKTOP, PHONE, Watched, login
from tests.factories import PASSWORD, make_city, make_personas
from tests.tickets.factories import make_catalog

CHROMIUM = os.environ.get("QUANYU_CHROMIUM", "/usr/bin/chromium")
# Playwright's sync API runs an event loop in the test thread; the ORM calls made by fixtures in
# the same thread are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _chromium_available() -> bool:
    return os.path.exists(CHROMIUM) or shutil.which("chromium") is not None


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not _chromium_available():
        if os.environ.get("QUANYU_REQUIRE_E2E"):
            pytest.fail(f"browser tests are required but Chromium is missing at {CHROMIUM}")
        pytest.skip(f"Chromium not installed at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-background-networking",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser) -> Iterator[object]:
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def phone_page(browser) -> Iterator[object]:
    context = browser.new_context(
        locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


# Rows the migrations seed (holidays, point rules, venue standards). The browser tests run with
# transaction=True, whose flush after each test empties them: seed them again before each test.
SEEDERS = [
    ("quanyu.catalog.migrations.0002_seed_holidays", "seed"),
    ("quanyu.people.migrations.0002_default_point_rules", "add_rules"),
    ("quanyu.venues.migrations.0003_seed_profiles", "seed"),
    ("quanyu.volunteering.migrations.0002_point_rule", "add_rule"),
]


@pytest.fixture(autouse=True)
def _seeded_rows(request):
    if "transactional_db" not in request.fixturenames and "live_server" not in request.fixturenames:
        return
    import importlib

    from django.apps import apps

    request.getfixturevalue("transactional_db")
    for module, name in SEEDERS:
        getattr(importlib.import_module(module), name)(apps, None)


@pytest.fixture
def world(settings, tmp_path):
    """The test city with its personas and catalogue; SMS kept in the outbox (a module may define
    its own ``world``)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.QUANYU_SMS_BACKEND = "quanyu.notify.channels.sms.OutboxSmsBackend"
    sms.outbox.clear()
    city = make_city()
    make_personas(city)
    catalog = make_catalog(city)
    return city, catalog


@pytest.fixture
def open_as(browser, live_server):
    """A fresh browser context per person (desktop or phone), signed in unless ``username`` is
    None; all closed at the end."""
    contexts = []

    def opener(username: str | None, *, phone: bool = False):
        options = {"locale": "zh-CN", "viewport": PHONE if phone else DESKTOP}
        if phone:
            options.update(is_mobile=True, has_touch=True)
        context = browser.new_context(**options)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(30_000)  # generous: CI machines run several browsers at once
        if username:
            login(page, live_server, username, PASSWORD)
            page.wait_for_url(f"{live_server.url}/")
        return page

    yield opener
    for context in contexts:
        context.close()


@pytest.fixture
def watched(browser, live_server) -> Iterator[Watched]:
    watch = Watched(browser, live_server)
    yield watch
    watch.close()
