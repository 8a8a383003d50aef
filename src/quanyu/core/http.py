"""What the API (its views and the intake lane) and the pages both need about HTTP: the JSON
answers' CSP, the language check, and reading a JSON body with a depth limit (``api`` and ``web``
never import each other, so it lives here)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponseBase, JsonResponse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views import defaults

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


class JSONTooDeep(ValueError):
    """A JSON text nested deeper than allowed (``QUANYU_JSON_MAX_DEPTH``): refused before anything
    walks it, so that no reader meets a ``RecursionError``."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"JSON nested deeper than {limit}")
        self.limit = limit


def json_depth_within(value: Any, limit: int) -> bool:
    """Whether ``value`` (as ``json.loads`` gives it) nests at most ``limit`` arrays/objects deep
    (a scalar is depth 0, ``[]`` and ``{}`` depth 1). Walked a level at a time, without
    recursion."""
    level = [value] if type(value) in (dict, list) else []
    depth = 0
    while level:
        depth += 1
        if depth > limit:
            return False
        level = [
            child
            for item in level
            for child in (item.values() if type(item) is dict else item)
            if type(child) is dict or type(child) is list
        ]
    return True


def json_loads(text: str | bytes, *, max_depth: int, **kwargs: Any) -> Any:
    """``json.loads(text, **kwargs)``, but JSON nested deeper than ``max_depth`` raises
    ``JSONTooDeep`` (a ``ValueError``, as malformed JSON does) instead of a ``RecursionError`` or
    a value that recursive code would choke on."""
    try:
        value = json.loads(text, **kwargs)
    except RecursionError:
        raise JSONTooDeep(max_depth) from None
    # A text with no more brackets than the limit cannot nest deeper: most bodies skip the walk.
    if isinstance(text, bytes):
        brackets = text.count(b"[") + text.count(b"{")
    else:
        brackets = text.count("[") + text.count("{")
    if brackets > max_depth and type(value) in (dict, list) and not json_depth_within(value, max_depth):
        raise JSONTooDeep(max_depth)
    return value


def json_max_depth() -> int:
    """``QUANYU_JSON_MAX_DEPTH``: how deep a request's JSON may nest (arrays and objects)."""
    return int(getattr(settings, "QUANYU_JSON_MAX_DEPTH", 64))


# Paths whose answers are JSON (the REST API and Open311), errors included.
API_PREFIXES = ("/api/", "/open311/")


def is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIXES)


def json_error(status: int, detail: str, *, field: str = "detail") -> JsonResponse:
    """An API error as DRF writes one: ``{"detail": …}``, or ``{field: [...]}`` naming a field."""
    body = {"detail": detail} if field == "detail" else {field: [detail]}
    response = JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})
    response["Content-Security-Policy"] = API_CSP
    return response


class NulBytesRefused:
    """A NUL character in a query string is a 400 before any view runs: PostgreSQL refuses it in
    a text value (``DataError``), so a search or filter carrying one would otherwise be a 500.
    (Bodies are checked by the forms and serializers: Django's and DRF's ``CharField`` refuse NUL.)"""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        query = request.META.get("QUERY_STRING", "")
        name = _with_nul(request) if query and ("%00" in query or "\x00" in query) else None
        if name is not None:
            message = _("请求参数不能包含空字符（NUL）")
            if is_api(request):  # named like every bad parameter
                return json_error(400, message, field=name.replace("\x00", "") or "detail")
            return defaults.bad_request(request, BadRequest(message))
        return self.get_response(request)


def _with_nul(request: HttpRequest) -> str | None:
    """The first query parameter whose name or a value holds a NUL, or None."""
    for key, values in request.GET.lists():
        if "\x00" in key or any("\x00" in v for v in values):
            return key
    return None


# Error views (``handler400`` … in ``quanyu.urls``): JSON under the API's paths, Django's pages
# elsewhere. DRF answers its own errors in JSON; these catch what happens outside a DRF view or
# escapes it (an unknown URL, an unexpected exception).


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponseBase:
    if is_api(request):
        return json_error(400, _("请求无效"))
    return defaults.bad_request(request, exception)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponseBase:
    if is_api(request):
        return json_error(403, str(exception) or _("您无权执行此操作"))
    return defaults.permission_denied(request, exception)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponseBase:
    if is_api(request):
        return json_error(404, _("未找到"))
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponseBase:
    if is_api(request):
        return json_error(500, _("服务器内部错误"))
    return defaults.server_error(request)
