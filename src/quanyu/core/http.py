"""What the API (its views and the intake lane) and the pages both need about HTTP: the JSON
answers' CSP, the language check, and reading a JSON body with a depth limit (``api`` and ``web``
never import each other, so it lives here)."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
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


class JSONTooDeep(ValueError):
    """A JSON text nested deeper than allowed (``QUANYU_JSON_MAX_DEPTH``): refused before anything
    walks it, so that no reader meets a ``RecursionError``."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"JSON nested deeper than {limit}")
        self.limit = limit


def json_depth_within(value: Any, limit: int) -> bool:
    """Whether ``value`` (as ``json.loads`` gives it) nests at most ``limit`` arrays/objects deep
    (a scalar is depth 0, ``[]`` and ``{}`` depth 1). Walked without recursion."""
    pending: list[tuple[Any, int]] = [(value, 0)]
    while pending:
        item, depth = pending.pop()
        if type(item) is dict:
            children: Any = item.values()
        elif type(item) is list:
            children = item
        else:
            continue
        depth += 1
        if depth > limit:
            return False
        pending.extend((child, depth) for child in children if type(child) in (dict, list))
    return True


def json_loads(text: str | bytes, *, max_depth: int, **kwargs: Any) -> Any:
    """``json.loads(text, **kwargs)``, but JSON nested deeper than ``max_depth`` raises
    ``JSONTooDeep`` (a ``ValueError``, as malformed JSON does) instead of a ``RecursionError`` or
    a value that recursive code would choke on."""
    try:
        value = json.loads(text, **kwargs)
    except RecursionError:
        raise JSONTooDeep(max_depth) from None
    if type(value) in (dict, list) and not json_depth_within(value, max_depth):
        raise JSONTooDeep(max_depth)
    return value


def json_max_depth() -> int:
    """``QUANYU_JSON_MAX_DEPTH``: how deep a request's JSON may nest (arrays and objects)."""
    return int(getattr(settings, "QUANYU_JSON_MAX_DEPTH", 64))
