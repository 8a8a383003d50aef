"""Browser tests: Playwright (Python) driving Debian's Chromium against pytest-django's live server.

When Chromium is missing the tests skip, unless QUANYU_REQUIRE_E2E is set (CI sets it), in which
case they fail: CI must never pass with the browser tests silently skipped.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator

import pytest

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


def login(page, live_server, username: str, password: str) -> None:
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    # The app shell's top bar has submit buttons of its own (language, log-out): use the page's.
    page.click("main button[type=submit]")


def nav_link(page, key: str):
    """The top-bar link ``key``, opening its group menu first when the bar shows menus."""
    link = page.locator(f"nav#qy-nav a[data-nav={key}]")
    menu = page.locator(f"nav#qy-nav details.qy-nav-menu:has(a[data-nav={key}])")
    if menu.count() and not menu.first.evaluate("d => d.open"):
        menu.first.locator("summary").click()
    return link
