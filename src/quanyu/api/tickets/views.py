"""The tickets API's endpoints but the steps (``actions``): list, create, detail, photos, the rating
link without an account, the catalogue tree."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import FileResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from quanyu.analytics.ticket_replies import may_see_reply_quality, ticket_reply_scores
from quanyu.api.pagination import Pagination
from quanyu.api.parsers import JSONParser
from quanyu.api.tickets.actions import TicketSteps, parsed
from quanyu.api.tickets.intake import category_from_value, create_arguments, created_answer, fast_create_input
from quanyu.api.tickets.serializers import (
    ReplyQualitySerializer,
    SimilarTicketSerializer,
    TicketCatalogCategorySerializer,
    TicketCreateSerializer,
    TicketDetailSerializer,
    TicketListQuerySerializer,
    TicketRateByTokenSerializer,
    TicketRatingResultSerializer,
    TicketSerializer,
)
from quanyu.catalog import selectors as catalog_selectors
from quanyu.tickets import selectors, services
from quanyu.tickets.models import Ticket
from quanyu.tickets.photos import check_upload_request, is_too_large
from quanyu.tickets.similar import similar_open_tickets

IDEMPOTENCY_HEADER = "Idempotency-Key"


class RatingThrottle(AnonRateThrottle):
    """Rating links are tried without an account: a few per minute per client address."""

    scope = "ticket_rate"
    rate = "20/min"


class TicketViewSet(TicketSteps):
    """Requests (诉求工单): list, create, detail with timeline, and one POST per step."""

    queryset = Ticket.objects.none()
    # For the schema: the list answers the paginated envelope (``paginator`` below serves it).
    pagination_class = Pagination

    # -- list / detail / create ----------------------------------------------------------------

    @extend_schema(
        parameters=[TicketListQuerySerializer],
        responses={200: TicketSerializer(many=True), 400: OpenApiResponse(description="bad filter")},
    )
    def list(self, request: Request) -> Response:
        params = parsed(TicketListQuerySerializer, request.query_params)
        category = params.pop("category", None)
        if category is not None:
            params["category"] = category_from_value(category).pk  # type: ignore[union-attr]
        after = params.pop("created_after", None)
        before = params.pop("created_before", None)
        qs: QuerySet[Ticket] = selectors.ticket_list_for(actor=request.user, filters=params)
        if after is not None:
            qs = qs.filter(created_at__gte=after)
        if before is not None:
            qs = qs.filter(created_at__lt=before)
        paginator = self.paginator
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(TicketSerializer(page, many=True).data)

    @property
    def paginator(self) -> Any:
        if not hasattr(self, "_paginator"):
            self._paginator = Pagination()
        return self._paginator

    @extend_schema(responses={200: TicketDetailSerializer, 404: OpenApiResponse(description="not in scope")})
    def retrieve(self, request: Request, pk: str | None = None) -> Response:
        return Response(TicketDetailSerializer(self._ticket(pk)).data)

    @extend_schema(
        parameters=[OpenApiParameter("photo_id", int, OpenApiParameter.PATH)],
        responses={
            (200, "image/jpeg"): OpenApiTypes.BINARY,
            404: OpenApiResponse(description="no such photo, or the ticket is not in scope"),
        },
        summary="照片 photo (only for those who may see the ticket)",
    )
    @action(detail=True, methods=["get"], url_path=r"photos/(?P<photo_id>\d{1,18})", url_name="photo")
    def photo(self, request: Request, pk: str, photo_id: str) -> FileResponse:
        ticket = self._ticket(pk)
        found = next((p for p in ticket.photos.all() if p.pk == int(photo_id)), None)
        if found is None or not found.image:
            raise exceptions.NotFound(_("照片不存在或不在您的管辖范围内"))
        try:
            handle = found.image.open("rb")
        except OSError:
            raise exceptions.NotFound(_("照片不存在或不在您的管辖范围内")) from None
        response = FileResponse(handle, content_type="image/jpeg")
        response["Cache-Control"] = "private, max-age=3600"
        return response

    @extend_schema(
        responses={
            200: ReplyQualitySerializer(many=True),
            403: OpenApiResponse(description="not a street, community, district or leader's account there"),
            404: OpenApiResponse(description="not in scope"),
        },
        summary="答复质量 the quality of the ticket's answers, for the staff who follow it",
    )
    @action(detail=True, methods=["get"], url_path="reply-quality", url_name="reply-quality")
    def reply_quality(self, request: Request, pk: str) -> Response:
        ticket = self._ticket(pk)
        if not may_see_reply_quality(request.user, ticket):
            raise exceptions.PermissionDenied(_("只有街道、社区、区级管理人员和领导可查看答复质量"))
        rows = ticket_reply_scores(ticket)
        return Response(
            [
                {"who": r.who, "text": r.text, **{k: v for k, v in r.scores.items() if k != "message_id"}}
                for r in rows
            ]
        )

    @extend_schema(
        responses={200: SimilarTicketSerializer(many=True), 404: OpenApiResponse(description="not in scope")},
        summary="可能重复的诉求 similar open tickets, offered for merging",
    )
    @action(detail=True, methods=["get"], url_path="similar", url_name="similar")
    def similar(self, request: Request, pk: str) -> Response:
        found = similar_open_tickets(actor=request.user, ticket=self._ticket(pk))
        return Response(
            [
                {
                    "id": s.ticket.pk,
                    "text": s.ticket.text,
                    "status": s.ticket.status,
                    "created_at": s.ticket.created_at,
                    "distance_m": None if s.distance_m is None else round(s.distance_m, 1),
                    "text_similarity": s.text_similarity,
                    "nearby_same_item": s.nearby_same_item,
                }
                for s in found
            ]
        )

    @extend_schema(
        request={
            "application/json": TicketCreateSerializer,
            "multipart/form-data": TicketCreateSerializer,
        },
        parameters=[
            OpenApiParameter(
                IDEMPOTENCY_HEADER,
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                description="a retry with the same key answers the first ticket (200) instead of a twin",
            )
        ],
        responses={
            201: TicketSerializer,
            200: OpenApiResponse(TicketSerializer, description="replayed: the first ticket of this key"),
            400: OpenApiResponse(description="bad input, named by field"),
            403: OpenApiResponse(description="this channel needs a role at the place"),
        },
    )
    def create(self, request: Request) -> Response:
        try:
            check_upload_request(request.META.get("CONTENT_LENGTH"))  # before the body is parsed
        except DjangoValidationError as exc:
            return Response(exc.message_dict, status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
        data = fast_create_input(request.data)
        if data is None:
            data = parsed(TicketCreateSerializer, request.data)
        photos = request.FILES.getlist("photos") if hasattr(request, "FILES") else []
        key = request.headers.get(IDEMPOTENCY_HEADER) or None
        try:
            ticket = services.ticket_create(
                actor=request.user, photos=photos, idempotency_key=key, **create_arguments(data)
            )
        except DjangoValidationError as exc:
            if is_too_large(exc):
                return Response(exc.message_dict, status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
            raise
        replayed = bool(getattr(ticket, "replayed", False))
        if replayed:
            found = selectors.ticket_queryset_for(actor=request.user).filter(pk=ticket.pk).first()
            body = TicketSerializer(found or ticket).data
        else:
            body = created_answer(ticket)
        response = Response(body, status=status.HTTP_200_OK if replayed else status.HTTP_201_CREATED)
        if key is not None:
            response["Idempotency-Replayed"] = "true" if replayed else "false"
        return response

    @extend_schema(
        request=TicketRateByTokenSerializer,
        responses={
            200: TicketRatingResultSerializer,
            400: OpenApiResponse(description="bad, used or forged token; bad level"),
            409: OpenApiResponse(description="the ticket is no longer waiting for a rating"),
            429: OpenApiResponse(description="too many tries"),
        },
        auth=[],
        operation_id="tickets_rate_by_token",
        summary="评价链接 rate by token (no account)",
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="rate",
        url_name="rate-by-token",
        permission_classes=[AllowAny],
        authentication_classes=[],
        throttle_classes=[RatingThrottle],
        parser_classes=[JSONParser, FormParser],
    )
    def rate_by_token(self, request: Request) -> Response:
        data = parsed(TicketRateByTokenSerializer, request.data)
        rating = services.ticket_rate(actor=None, **data)
        status_now = Ticket.objects.filter(pk=rating.ticket_id).values_list("status", flat=True).first()
        return Response({"rating": rating.pk, "level": rating.level, "ticket_status": status_now})


class CategoryTreeView(APIView):
    """The request catalogue: top-level categories (大类) with their items (小类). Public."""

    permission_classes = [AllowAny]

    @extend_schema(responses=TicketCatalogCategorySerializer(many=True), auth=[])
    def get(self, request: Request) -> Response:
        return Response(TicketCatalogCategorySerializer(catalog_selectors.category_tree(), many=True).data)
