"""What the people endpoints share: query parameters, picking a referenced row in scope, a note."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from rest_framework import exceptions, serializers
from rest_framework.request import Request

from quanyu.core.params import require_int, require_year


def int_param(request: Request, name: str) -> int | None:
    """A positive id-like integer; a bad or out-of-range value answers 400 naming ``name``."""
    return require_int(request.query_params.get(name), field=name)


def year_param(request: Request, name: str = "year") -> int | None:
    """A year in 2000–2100; anything else given answers 400 naming ``name``."""
    return require_year(request.query_params.get(name), field=name)


def pick(queryset: QuerySet[Any], pk: Any, field: str) -> Any:
    """The row ``pk`` of ``queryset`` (the caller's scope); missing or out of scope answers 400
    naming ``field``."""
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise exceptions.ValidationError({field: [_("不存在或不在您的管辖范围内")]})
    return found


class PeopleNoteSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
