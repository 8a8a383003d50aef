"""What the co-governance endpoints share: picking a referenced row, the event serialiser."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from rest_framework import exceptions, serializers

from quanyu.areas.models import Area, AreaKind
from quanyu.core.scoping import scope


def pick(queryset: QuerySet[Any], pk: Any, field: str) -> Any:
    """Row ``pk`` of ``queryset``; missing or out of scope answers 400 naming ``field``."""
    try:
        found = queryset.filter(pk=pk).first()
    except (TypeError, ValueError):
        found = None
    if found is None:
        raise exceptions.ValidationError({field: [_("不存在或不在您的管辖范围内")]})
    return found


def pick_area(actor: Any, pk: Any, field: str = "area") -> Area:
    places = Area.objects.filter(kind__in=[AreaKind.STREET, AreaKind.COMMUNITY])
    return pick(scope(places, actor=actor), pk, field)


class CogovEventSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    kind = serializers.CharField()
    actor_name = serializers.CharField()
    payload = serializers.JSONField()


class CogovNoteSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class CogovReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500)
