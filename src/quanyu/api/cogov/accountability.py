"""A decided deliberation's accountability items (落实事项) in the API: list and add under the
deliberation, report progress or cancel one item. Found through the deliberation's scoped
selector (out of scope is 404); each step is one ``cogov.services.accountability`` call."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from quanyu.api.cogov.deliberation import _valid
from quanyu.cogov import selectors
from quanyu.cogov.models import Deliberation, Result
from quanyu.cogov.services import accountability
from quanyu.core.params import parse_int
from quanyu.orgs.models import Unit


class CogovResultSerializer(serializers.ModelSerializer):
    class Meta:
        model = Result
        fields = [
            "id",
            "parent",
            "title",
            "owner",
            "owner_unit",
            "due",
            "weight",
            "progress",
            "status",
            "done_on",
        ]
        read_only_fields = fields


class CogovResultAddSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    owner = serializers.CharField(max_length=150)
    due = serializers.DateField()
    weight = serializers.IntegerField(min_value=1, max_value=100, default=1)
    owner_unit = serializers.IntegerField(required=False, allow_null=True, default=None)
    parent_id = serializers.IntegerField(required=False, allow_null=True, default=None)


class CogovResultProgressSerializer(serializers.Serializer):
    progress = serializers.IntegerField(min_value=0, max_value=100)
    note = serializers.CharField(max_length=2000)


class CogovResultCancelSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500)


def _deliberation(request: Request, pk: Any) -> Deliberation:
    return selectors.deliberation_get_for(actor=request.user, deliberation_id=pk)


def _result(d: Deliberation, result_id: Any, field: str) -> Result:
    found = Result.objects.filter(deliberation=d, pk=parse_int(str(result_id)) or 0).first()
    if found is None:
        raise serializers.ValidationError({field: [_("该落实事项不存在")]})
    return found


class DeliberationResultsView(APIView):
    """GET: the items of the decision, each followed by its sub-results; POST: add one."""

    @extend_schema(responses=CogovResultSerializer(many=True))
    def get(self, request: Request, pk: int) -> Response:
        rows = selectors.deliberation_results(deliberation=_deliberation(request, pk))
        return Response(CogovResultSerializer(rows, many=True).data)

    @extend_schema(request=CogovResultAddSerializer, responses=CogovResultSerializer)
    def post(self, request: Request, pk: int) -> Response:
        d = _deliberation(request, pk)
        v = _valid(CogovResultAddSerializer, request)
        unit = None
        if v["owner_unit"] is not None:
            unit = Unit.objects.filter(pk=v["owner_unit"]).first()
            if unit is None:
                raise serializers.ValidationError({"owner_unit": [_("该单位不存在")]})
        parent = _result(d, v["parent_id"], "parent_id") if v["parent_id"] is not None else None
        made = accountability.result_add(
            actor=request.user,
            deliberation=d,
            title=v["title"],
            owner=v["owner"],
            due=v["due"],
            owner_unit=unit,
            weight=v["weight"],
            parent=parent,
        )
        return Response(CogovResultSerializer(made).data, status=201)


def _item(request: Request, pk: int, result_id: int) -> Result:
    found = Result.objects.filter(deliberation=_deliberation(request, pk), pk=result_id).first()
    if found is None:
        raise Http404
    return found


class ResultProgressView(APIView):
    """POST …/results/<id>/progress/: progress on an item without sub-results (100 is done)."""

    @extend_schema(request=CogovResultProgressSerializer, responses=CogovResultSerializer)
    def post(self, request: Request, pk: int, result_id: int) -> Response:
        result = _item(request, pk, result_id)
        v = _valid(CogovResultProgressSerializer, request)
        done = accountability.result_progress(
            actor=request.user, result=result, progress=v["progress"], note=v["note"]
        )
        return Response(CogovResultSerializer(done).data)


class ResultCancelView(APIView):
    """POST …/results/<id>/cancel/: the item will not be done, with the reason."""

    @extend_schema(request=CogovResultCancelSerializer, responses=CogovResultSerializer)
    def post(self, request: Request, pk: int, result_id: int) -> Response:
        result = _item(request, pk, result_id)
        v = _valid(CogovResultCancelSerializer, request)
        done = accountability.result_cancel(actor=request.user, result=result, reason=v["reason"])
        return Response(CogovResultSerializer(done).data)
