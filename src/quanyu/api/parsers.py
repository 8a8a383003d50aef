"""The API's JSON parser (``REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"]``): DRF's, but a body nested
deeper than ``QUANYU_JSON_MAX_DEPTH`` is a 400 with a Chinese message, never a ``RecursionError``
(an HTML 500) in the parser or in whatever walks the data after it."""

from __future__ import annotations

import codecs
from typing import Any

from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError
from rest_framework.utils import json

from quanyu.core.http import JSONTooDeep, json_loads, json_max_depth


def too_deep(limit: int) -> ParseError:
    return ParseError(_("JSON 嵌套层数过多：最多 %(limit)d 层") % {"limit": limit})


class JSONParser(parsers.JSONParser):
    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        encoding = parsers.get_encoding(parser_context or {})  # type: ignore[attr-defined]
        parse_constant = json.strict_constant if self.strict else None
        limit = json_max_depth()
        try:
            text = codecs.getreader(encoding)(stream).read()
            return json_loads(text, max_depth=limit, parse_constant=parse_constant)
        except JSONTooDeep:
            raise too_deep(limit) from None
        except ValueError as exc:
            raise ParseError(f"JSON parse error - {exc}") from None
