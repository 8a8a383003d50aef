"""Matching in the API: ``GET /api/cogov/matching/?community=&kind=`` → suggestions, nearest first."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from quanyu.api.cogov.common import pick_area
from quanyu.cogov import matching


class MatchingView(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter("community", int, required=True),
            OpenApiParameter("kind", str, required=True),
        ],
        responses={200: dict},
    )
    def get(self, request: Request) -> Response:
        raw = request.query_params.get("community", "")
        if not raw.isdigit():
            raise ValidationError({"community": _("请选择社区")})
        community = pick_area(request.user, int(raw), "community")
        rows = matching.suggest(community=community, kind=request.query_params.get("kind", ""))
        return Response([matching.as_dict(s) for s in rows])
