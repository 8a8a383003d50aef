"""Shared helpers of the browser tests: viewports, screenshots, signing in, the top bar, and a
browser whose pages record every problem (``Watched``)."""

from __future__ import annotations

import os

from tests.factories import PASSWORD

SHOTS = os.environ.get("QUANYU_E2E_SHOTS", "")
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def shot(page, name: str) -> None:
    if SHOTS:
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=os.path.join(SHOTS, name), full_page=True)


def no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


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


# Run in every document before its own scripts: report CSP violations to the test.
WATCH_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", function (e) {
  window.qyViolation([e.effectiveDirective, e.blockedURI, e.sourceFile + ":" + e.lineNumber].join(" "));
}, true);
"""


class Watched:
    """Browser contexts whose pages record every problem: console errors, Alpine's warnings,
    uncaught exceptions and CSP violations."""

    def __init__(self, browser, live_server) -> None:
        self.browser = browser
        self.live_server = live_server
        self.contexts: list = []
        self.problems: list[str] = []

    def open(self, username: str | None, *, phone: bool = False):
        options: dict = {"locale": "zh-CN", "viewport": PHONE if phone else DESKTOP}
        if phone:
            options.update(is_mobile=True, has_touch=True)
        context = self.browser.new_context(**options)
        self.contexts.append(context)
        context.expose_function("qyViolation", lambda text: self.problems.append(f"CSP violation: {text}"))
        context.add_init_script(WATCH_VIOLATIONS)
        page = context.new_page()
        page.set_default_timeout(30_000)
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.problems.append(f"uncaught: {error}"))
        if username:
            login(page, self.live_server, username, PASSWORD)
            page.wait_for_url(f"{self.live_server.url}/")
        return page

    def _console(self, message) -> None:
        text = message.text
        if message.type == "error" or (message.type == "warning" and "Alpine" in text):
            self.problems.append(f"console {message.type}: {text} ({message.location.get('url', '')})")

    def settle(self, page) -> None:
        """Wait until the page's requests are done, so late errors are seen too."""
        page.wait_for_load_state("networkidle")

    def close(self) -> None:
        for context in self.contexts:
            context.close()


def axe_problems(page) -> list[str]:
    """axe-core's serious and critical findings on the page as it is now (rule, impact, where)."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    found = []
    for violation in results.response.get("violations", []):
        if violation.get("impact") in ("serious", "critical"):
            targets = [", ".join(node.get("target", [])) for node in violation.get("nodes", [])][:3]
            found.append(f"{violation['id']} ({violation['impact']}): {'; '.join(targets)}")
    return found
