"""The wishes API: thin adapters (parse, find through the selectors, one service call, serialise).

- ``/api/wishes/``: staff's wishes of their subtree and everyone's own; create (a resident's wish, or
  staff's on behalf of a resident of the register); steps ``approve``, ``reject``, ``cancel``,
  ``confirm``, ``dispute``, ``resolve``, ``thank``.
- ``/api/wish-wall/``: the public wall (no log-in), filters ``community``, ``street``, ``kind``,
  ``state``, ``q``; ``claim`` (logged in).
- ``/api/wish-claims/``: the claims the caller holds; ``progress``, ``release``, ``fulfil``,
  ``reassign`` (staff).
- ``/api/wish-record/``: the caller's wishes fulfilled in a year beside the 双报到 reports.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from quanyu.api.parsers import JSONParser
from quanyu.api.people.common import int_param, pick, year_param
from quanyu.api.wishes import serializers as s
from quanyu.areas.models import Area, AreaKind
from quanyu.core.downloads import XLSX, xlsx_attachment
from quanyu.core.permissions import grants_for, has_role
from quanyu.core.scoping import scope
from quanyu.orgs.models import Unit
from quanyu.people import selectors as people_selectors
from quanyu.people.models import Resident
from quanyu.volunteering.models import Team
from quanyu.volunteering.selectors import team_list_for
from quanyu.wishes import access, exports, figures, selectors, services
from quanyu.wishes.models import Wish, WishClaim, WishKind
from quanyu.wishes.states import WishStatus

PARSERS = [JSONParser, FormParser, MultiPartParser]


def _valid(serializer_class: Any, request: Request) -> dict[str, Any]:
    data = serializer_class(data=request.data)
    data.is_valid(raise_exception=True)
    return dict(data.validated_data)


def _choice(request: Request, name: str, allowed: list[str]) -> str:
    value = request.query_params.get(name, "")
    if value and value not in allowed:
        raise ValidationError({name: [_("不是可选的值：%(value)s") % {"value": value[:50]}]})
    return value


class WishViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = s.WishSerializer
    filter_backends: list[Any] = []
    parser_classes = PARSERS

    def get_queryset(self) -> QuerySet[Wish]:
        filters = selectors.WishFilters(
            status=_choice(self.request, "status", WishStatus.values),
            community=int_param(self.request, "community"),
            q=self.request.query_params.get("q", ""),
        )
        return selectors.wish_list_for(actor=self.request.user, filters=filters)

    def get_object(self) -> Wish:
        return selectors.wish_get_for(actor=self.request.user, wish_id=self.kwargs["pk"])

    def _answer(self, wish: Wish, status: int = 200) -> Response:
        context = {"request": self.request, "detail": True}
        return Response(s.WishSerializer(wish, context=context).data, status=status)

    @extend_schema(
        parameters=[
            OpenApiParameter("status", str, enum=WishStatus.values),
            OpenApiParameter("community", int),
            OpenApiParameter("q", str),
        ]
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._answer(self.get_object())

    @extend_schema(
        parameters=[
            OpenApiParameter("status", str, enum=WishStatus.values),
            OpenApiParameter("community", int),
        ],
        responses={(200, XLSX): bytes},
    )
    @action(detail=False, methods=["get"])
    def export(self, request: Request) -> HttpResponse:
        """The list as xlsx (the wisher's name masked; one audit entry)."""
        wishes = self.get_queryset()
        return xlsx_attachment(
            lambda t: exports.wishes_export(actor=request.user, wishes=wishes, target=t), "wishes.xlsx"
        )

    @extend_schema(request=s.WishCreateSerializer, responses={201: s.WishSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        v = _valid(s.WishCreateSerializer, request)
        photos = request.FILES.getlist("photos") if hasattr(request, "FILES") else []
        common = {
            "kind": v["kind"],
            "text": v["text"],
            "estimated_value": v.get("estimated_value"),
            "wanted_by": v.get("wanted_by"),
            "photos": photos,
        }
        if "resident" in v:
            resident: Resident = pick(
                people_selectors.resident_list_for(actor=request.user), v["resident"], "resident"
            )
            wish = services.wish_submit_on_behalf(
                actor=request.user, resident=resident, shares=v.get("shares", 1), **common
            )
        else:
            if "community" not in v:
                raise ValidationError({"community": [_("请选择社区，或代为登记时选择居民")]})
            community = pick(Area.objects.filter(kind=AreaKind.COMMUNITY), v["community"], "community")
            wish = services.wish_submit(
                actor=request.user,
                community=community,
                contact_phone=v["contact_phone"],
                address_detail=v["address_detail"],
                **common,
            )
        return self._answer(wish, status=201)

    @extend_schema(request=s.ApproveSerializer, responses=s.WishSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str) -> Response:
        v = _valid(s.ApproveSerializer, request)
        wish = services.wish_approve(
            actor=request.user, wish=self.get_object(), public_text=v["public_text"], shares=v.get("shares")
        )
        return self._answer(wish)

    @extend_schema(request=s.WishReasonSerializer, responses=s.WishSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: str) -> Response:
        v = _valid(s.WishReasonSerializer, request)
        return self._answer(
            services.wish_reject(actor=request.user, wish=self.get_object(), reason=v["reason"])
        )

    @extend_schema(request=s.WishReasonSerializer, responses=s.WishSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str) -> Response:
        v = _valid(s.WishReasonSerializer, request)
        return self._answer(
            services.wish_cancel(actor=request.user, wish=self.get_object(), reason=v["reason"])
        )

    @extend_schema(request=s.ConfirmSerializer, responses=s.WishSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request: Request, pk: str) -> Response:
        v = _valid(s.ConfirmSerializer, request)
        wish = services.wish_confirm(
            actor=request.user, wish=self.get_object(), by_phone=v["by_phone"], note=v["note"]
        )
        return self._answer(wish)

    @extend_schema(request=s.WishReasonSerializer, responses=s.WishSerializer)
    @action(detail=True, methods=["post"])
    def dispute(self, request: Request, pk: str) -> Response:
        v = _valid(s.WishReasonSerializer, request)
        return self._answer(
            services.wish_dispute(actor=request.user, wish=self.get_object(), reason=v["reason"])
        )

    @extend_schema(request=s.ResolveSerializer, responses=s.WishSerializer)
    @action(detail=True, methods=["post"])
    def resolve(self, request: Request, pk: str) -> Response:
        v = _valid(s.ResolveSerializer, request)
        wish = services.wish_resolve(
            actor=request.user, wish=self.get_object(), upheld=v["upheld"], note=v["note"]
        )
        return self._answer(wish)

    @extend_schema(request=s.ThankSerializer, responses=s.WishSerializer)
    @action(detail=True, methods=["post"])
    def thank(self, request: Request, pk: str) -> Response:
        v = _valid(s.ThankSerializer, request)
        return self._answer(services.wish_thank(actor=request.user, wish=self.get_object(), text=v["text"]))


class WallViewSet(viewsets.ReadOnlyModelViewSet):
    """The public wall: open to everyone, logged in or not."""

    serializer_class = s.WallWishSerializer
    filter_backends: list[Any] = []
    permission_classes = [AllowAny]

    def get_queryset(self) -> QuerySet[Wish]:
        filters = selectors.WallFilters(
            community=int_param(self.request, "community"),
            street=int_param(self.request, "street"),
            kind=_choice(self.request, "kind", WishKind.values),
            state=_choice(self.request, "state", list(selectors.WALL_STATES)),
            q=self.request.query_params.get("q", ""),
        )
        return selectors.wall_list(filters=filters)

    def get_object(self) -> Wish:
        return selectors.wall_get(wish_id=self.kwargs["pk"])

    @extend_schema(
        parameters=[OpenApiParameter("community", int), OpenApiParameter("street", int)],
        responses={(200, XLSX): bytes},
    )
    @action(detail=False, methods=["get"])
    def export(self, request: Request) -> HttpResponse:
        """The wall as xlsx: the public fields only."""
        wishes = self.get_queryset()
        return xlsx_attachment(lambda t: exports.wall_export(wishes=wishes, target=t), "wish-wall.xlsx")

    @extend_schema(
        parameters=[
            OpenApiParameter("community", int),
            OpenApiParameter("street", int),
            OpenApiParameter("kind", str, enum=WishKind.values),
            OpenApiParameter("state", str, enum=list(selectors.WALL_STATES)),
            OpenApiParameter("q", str),
        ]
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        # Page on ids, then read the page's rows (selectors.wall_rows): deep pages stay cheap.
        ids = self.paginate_queryset(self.get_queryset().values_list("pk", flat=True))
        rows = selectors.wall_rows(list(ids or []))
        return self.get_paginated_response(self.get_serializer(rows, many=True).data)

    @extend_schema(request=s.ClaimInSerializer, responses={201: s.ClaimSerializer})
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated])
    def claim(self, request: Request, pk: str) -> Response:
        v = _valid(s.ClaimInSerializer, request)
        unit = None
        if v.get("unit") is not None:
            units = [g.unit_id for g in grants_for(request.user) if g.unit_id]
            unit = pick(Unit.objects.filter(pk__in=units), v["unit"], "unit")
        team = pick(Team.objects.all(), v["team"], "team") if v.get("team") is not None else None
        claim = services.wish_claim(
            actor=request.user,
            wish=self.get_object(),
            claimant_kind=v["claimant_kind"],
            unit=unit,
            team=team,
            shares=v["shares"],
        )
        return Response(s.ClaimSerializer(claim).data, status=201)


class ClaimViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = s.ClaimSerializer
    filter_backends: list[Any] = []
    parser_classes = PARSERS

    def get_queryset(self) -> QuerySet[WishClaim]:
        return selectors.claim_list_for(actor=self.request.user)

    def get_object(self) -> WishClaim:
        return selectors.claim_get_for(actor=self.request.user, claim_id=self.kwargs["pk"])

    @extend_schema(responses={(200, XLSX): bytes})
    @action(detail=False, methods=["get"])
    def export(self, request: Request) -> HttpResponse:
        """The caller's claims as xlsx."""
        claims = self.get_queryset()
        return xlsx_attachment(lambda t: exports.claims_export(claims=claims, target=t), "wish-claims.xlsx")

    @extend_schema(request=s.NoteSerializer, responses=s.ClaimSerializer)
    @action(detail=True, methods=["post"])
    def progress(self, request: Request, pk: str) -> Response:
        v = _valid(s.NoteSerializer, request)
        claim = services.wish_claim_progress(actor=request.user, claim=self.get_object(), note=v["note"])
        return Response(s.ClaimSerializer(claim).data)

    @extend_schema(request=s.NoteSerializer, responses=s.ClaimSerializer)
    @action(detail=True, methods=["post"])
    def release(self, request: Request, pk: str) -> Response:
        v = _valid(s.NoteSerializer, request)
        claim = services.wish_claim_release(actor=request.user, claim=self.get_object(), note=v["note"])
        return Response(s.ClaimSerializer(claim).data)

    @extend_schema(request=s.FulfilSerializer, responses=s.ClaimSerializer)
    @action(detail=True, methods=["post"])
    def fulfil(self, request: Request, pk: str) -> Response:
        v = _valid(s.FulfilSerializer, request)
        photos = request.FILES.getlist("photos") if hasattr(request, "FILES") else []
        claim = services.wish_fulfil(
            actor=request.user, claim=self.get_object(), note=v["note"], photos=photos
        )
        return Response(s.ClaimSerializer(claim).data)

    @extend_schema(request=s.ReassignSerializer, responses={201: s.ClaimSerializer})
    @action(detail=True, methods=["post"])
    def reassign(self, request: Request, pk: str) -> Response:
        v = _valid(s.ReassignSerializer, request)
        claim = self.get_object()
        access.require_staff(request.user, claim.wish)
        member = None
        if v.get("member") is not None:
            member = pick(people_selectors.member_list_for(actor=request.user), v["member"], "member")
        unit = (
            pick(scope(Unit.objects.all(), actor=request.user), v["unit"], "unit") if v.get("unit") else None
        )
        new = services.wish_claim_reassign(
            actor=request.user,
            claim=claim,
            reason=v["reason"],
            member=member,
            unit=unit,
            team=(
                pick(team_list_for(actor=request.user), v["team"], "team")
                if v.get("team") is not None
                else None
            ),
        )
        return Response(s.ClaimSerializer(new).data, status=201)


class RecordView(APIView):
    """The caller's wishes fulfilled in a year (as a party member), beside the 双报到 reports."""

    @extend_schema(parameters=[OpenApiParameter("year", int)], responses=s.RecordSerializer)
    def get(self, request: Request) -> Response:
        member = access.member_of(request.user)
        if member is None:
            raise Http404
        year = year_param(request) or timezone.localdate().year
        record = selectors.member_wish_record(member=member, year=year)
        return Response(
            {
                "year": record.year,
                "realised": record.realised,
                "reports": [
                    {"id": r.pk, "community": r.community.name, "status": r.status} for r in record.reports
                ],
                "claims": s.ClaimSerializer(record.claims, many=True).data,
            }
        )


def _date_param(request: Request, name: str, default: dt.date) -> dt.date:
    raw = request.query_params.get(name, "")
    if not raw:
        return default
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise ValidationError({name: [_("日期格式应为 YYYY-MM-DD")]}) from None


class RankingView(APIView):
    """Members, units or communities by wishes realised in a period (staff, inside their scope)."""

    @extend_schema(
        parameters=[
            OpenApiParameter("by", str, enum=list(figures.RANK_BY)),
            OpenApiParameter("start", OpenApiTypes.DATE),
            OpenApiParameter("end", OpenApiTypes.DATE),
        ],
        responses=s.RankRowSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        if not has_role(request.user, access.STAFF):
            raise PermissionDenied(_("只有工作人员可以查看排行"))
        by = _choice(request, "by", list(figures.RANK_BY)) or "member"
        today = timezone.localdate()
        start = _date_param(request, "start", today.replace(month=1, day=1))
        end = _date_param(request, "end", today)
        if end < start:
            raise ValidationError({"end": [_("结束日期不能早于开始日期")]})
        rows = figures.ranking(actor=request.user, by=by, start=start, end=end)
        return Response(s.RankRowSerializer(rows, many=True).data)
