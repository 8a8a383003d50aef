"""The Redoc page (``/api/redoc/``) under the site's Content-Security-Policy.

drf-spectacular's own template links Google Fonts, which the CSP refuses and which no production
network reaches; ours (``api/redoc.html``) loads nothing but the sidecar's local bundle, started by
its ``<redoc spec-url>`` element (no inline script). Redoc runs its search index in a Web Worker
made from a ``blob:`` URL, so this page alone may start workers from ``blob:``; scripts stay
``'self'`` only. Redoc's bundle also shows the Redocly logo from its CDN (hard-coded, no option):
the CSP's img-src refuses it before any request leaves the browser, and Redoc drops the image.
"""

from __future__ import annotations

from csp.decorators import csp_update
from django.utils.decorators import method_decorator
from drf_spectacular.views import SpectacularRedocView

# What the page needs beyond the site's policy (checked in the browser: tests/e2e/test_api_docs.py).
REDOC_CSP_UPDATE = {"worker-src": ["'self'", "blob:"]}


@method_decorator(csp_update(REDOC_CSP_UPDATE), name="dispatch")
class RedocView(SpectacularRedocView):
    """SpectacularRedocView with a template that has no external resources; REDOC_UI_SETTINGS are
    not applied (drf-spectacular passes them through an inline script, which the CSP refuses)."""

    template_name = "api/redoc.html"
