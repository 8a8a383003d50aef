"""Co-building contracts (契约化共建): list, draft, each step of the year cycle, the feedback letter."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from quanyu.api.cogov.common import CogovEventSerializer, pick, pick_area
from quanyu.cogov import selectors, services
from quanyu.cogov.models import Contract, ContractProject, ResourceKind
from quanyu.cogov.states import ContractStatus
from quanyu.core.params import require_year
from quanyu.orgs.models import Unit


class CogovProjectSerializer(serializers.ModelSerializer):
    class Meta:
        model = ContractProject
        fields = ["id", "name", "owner", "owner_unit", "starts", "ends", "progress", "carried_over"]
        read_only_fields = ["progress", "carried_over"]


class CogovOfferSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ResourceKind.choices)
    text = serializers.CharField(max_length=300)


class CogovContractSerializer(serializers.ModelSerializer):
    area_name = serializers.CharField(source="area.name", read_only=True)
    unit_names = serializers.SerializerMethodField()
    projects = CogovProjectSerializer(many=True, read_only=True)

    class Meta:
        model = Contract
        fields = [
            "id",
            "area",
            "area_name",
            "units",
            "unit_names",
            "year",
            "title",
            "offers",
            "needs",
            "status",
            "unit_signed_at",
            "area_signed_at",
            "scores",
            "score_total",
            "unit_report",
            "feedback",
            "commended",
            "renewed_from",
            "projects",
        ]
        read_only_fields = fields

    def get_unit_names(self, obj: Contract) -> list[str]:
        return [u.name for u in obj.units.all()]


class CogovProjectInSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=150)
    owner = serializers.CharField(max_length=50)
    owner_unit = serializers.IntegerField(required=False, allow_null=True)
    starts = serializers.DateField()
    ends = serializers.DateField()


class CogovContractCreateSerializer(serializers.Serializer):
    area = serializers.IntegerField()
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    title = serializers.CharField(max_length=150)
    units = serializers.ListField(child=serializers.IntegerField(), min_length=1, max_length=50)
    offers = CogovOfferSerializer(many=True, required=False)
    needs = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    projects = CogovProjectInSerializer(many=True, required=False)


class CogovSignSerializer(serializers.Serializer):
    side = serializers.ChoiceField(choices=[("unit", "unit"), ("area", "area")])


class CogovSuperviseSerializer(serializers.Serializer):
    progress = serializers.DictField(child=serializers.IntegerField(min_value=0, max_value=100))
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class CogovReportSerializer(serializers.Serializer):
    report = serializers.CharField(max_length=5000)


class CogovEvaluateSerializer(serializers.Serializer):
    scores = serializers.DictField(child=serializers.DecimalField(max_digits=5, decimal_places=1))
    feedback = serializers.CharField(max_length=5000)


class CogovRenewSerializer(serializers.Serializer):
    carry = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)


class CogovEndSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=[
            (ContractStatus.CANCELLED.value, "cancelled"),
            (ContractStatus.TERMINATED.value, "terminated"),
        ]
    )
    reason = serializers.CharField(max_length=500)


def _valid(serializer_class: type[serializers.Serializer], request: Request) -> dict[str, Any]:
    data = serializer_class(data=request.data)
    data.is_valid(raise_exception=True)
    return dict(data.validated_data)


def _project(v: dict[str, Any]) -> dict[str, Any]:
    unit = v.get("owner_unit")
    return {**v, "owner_unit": pick(Unit.objects.all(), unit, "owner_unit") if unit else None}


class ContractViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = CogovContractSerializer
    filter_backends: list[Any] = []

    def get_queryset(self) -> QuerySet[Contract]:
        q = self.request.query_params
        status = q.get("status") or None
        if status and status not in ContractStatus.values:
            raise serializers.ValidationError({"status": ["状态无效"]})
        return selectors.contract_list_for(
            actor=self.request.user, status=status, year=require_year(q.get("year"), field="year")
        ).prefetch_related("projects")

    def get_object(self) -> Contract:
        return selectors.contract_get_for(actor=self.request.user, contract_id=self.kwargs["pk"])

    def _out(self, contract: Contract, status: int = 200) -> Response:
        fresh = selectors.contract_get_for(actor=self.request.user, contract_id=contract.pk)
        return Response(CogovContractSerializer(fresh).data, status=status)

    @extend_schema(request=CogovContractCreateSerializer, responses=CogovContractSerializer)
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        v = _valid(CogovContractCreateSerializer, request)
        units = [pick(Unit.objects.all(), pk, "units") for pk in v["units"]]
        contract = services.contract_create(
            actor=request.user,
            area=pick_area(request.user, v["area"]),
            year=v["year"],
            title=v["title"],
            units=units,
            offers=[dict(o) for o in v.get("offers", [])],
            needs=v["needs"],
            projects=[_project(dict(p)) for p in v.get("projects", [])],
        )
        return self._out(contract, 201)

    @extend_schema(request=CogovProjectInSerializer, responses=CogovContractSerializer)
    @action(detail=True, methods=["post"], url_path="add-project")
    def add_project(self, request: Request, pk: str) -> Response:
        v = _project(_valid(CogovProjectInSerializer, request))
        contract = self.get_object()
        services.contract_add_project(actor=request.user, contract=contract, **v)
        return self._out(contract, 201)

    @extend_schema(request=CogovSignSerializer, responses=CogovContractSerializer)
    @action(detail=True, methods=["post"])
    def sign(self, request: Request, pk: str) -> Response:
        v = _valid(CogovSignSerializer, request)
        return self._out(
            services.contract_sign(actor=request.user, contract=self.get_object(), side=v["side"])
        )

    @extend_schema(request=CogovSuperviseSerializer, responses=CogovContractSerializer)
    @action(detail=True, methods=["post"])
    def supervise(self, request: Request, pk: str) -> Response:
        v = _valid(CogovSuperviseSerializer, request)
        try:
            progress = {int(k): val for k, val in v["progress"].items()}
        except ValueError:
            raise serializers.ValidationError({"progress": ["项目编号无效"]}) from None
        contract = services.contract_supervise(
            actor=request.user, contract=self.get_object(), progress=progress, note=v["note"]
        )
        return self._out(contract)

    @extend_schema(request=CogovReportSerializer, responses=CogovContractSerializer)
    @action(detail=True, methods=["post"], url_path="unit-report")
    def unit_report(self, request: Request, pk: str) -> Response:
        v = _valid(CogovReportSerializer, request)
        contract = services.contract_unit_report(
            actor=request.user, contract=self.get_object(), report=v["report"]
        )
        return self._out(contract)

    @extend_schema(request=CogovEvaluateSerializer, responses=CogovContractSerializer)
    @action(detail=True, methods=["post"])
    def evaluate(self, request: Request, pk: str) -> Response:
        v = _valid(CogovEvaluateSerializer, request)
        contract = services.contract_evaluate(
            actor=request.user, contract=self.get_object(), scores=v["scores"], feedback=v["feedback"]
        )
        return self._out(contract)

    @extend_schema(request=CogovRenewSerializer, responses=CogovContractSerializer)
    @action(detail=True, methods=["post"])
    def renew(self, request: Request, pk: str) -> Response:
        v = _valid(CogovRenewSerializer, request)
        renewal = services.contract_renew(actor=request.user, contract=self.get_object(), carry=v["carry"])
        return self._out(renewal, 201)

    @extend_schema(request=CogovEndSerializer, responses=CogovContractSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request: Request, pk: str) -> Response:
        v = _valid(CogovEndSerializer, request)
        contract = services.contract_end(
            actor=request.user, contract=self.get_object(), status=v["status"], reason=v["reason"]
        )
        return self._out(contract)

    @extend_schema(responses=CogovEventSerializer(many=True))
    @action(detail=True, methods=["get"])
    def events(self, request: Request, pk: str) -> Response:
        rows = selectors.contract_timeline(contract=self.get_object())
        return Response(CogovEventSerializer(rows, many=True).data)
