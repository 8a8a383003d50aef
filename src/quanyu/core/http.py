"""What the API's intake lane and the web middleware both need about HTTP answers and languages
(``api`` and ``web`` never import each other, so it lives here)."""

from __future__ import annotations

from django.utils import translation

# What a JSON answer may do in a browser: nothing (it is data, never a page to render or frame).
API_CSP = "default-src 'none'; frame-ancestors 'none'"


def supported(code: str | None) -> str | None:
    """``code`` as one of settings.LANGUAGES (``en-us`` → ``en``), or None when unsupported."""
    if not code:
        return None
    try:
        return translation.get_supported_language_variant(code)
    except LookupError:
        return None
