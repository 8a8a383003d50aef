"""JSON and XML bodies in the shapes of the GeoReport v2 examples.

A response is a list of flat records (dicts) under a root element: ``<services><service>…``,
``<service_requests><request>…``, ``<errors><error>…``. Nested lists (a service definition's
``attributes`` and each attribute's ``values``) become wrapper elements with one child per item
(``<attributes><attribute>…``, ``<values><value>…``). Booleans are ``true``/``false``, None an empty
element; JSON keeps the native types.
"""

from __future__ import annotations

import json
from typing import Any
from xml.etree import ElementTree as ET

from django.http import HttpResponse

SINGULAR = {"attributes": "attribute", "values": "value"}
JSON_TYPE = "application/json; charset=utf-8"
XML_TYPE = "text/xml; charset=utf-8"


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _fill(parent: ET.Element, record: dict[str, Any]) -> None:
    for key, value in record.items():
        child = ET.SubElement(parent, key)
        if isinstance(value, list):
            for item in value:
                _fill(ET.SubElement(child, SINGULAR.get(key, "item")), item)
        elif isinstance(value, dict):
            _fill(child, value)
        else:
            text = _text(value)
            if text is not None:
                child.text = text


def xml_bytes(root: str, item: str | None, payload: list[dict[str, Any]] | dict[str, Any]) -> bytes:
    element = ET.Element(root)
    if isinstance(payload, dict):
        _fill(element, payload)
    else:
        for record in payload:
            _fill(ET.SubElement(element, item or "item"), record)
    body = ET.tostring(element, encoding="unicode")
    return ('<?xml version="1.0" encoding="utf-8"?>\n' + body).encode("utf-8")


def respond(
    fmt: str,
    root: str,
    item: str | None,
    payload: list[dict[str, Any]] | dict[str, Any],
    *,
    status: int = 200,
) -> HttpResponse:
    if fmt == "json":
        body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        return HttpResponse(body, content_type=JSON_TYPE, status=status)
    return HttpResponse(xml_bytes(root, item, payload), content_type=XML_TYPE, status=status)


def errors(fmt: str, status: int, descriptions: list[str]) -> HttpResponse:
    return respond(
        fmt, "errors", "error", [{"code": status, "description": d} for d in descriptions], status=status
    )
