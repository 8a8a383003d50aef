"""The early-warning API: the whole board, hot spots with their parameters, alerts. Reads only,
each through ``analytics.board`` (the tickets' scoping function) or ``core.scoping``."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from quanyu.analytics import board
from quanyu.analytics.models import Alert
from quanyu.api.analytics.serializers import (
    AlertSerializer,
    BoardSerializer,
    HotspotQuerySerializer,
    HotspotSerializer,
)
from quanyu.core.permissions import has_role
from quanyu.core.roles import Role
from quanyu.core.scoping import scope

VIEWERS = frozenset({Role.ADMIN, Role.ORG_DEPARTMENT, Role.STREET_STAFF, Role.COMMUNITY_STAFF, Role.LEADER})


def _require_viewer(request: Request) -> None:
    if not has_role(request.user, VIEWERS):
        raise PermissionDenied(_("预警研判仅对区、街道、社区工作人员和领导开放"))


class BoardView(APIView):
    """Deadlines, hot spots, spikes and repeats of the caller's area (预警研判)."""

    @extend_schema(responses=BoardSerializer)
    def get(self, request: Request) -> Response:
        _require_viewer(request)
        return Response(board.warning_board(actor=request.user))


class HotspotListView(APIView):
    """Hot spots of the caller's area: ``days`` back, the ``top`` ones, ranked by ``formula``."""

    @extend_schema(parameters=[HotspotQuerySerializer], responses=HotspotSerializer(many=True))
    def get(self, request: Request) -> Response:
        _require_viewer(request)
        query = HotspotQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        options: dict[str, Any] = dict(query.validated_data)
        return Response(board.hotspot_cards(actor=request.user, **options))


class AlertListView(ListAPIView):
    """Alerts raised in the caller's area, newest first (paginated)."""

    serializer_class = AlertSerializer

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):  # (the schema generator)
            return Alert.objects.none()
        _require_viewer(self.request)  # type: ignore[arg-type]
        return scope(Alert.objects.select_related("area"), actor=self.request.user)
