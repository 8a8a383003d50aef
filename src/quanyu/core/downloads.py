"""File downloads from pages and the API: one way to answer a spreadsheet or a document.

Every download is an attachment that no cache keeps (``Cache-Control: no-store``: exports carry
names and masked or unmasked personal data, and a shared proxy or the browser's cache must not
hold them), named in the header as RFC 6266 says, so a Chinese file name survives."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import IO, Any

from django.http import HttpResponse
from django.utils.cache import add_never_cache_headers
from django.utils.http import content_disposition_header

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = "application/pdf"


def attachment(body: bytes, filename: str, *, content_type: str = XLSX) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    add_never_cache_headers(response)
    return response


def xlsx_attachment(write: Callable[[IO[bytes]], Any], filename: str) -> HttpResponse:
    """The workbook ``write(target)`` writes, as an attachment."""
    buffer = io.BytesIO()
    write(buffer)
    return attachment(buffer.getvalue(), filename)
