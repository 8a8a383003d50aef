"""Printable documents as PDF: an HTML page rendered by WeasyPrint with the system's Noto CJK fonts
(Debian ``fonts-noto-cjk``). Stylesheets and images under ``STATIC_URL`` are read from the static
files on disk, never over the network; any other address is refused, so a document cannot make
the server fetch a URL."""

from __future__ import annotations

import mimetypes
from functools import cache
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders

PDF = "application/pdf"


def static_file(url: str) -> tuple[bytes, str]:
    """(content, media type) of the static file ``url`` names; ``ValueError`` for anything else."""
    prefix = settings.STATIC_URL or "/static/"
    path = urlsplit(url).path
    if path.startswith(prefix):
        found = finders.find(path[len(prefix) :])
        if found:
            with open(found if isinstance(found, str) else found[0], "rb") as fh:
                return fh.read(), mimetypes.guess_type(path)[0] or "application/octet-stream"
    raise ValueError(f"not a static file: {url}")


@cache
def _fetcher_class() -> Any:
    from weasyprint.urls import URLFetcher, URLFetcherResponse  # (pango: on the first document)

    class StaticOnly(URLFetcher):  # type: ignore[misc]
        def fetch(self, url: str, headers: Any = None) -> Any:
            body, media_type = static_file(url)
            return URLFetcherResponse(url, body, {"Content-Type": media_type})

    return StaticOnly


def html_to_pdf(html: str) -> bytes:
    """The PDF of ``html`` (A4 unless its CSS says otherwise)."""
    from weasyprint import HTML

    document = HTML(string=html, base_url="http://quanyu.local/", url_fetcher=_fetcher_class()())
    return bytes(document.write_pdf())
