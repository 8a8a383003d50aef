"""The API documentation pages in a real browser under the site's Content-Security-Policy: Redoc
(``/api/redoc/``) and Swagger UI (``/api/docs/``) render the API's operations from local files only,
with no CSP violation and no console error. Redoc's search runs in its Web Worker (``blob:``), the
one thing its page's policy adds (quanyu/api/docs.py)."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Redoc 2.5 hard-codes the Redocly logo from its CDN in the side menu's footer, with no option to
# leave it out. The CSP refuses it before any request leaves the browser (which is what it is for)
# and Redoc drops the image when it fails; that refusal, and nothing else, is expected.
REDOCLY_LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg"


def local_only(page, live_server) -> list[str]:
    """Record every request the page makes that is not to the live server (nor a blob:/data: URL)."""
    origin = urlsplit(live_server.url)
    foreign: list[str] = []

    def check(request) -> None:
        url = urlsplit(request.url)
        if url.scheme not in ("blob", "data") and (url.scheme, url.netloc) != (origin.scheme, origin.netloc):
            foreign.append(request.url)

    page.on("request", check)
    return foreign


def test_redoc_renders_the_operations_under_the_csp(watched, city, live_server):
    page = watched.open("district_admin")
    foreign = local_only(page, live_server)
    workers: list[str] = []
    page.on("worker", lambda worker: workers.append(worker.url))
    page.goto(f"{live_server.url}/api/redoc/")
    # The operations are rendered from the schema: the tickets endpoints, by their operation id.
    page.locator("[data-section-id='operation/tickets_list'] h2", has_text="tickets_list").wait_for(
        timeout=60_000
    )
    page.locator("[data-section-id='operation/tickets_create']").wait_for()
    # The search runs in Redoc's Web Worker: the worker starts and finds the tickets endpoints.
    page.fill("input[placeholder='Search...']", "tickets")
    page.locator("[data-role='search:results']", has_text="tickets_retrieve").wait_for()
    assert any(url.startswith("blob:") for url in workers), workers
    watched.settle(page)
    expected = {
        f"CSP violation: img-src {REDOCLY_LOGO} :0",
        f"console error: Loading the image '{REDOCLY_LOGO}' violates the following Content Security "
        f"Policy directive: \"img-src 'self' data: blob:\". The action has been blocked. "
        f"({live_server.url}/api/redoc/)",
    }
    assert [p for p in watched.problems if p not in expected] == []
    assert set(foreign) <= {REDOCLY_LOGO}, foreign


def test_swagger_ui_renders_the_operations_under_the_csp(watched, city, live_server):
    page = watched.open("district_admin")
    foreign = local_only(page, live_server)
    page.goto(f"{live_server.url}/api/docs/")
    # The tags start folded: filter to one, open it, open an operation (parameters, responses).
    page.locator("input.operation-filter-input").fill("tickets")
    page.locator("#operations-tag-tickets").click(timeout=60_000)
    operation = page.locator("#operations-tickets-tickets_list")
    operation.locator("button.opblock-summary-control").click()
    operation.locator(".parameters-container").wait_for()
    watched.settle(page)
    assert watched.problems == []
    assert foreign == []
