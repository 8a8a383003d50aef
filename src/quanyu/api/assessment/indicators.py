"""The indicator-assessment API: indicator sets (list, create, detail, add/remove indicators,
publish), periods (compute, freeze, ranking), the records behind a figure, hand-scored entries
(submit with evidence, score, return), deductions and vetoes, and the leaders' cockpit. Thin:
parse, call a selector or a service, answer JSON. Choices are plain strings (listed in the help
text) so they share no enum name with other apps' fields."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from quanyu.areas.models import Area
from quanyu.assessment.indicators import cockpit, registry, selectors, services
from quanyu.assessment.indicators.registry import Figure
from quanyu.assessment.models import Indicator, IndicatorSet, ManualEntry, ScorePeriod
from quanyu.assessment.periods import Period, current_month, parse_period
from quanyu.core.replica import replica_reads
from quanyu.orgs.models import Unit

PERIOD = OpenApiParameter("period", str, description="YYYY-MM, YYYY-Qn or YYYY")
ANY = inline_serializer("AssessmentAny", fields={"detail": serializers.CharField(required=False)})


def _period(raw: Any, *, default: Period | None = None) -> Period:
    if raw in (None, "") and default is not None:
        return default
    return parse_period(raw)


def _num(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _figure(f: Figure) -> dict[str, Any]:
    return {"numerator": _num(f.numerator), "denominator": _num(f.denominator), "value": _num(f.value)}


def set_json(s: IndicatorSet, *, full: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": s.pk,
        "year": s.year,
        "level": s.level,
        "area": s.area_id,
        "area_name": s.area.name,
        "name": s.name,
        "status": s.status,
        "list_size": s.list_size,
        "published_at": s.published_at,
    }
    if full:
        out["indicators"] = [indicator_json(i) for i in selectors.indicators_of(s)]
        out["periods"] = [period_json(p) for p in selectors.periods_of(s)]
    return out


def indicator_json(i: Indicator) -> dict[str, Any]:
    return {
        "id": i.pk,
        "position": i.position,
        "name": i.name,
        "category": i.category,
        "weight": str(i.weight),
        "direction": i.direction,
        "rule": i.rule,
        "floor": _num(i.floor),
        "target": _num(i.target),
        "thresholds": i.thresholds,
        "source": i.source,
        "provider": i.provider,
    }


def period_json(p: ScorePeriod) -> dict[str, Any]:
    return {
        "id": p.pk,
        "period": p.period,
        "status": p.status,
        "computed_at": p.computed_at,
        "frozen_at": p.frozen_at,
        "note": p.note,
    }


def entry_json(e: ManualEntry) -> dict[str, Any]:
    return {
        "id": e.pk,
        "indicator": e.indicator_id,
        "period": e.period,
        "target_area": e.target_area_id,
        "target_unit": e.target_unit_id,
        "statement": e.statement,
        "has_evidence": bool(e.files.all()),
        "evidence": [
            {"id": f.pk, "name": f.name, "size": f.size, "uploaded_at": f.uploaded_at} for f in e.files.all()
        ],
        "status": e.status,
        "score": _num(e.score),
        "comment": e.comment,
        "submitted_at": e.submitted_at,
        "due_on": e.due_on,
        "scored_at": e.scored_at,
    }


class SetCreateInput(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    level = serializers.CharField(max_length=12, help_text="street | community | unit")
    area = serializers.IntegerField(min_value=1)
    name = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")
    list_size = serializers.CharField(
        max_length=4, required=False, default="3", help_text="the red and black lists' size, 1–20"
    )


class SetUpdateInput(serializers.Serializer):
    list_size = serializers.CharField(max_length=4, help_text="the red and black lists' size, 1–20")


class IndicatorInput(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    weight = serializers.CharField(max_length=20)
    source = serializers.CharField(max_length=10, help_text="computed | manual")  # type: ignore[assignment]
    provider = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    rule = serializers.CharField(
        max_length=12, required=False, default="linear", help_text="linear | thresholds | rank"
    )
    direction = serializers.CharField(
        max_length=8, required=False, default="higher", help_text="higher | lower"
    )
    floor = serializers.CharField(
        max_length=20, required=False, allow_blank=True, allow_null=True, default=None
    )
    target = serializers.CharField(
        max_length=20, required=False, allow_blank=True, allow_null=True, default=None
    )
    thresholds = serializers.JSONField(required=False, default=list)  # type: ignore[arg-type]
    category = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")


class PeriodInput(serializers.Serializer):
    period = serializers.CharField(max_length=10)
    note = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


class EntryInput(serializers.Serializer):
    indicator = serializers.IntegerField(min_value=1)
    period = serializers.CharField(max_length=10)
    target = serializers.IntegerField(min_value=1, help_text="the assessed area's or unit's id")
    statement = serializers.CharField(max_length=5000)
    evidence = serializers.ListField(
        child=serializers.FileField(), required=False, help_text="one or more files (repeat the field)"
    )


class DecisionInput(serializers.Serializer):
    score = serializers.CharField(max_length=20, required=False, default="")
    comment = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class DeductionInput(serializers.Serializer):
    period = serializers.CharField(max_length=10)
    target = serializers.IntegerField(min_value=1)
    points = serializers.CharField(max_length=20, required=False, default="0")
    veto = serializers.BooleanField(required=False, default=False)
    reason = serializers.CharField(max_length=500)


def _valid(serializer_class: type[serializers.Serializer], data: Any) -> dict[str, Any]:
    s = serializer_class(data=data)
    s.is_valid(raise_exception=True)
    return dict(s.validated_data)


def _target_objects(indicator_set: IndicatorSet, target_id: int) -> dict[str, Any]:
    target = selectors.target_of(indicator_set, target_id)
    if target.kind == "unit":
        return {"target_unit": Unit.objects.get(pk=target.pk)}
    return {"target_area": Area.objects.get(pk=target.pk)}


class IndicatorSetListView(APIView):
    """Indicator sets the caller may see (GET, ``?year=``); create a draft (POST)."""

    @extend_schema(
        operation_id="assessment_indicator_sets_list",
        parameters=[OpenApiParameter("year", int)],
        responses=ANY,
    )
    def get(self, request: Request) -> Response:
        raw = request.query_params.get("year", "")
        if raw and not (raw.isascii() and raw.isdigit() and 2000 <= int(raw) <= 2100):
            raise ValidationError({"year": _("年度须为 2000–2100 的数字")})
        sets = selectors.set_list_for(actor=request.user, year=int(raw) if raw else None)
        return Response({"results": [set_json(s) for s in sets]})

    @extend_schema(request=SetCreateInput, responses={201: ANY})
    def post(self, request: Request) -> Response:
        v = _valid(SetCreateInput, request.data)
        area = Area.objects.filter(pk=v["area"]).first()
        if area is None:
            raise ValidationError({"area": _("区域不存在")})
        s = services.indicator_set_create(
            actor=request.user,
            year=v["year"],
            level=v["level"],
            area=area,
            name=v["name"],
            list_size=v["list_size"],
        )
        return Response(set_json(s, full=True), status=status.HTTP_201_CREATED)


class IndicatorSetDetailView(APIView):
    @extend_schema(responses=ANY)
    def get(self, request: Request, pk: int) -> Response:
        return Response(set_json(selectors.set_get_for(actor=request.user, set_id=pk), full=True))

    @extend_schema(request=SetUpdateInput, responses=ANY)
    def patch(self, request: Request, pk: int) -> Response:
        """Change how many the bulletin's red and black lists name (a frozen period keeps its own)."""
        s = selectors.set_get_for(actor=request.user, set_id=pk)
        v = _valid(SetUpdateInput, request.data)
        return Response(
            set_json(
                services.indicator_set_lists(actor=request.user, indicator_set=s, list_size=v["list_size"])
            )
        )


class IndicatorAddView(APIView):
    @extend_schema(request=IndicatorInput, responses={201: ANY})
    def post(self, request: Request, pk: int) -> Response:
        s = selectors.set_get_for(actor=request.user, set_id=pk)
        v = _valid(IndicatorInput, request.data)
        indicator = services.indicator_add(actor=request.user, indicator_set=s, **v)
        return Response(indicator_json(indicator), status=status.HTTP_201_CREATED)


class IndicatorDetailView(APIView):
    @extend_schema(responses={204: None})
    def delete(self, request: Request, pk: int) -> Response:
        indicator = selectors.indicator_get_for(actor=request.user, indicator_id=pk)
        services.indicator_remove(actor=request.user, indicator=indicator)
        return Response(status=status.HTTP_204_NO_CONTENT)


class IndicatorSetPublishView(APIView):
    @extend_schema(request=None, responses=ANY)
    def post(self, request: Request, pk: int) -> Response:
        s = selectors.set_get_for(actor=request.user, set_id=pk)
        return Response(
            set_json(services.indicator_set_publish(actor=request.user, indicator_set=s), full=True)
        )


class PeriodComputeView(APIView):
    @extend_schema(request=PeriodInput, responses=ANY)
    def post(self, request: Request, pk: int) -> Response:
        s = selectors.set_get_for(actor=request.user, set_id=pk)
        v = _valid(PeriodInput, request.data)
        sp = services.period_compute(actor=request.user, indicator_set=s, period=parse_period(v["period"]))
        return Response(period_json(sp))


class PeriodFreezeView(APIView):
    @extend_schema(request=PeriodInput, responses=ANY)
    def post(self, request: Request, pk: int) -> Response:
        s = selectors.set_get_for(actor=request.user, set_id=pk)
        v = _valid(PeriodInput, request.data)
        sp = selectors.period_of(s, parse_period(v["period"]))
        if sp is None:
            raise ValidationError({"period": _("该期间尚未计算得分")})
        return Response(
            period_json(services.period_freeze(actor=request.user, score_period=sp, note=v["note"]))
        )


def ranking_json(r: selectors.SetRanking) -> dict[str, Any]:
    return {
        "set": r.indicator_set.pk,
        "period": r.score_period.period,
        "status": r.score_period.status,
        "frozen": r.frozen,
        "computed_at": r.score_period.computed_at,
        # The immediately preceding period; "change" is against it, null for all when it was
        # never computed (no comparison: an older period is not used instead).
        "previous_period": r.previous.period if r.previous else None,
        "preceding_period": r.previous_key,
        "compared": r.previous is not None,
        "indicators": [indicator_json(i) for i in r.indicators],
        "results": [
            {
                "rank": row.rank,
                "target": row.target_id,
                "target_kind": row.target_kind,
                "name": row.name,
                "total": str(row.total),
                "change": _num(row.change),
                "deducted": str(row.deducted),
                "vetoed": row.vetoed,
                "cells": [
                    {
                        "value": _num(c.value),
                        "score": str(c.score),
                        "numerator": _num(c.numerator),
                        "denominator": _num(c.denominator),
                    }
                    for c in row.cells
                ],
            }
            for row in r.rows
        ],
    }


class RankingView(APIView):
    """A computed period's ranking (404 when the period has not been computed)."""

    @extend_schema(parameters=[PERIOD], responses=ANY)
    def get(self, request: Request, pk: int) -> Response:
        s = selectors.set_get_for(actor=request.user, set_id=pk)
        ranking = selectors.ranking_for(
            actor=request.user, indicator_set=s, period=_period(request.query_params.get("period"))
        )
        if ranking is None:
            return Response({"detail": _("该期间尚未计算得分")}, status=status.HTTP_404_NOT_FOUND)
        return Response(ranking_json(ranking))


class IndicatorRowsView(APIView):
    """The records behind one indicator's figure for one target (scoped to the caller)."""

    @extend_schema(parameters=[PERIOD, OpenApiParameter("target", int, required=True)], responses=ANY)
    def get(self, request: Request, pk: int) -> Response:
        indicator = selectors.indicator_get_for(actor=request.user, indicator_id=pk)
        target_id = request.query_params.get("target", "")
        if not (target_id.isascii() and target_id.isdigit()):
            raise ValidationError({"target": _("请指定考核对象（target）")})
        period = _period(request.query_params.get("period"))
        target, rows = selectors.drilldown_for(
            actor=request.user, indicator=indicator, target_id=target_id, period=period
        )
        provider = registry.get(indicator.provider)
        describe = provider.describe if provider else None
        count = rows.count()
        items = []
        for obj in rows[:200]:
            text, _url, _args = describe(obj) if describe else (str(obj), "", [])
            items.append({"id": obj.pk, "text": text})
        return Response({"target": target.pk, "target_name": target.name, "count": count, "results": items})


class EntryListView(APIView):
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(parameters=[PERIOD], responses=ANY)
    def get(self, request: Request, pk: int) -> Response:
        s = selectors.set_get_for(actor=request.user, set_id=pk)
        entries = selectors.entry_list_for(
            actor=request.user, indicator_set=s, period=request.query_params.get("period", "")
        )
        return Response({"results": [entry_json(e) for e in entries[:500]]})

    @extend_schema(request=EntryInput, responses={201: ANY})
    def post(self, request: Request, pk: int) -> Response:
        s = selectors.set_get_for(actor=request.user, set_id=pk)
        v = _valid(EntryInput, request.data)
        indicator = get_object_or_404(Indicator, pk=v["indicator"], indicator_set=s)
        entry = services.entry_submit(
            actor=request.user,
            indicator=indicator,
            period=parse_period(v["period"]),
            statement=v["statement"],
            evidence=request.FILES.getlist("evidence"),
            **_target_objects(s, v["target"]),
        )
        return Response(entry_json(entry), status=status.HTTP_201_CREATED)


class EntryScoreView(APIView):
    @extend_schema(request=DecisionInput, responses=ANY)
    def post(self, request: Request, pk: int) -> Response:
        entry = selectors.entry_get_for(actor=request.user, entry_id=pk)
        v = _valid(DecisionInput, request.data)
        return Response(
            entry_json(
                services.entry_score(actor=request.user, entry=entry, score=v["score"], comment=v["comment"])
            )
        )


class EntryReturnView(APIView):
    @extend_schema(request=DecisionInput, responses=ANY)
    def post(self, request: Request, pk: int) -> Response:
        entry = selectors.entry_get_for(actor=request.user, entry_id=pk)
        v = _valid(DecisionInput, request.data)
        return Response(
            entry_json(services.entry_return(actor=request.user, entry=entry, comment=v["comment"]))
        )


class DeductionView(APIView):
    @extend_schema(request=DeductionInput, responses={201: ANY})
    def post(self, request: Request, pk: int) -> Response:
        s = selectors.set_get_for(actor=request.user, set_id=pk)
        v = _valid(DeductionInput, request.data)
        sp = selectors.period_of(s, parse_period(v["period"]))
        if sp is None:
            raise ValidationError({"period": _("该期间尚未计算得分")})
        d = services.deduction_record(
            actor=request.user,
            score_period=sp,
            points=v["points"],
            veto=v["veto"],
            reason=v["reason"],
            **_target_objects(s, v["target"]),
        )
        return Response({"id": d.pk, "points": str(d.points), "veto": d.veto}, status=status.HTTP_201_CREATED)


def cockpit_json(c: cockpit.Cockpit) -> dict[str, Any]:
    def place(p: cockpit.Place) -> dict[str, Any]:
        return {
            "area": p.area.pk,
            "name": p.area.name,
            "kind": p.area.kind,
            "figures": {k: _figure(f) for k, f in p.figures.items()},
        }

    return {
        "area": place(c.place),
        "period": c.period.key,
        "as_of": c.as_of,
        "data_as_of": c.data_as_of,
        "trail": [{"area": a.pk, "name": a.name} for a in c.trail],
        "children": [place(p) for p in c.children],
        "trend": c.trend,
        "overdue": [{"id": t.pk, "text": t.text[:60], "completion_due": t.completion_due} for t in c.overdue],
        # Tickets received per major category (pk 0: none given); they add up to "received".
        "categories": [{"category": x.pk, "name": x.name, "count": x.count} for x in c.categories],
        "figures": {k: str(v[0]) for k, v in cockpit.FIGURES.items()},
    }


class CockpitView(APIView):
    """The leaders' cockpit for an area in the caller's scope (default: the caller's widest)."""

    @extend_schema(parameters=[PERIOD, OpenApiParameter("area", int)], responses=ANY)
    def get(self, request: Request) -> Response:
        with replica_reads():
            return self._get(request)

    def _get(self, request: Request) -> Response:
        from quanyu.analytics.board import hotspots_in

        area = cockpit.area_for(actor=request.user, area_id=request.query_params.get("area"))
        period = _period(request.query_params.get("period"), default=current_month())
        answer = cockpit_json(cockpit.cockpit_for(actor=request.user, area=area, period=period))
        answer["hotspots"] = [
            {
                "id": a.pk,
                "title": a.title,
                "area": a.area_id,
                "raised_at": a.raised_at,
                "tickets": len(a.ticket_ids),
            }
            for a in hotspots_in(actor=request.user, area=area)
        ]
        return Response(answer)


class CockpitRecordsView(APIView):
    """The records behind a provider's cockpit figure (``figure=reported``: the area's in-service
    members, each with whether their 双报到 is confirmed for the period's year), scoped to the
    caller; the first 200, with the count."""

    @extend_schema(
        parameters=[PERIOD, OpenApiParameter("area", int), OpenApiParameter("figure", str)], responses=ANY
    )
    def get(self, request: Request) -> Response:
        with replica_reads():
            area = cockpit.area_for(actor=request.user, area_id=request.query_params.get("area"))
            period = _period(request.query_params.get("period"), default=current_month())
            figure = request.query_params.get("figure", "reported")
            rows = cockpit.cockpit_records_for(actor=request.user, area=area, period=period, figure=figure)
            provider = registry.get(cockpit.FIGURES[figure][1] or "")
            describe = provider.describe if provider else None
            items = []
            for obj in rows[:200]:
                text, _url, _args = describe(obj) if describe else (str(obj), "", [])
                items.append({"id": obj.pk, "text": text, "reported": obj.reported})
            return Response(
                {
                    "area": area.pk,
                    "period": period.key,
                    "figure": figure,
                    "count": rows.count(),
                    "results": items,
                }
            )


class BulletinView(APIView):
    """The bulletin of a computed period (a draft until it is frozen): totals and change, shares
    by grade, who is below each floor, the red and black lists, reminder talks, hot topics."""

    @extend_schema(parameters=[PERIOD], responses=ANY)
    def get(self, request: Request, pk: int) -> Response:
        from quanyu.assessment.indicators.bulletin import bulletin_of

        s = selectors.set_get_for(actor=request.user, set_id=pk)
        ranking = selectors.ranking_for(
            actor=request.user, indicator_set=s, period=_period(request.query_params.get("period"))
        )
        if ranking is None:
            return Response({"detail": _("该期间尚未计算得分")}, status=status.HTTP_404_NOT_FOUND)
        b = bulletin_of(ranking)
        return Response(
            {
                "title": b.title,
                "frozen": b.frozen,
                "list_size": b.list_size,
                "count": b.count,
                "average": _num(b.average),
                "average_change": _num(b.average_change),
                "grades": [{**g, "share": str(g["share"])} for g in b.grades],
                "below_floor": [{**x, "floor": str(x["floor"])} for x in b.below_floor],
                "red": [{"name": r.name, "total": str(r.total)} for r in b.red],
                "black": [{"name": r.name, "total": str(r.total)} for r in b.black],
                "talks": b.talks,
                "hot_topics": b.hot_topics,
                "duty": b.duty,  # 书记述职评议: each report's grades
                "ranking": ranking_json(ranking),
            }
        )
