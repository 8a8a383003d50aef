"""What the co-governance pages share: running a step and answering its error."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from quanyu.core.workflow.http import http_status_for

PER_PAGE = 30


def int_or_none(value: Any) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**31 else None


def error_text(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        if hasattr(exc, "error_dict"):
            return "；".join(f"{msg}" for msgs in exc.message_dict.values() for msg in msgs)
        return "；".join(exc.messages)
    return str(exc) or _("您没有执行此操作的权限")


def run_step(
    request: HttpRequest,
    step: Callable[[], Any],
    *,
    done: str,
    success_url: str,
    again: Callable[[str, int], HttpResponse],
) -> HttpResponse:
    """Run ``step``; on success a message and a redirect, else the page again with the error and the
    status the error map gives (400, 403, 409)."""
    try:
        step()
    except (ValidationError, PermissionDenied) as exc:
        return again(error_text(exc), http_status_for(exc) or 400)
    messages.success(request, done)
    return redirect(success_url)
