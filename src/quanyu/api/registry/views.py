"""Thin API adapters for the registry (areas, party organisations, units) and the account
endpoints (token log-in, the current user): parse, scope through the selectors, serialise."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, filters, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from quanyu.accounts import services as account_services
from quanyu.accounts.middleware import password_expired
from quanyu.api.auth import token_is_expired
from quanyu.api.errors import LockedOut
from quanyu.api.models import OtpToken
from quanyu.api.parsers import JSONParser
from quanyu.api.registry import serializers as s
from quanyu.areas import selectors as area_selectors
from quanyu.areas.locate import locate
from quanyu.areas.models import Area, AreaKind
from quanyu.core.permissions import has_role, otp_required_for
from quanyu.core.roles import STAFF_ROLES
from quanyu.core.workflow import for_delete
from quanyu.orgs import selectors as org_selectors
from quanyu.orgs.models import OrgKind, PartyOrg, Unit, UnitKind

MAX_ID = 2**63 - 1


class IdFilter(django_filters.NumberFilter):
    """An object id: a positive integer (DRF answers anything else with a 400 naming the filter)."""

    field_class = forms.IntegerField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class SearchFilter(filters.SearchFilter):
    """DRF's search, with a bad term (a NUL character) reported under the ``search`` parameter."""

    def get_search_terms(self, request: Request) -> list[str]:
        try:
            return super().get_search_terms(request)
        except exceptions.ValidationError as exc:
            raise exceptions.ValidationError({self.search_param: exc.detail}) from None


FILTER_BACKENDS = [django_filters.rest_framework.DjangoFilterBackend, SearchFilter, filters.OrderingFilter]


def _subtree(queryset: QuerySet[Any], field: str, area_id: int) -> QuerySet[Any]:
    area_path = Area.objects.filter(pk=area_id).values_list("path", flat=True).first()
    if area_path is None:
        return queryset.none()
    return queryset.filter(**{f"{field}__startswith": area_path})


class StaffOnly(BasePermission):
    """The registry (area figures, party secretaries, unit contacts) is office data: staff roles
    and superusers only; residents, members and users without a role get 403."""

    message = gettext_lazy("只有工作人员可以查看区域、党组织和单位登记信息")

    def has_permission(self, request: Request, view: Any) -> bool:
        return has_role(request.user, STAFF_ROLES)


REGISTRY_PERMISSIONS = [IsAuthenticated, StaffOnly]


class TokenInputSerializer(s.TokenInputSerializer):
    otp = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=16,
        help_text=gettext_lazy("动态验证码：开启两步验证时工作人员账号必填"),
    )


def _check_otp(user: Any, code: str) -> None:
    """Staff (while settings.QUANYU_REQUIRE_OTP is on) must add their authenticator's code."""
    if not otp_required_for(user):
        return
    if not code:
        raise exceptions.ValidationError({"otp": [_("工作人员账号需要填写动态验证码")]})
    if account_services.otp_check(actor=user, token=code) is None:
        raise exceptions.ValidationError(
            {"otp": [_("动态验证码错误或已过期；尚未绑定验证器的账号请先在网页登录完成绑定")]}
        )


class TokenView(APIView):
    """Exchange a user name and password (and, for staff when two-step log-in is on, the
    authenticator's code in ``otp``) for an API token. Tokens expire after
    QUANYU_TOKEN_TTL_HOURS; logging in again then issues a fresh one. Repeated failures lock the
    account for this client (django-axes) and are answered with 429."""

    permission_classes = [AllowAny]
    authentication_classes: list[Any] = []

    def get_authenticate_header(self, request: Request) -> str:
        return "Token"

    @extend_schema(
        request=TokenInputSerializer,
        responses={
            200: s.TokenOutputSerializer,
            400: OpenApiResponse(description="Malformed input, or a missing/wrong `otp` code"),
            401: OpenApiResponse(s.ErrorSerializer, description="Wrong user name or password"),
            429: OpenApiResponse(s.ErrorSerializer, description="Locked out after repeated failures"),
        },
        auth=[],
    )
    def post(self, request: Request) -> Response:
        from rest_framework.authtoken.models import Token

        data = TokenInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = authenticate(
            request._request,
            username=data.validated_data["username"],
            password=data.validated_data["password"],
        )
        if getattr(request._request, "axes_locked_out", False):
            # Answer in the API's own JSON shape; the flag would make AxesMiddleware swap in the
            # log-in page's HTML lockout answer.
            request._request.axes_locked_out = False  # type: ignore[attr-defined]
            raise LockedOut
        if user is None or not user.is_active:
            raise exceptions.AuthenticationFailed(_("用户名或密码错误"))
        _check_otp(user, data.validated_data.get("otp", "").strip())
        if password_expired(user):
            raise exceptions.PermissionDenied(_("密码已过期，请先在网页上修改密码"))
        # A token log-in is a log-in: last_login is updated and django-axes clears the failures.
        user_logged_in.send(sender=user.__class__, request=request._request, user=user)
        with transaction.atomic():
            token = for_delete(Token.objects).filter(user=user).first()
            two_step = otp_required_for(user)
            unverified = two_step and token is not None and not OtpToken.objects.filter(token=token).exists()
            if token is not None and (token_is_expired(token) or unverified):
                token.delete()  # never hand out again a token issued without the second step
                token = None
            if token is None:
                token = Token.objects.create(user=user)
                if two_step:
                    OtpToken.objects.create(token=token)
        return Response({"token": token.key})


class LogoutView(APIView):
    """Revoke the token this request carries (log-out). Its next use answers 401; a new one
    comes from POST /api/auth/token/."""

    @extend_schema(
        request=None,
        responses={
            204: OpenApiResponse(description="The token is revoked"),
            401: OpenApiResponse(s.ErrorSerializer, description="No valid token"),
        },
    )
    def post(self, request: Request) -> Response:
        from rest_framework.authtoken.models import Token

        key = getattr(request.auth, "key", None)
        if key is None:  # a session, not a token: nothing to revoke here
            raise exceptions.NotAuthenticated(_("此请求未携带令牌"))
        Token.objects.filter(key=key).delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(APIView):
    """The signed-in user, its role grants and the top nodes of the area subtree it sees."""

    @extend_schema(responses=s.MeSerializer)
    def get(self, request: Request) -> Response:
        user = request.user
        scope_nodes = area_selectors.area_roots_for(actor=user)
        return Response(s.MeSerializer(user, context={"scope_nodes": scope_nodes}).data)


class AreaFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=AreaKind.choices)
    parent = IdFilter(method="filter_parent", label=gettext_lazy("上级区域编号（只列直接下级）"))
    within = IdFilter(method="filter_within", label=gettext_lazy("区域编号（列出其下所有层级）"))
    code = django_filters.CharFilter(max_length=32)

    class Meta:
        model = Area
        fields = ["kind", "parent", "within", "code"]

    def filter_parent(self, queryset: QuerySet[Area], name: str, value: int) -> QuerySet[Area]:
        parent = Area.objects.filter(pk=value).values_list("path", "depth").first()
        if parent is None:
            return queryset.none()
        return queryset.filter(path__startswith=parent[0], depth=parent[1] + 1)

    def filter_within(self, queryset: QuerySet[Area], name: str, value: int) -> QuerySet[Area]:
        return _subtree(queryset, "path", value)


class AreaViewSet(viewsets.ReadOnlyModelViewSet):
    """Nodes of the area tree (city → building) in the user's subtree. The detail carries the
    GeoJSON geometry; the list leaves it out. Staff only, except ``locate``."""

    permission_classes = REGISTRY_PERMISSIONS

    filterset_class = AreaFilter
    filter_backends = FILTER_BACKENDS
    search_fields = ["name", "code"]
    ordering_fields = ["path", "name", "population"]
    ordering = ["path"]
    queryset = Area.objects.none()  # for the schema; requests use get_queryset

    def get_queryset(self) -> QuerySet[Area]:
        return area_selectors.area_list_for(actor=self.request.user, with_geometry=self.action == "retrieve")

    def get_serializer_class(self) -> type:
        return s.AreaDetailSerializer if self.action == "retrieve" else s.AreaSerializer

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        rows = page if page is not None else list(queryset)
        parent_paths = {a.path[: -Area.steplen] for a in rows if a.depth > 1}
        parent_ids = dict(Area.objects.filter(path__in=parent_paths).values_list("path", "id"))
        serializer = s.AreaSerializer(
            rows, many=True, context={**self.get_serializer_context(), "parent_ids": parent_ids}
        )
        if page is not None:
            return self.get_paginated_response(serializer.data)
        return Response(serializer.data)

    @extend_schema(
        request=s.LocateInputSerializer,
        responses={200: s.LocateOutputSerializer, 400: OpenApiResponse(description="Malformed points")},
        parameters=[],
        filters=False,
    )
    @action(
        detail=False,
        methods=["post"],
        filter_backends=[],
        pagination_class=None,
        parser_classes=[JSONParser],
        permission_classes=[IsAuthenticated],
    )
    def locate(self, request: Request) -> Response:
        """The grid (and its community and street) of each point; null where a point lies outside
        every grid. Points may be given in GCJ-02 or BD-09 with ``crs``. Open to every signed-in
        user, residents included (they file tickets at a place): it answers only area ids, which
        name no person or unit."""
        data = s.LocateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        lons, lats = data.validated_data["points"]
        grid, community, street = locate(lons, lats, crs=data.validated_data["crs"])
        results = [
            {
                "grid": g if g >= 0 else None,
                "community": c if c >= 0 else None,
                "street": st if st >= 0 else None,
            }
            for g, c, st in zip(grid.tolist(), community.tolist(), street.tolist(), strict=True)
        ]
        return Response({"results": results}, status=status.HTTP_200_OK)


class PartyOrgFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=OrgKind.choices)
    area = IdFilter(field_name="area_id", label=gettext_lazy("所属区域编号"))
    within = IdFilter(method="filter_within", label=gettext_lazy("区域编号（含下级区域的组织）"))
    parent = IdFilter(method="filter_parent", label=gettext_lazy("上级党组织编号（只列直接下级）"))

    class Meta:
        model = PartyOrg
        fields = ["kind", "area", "within", "parent"]

    def filter_within(self, queryset: QuerySet[PartyOrg], name: str, value: int) -> QuerySet[PartyOrg]:
        return _subtree(queryset, "area__path", value)

    def filter_parent(self, queryset: QuerySet[PartyOrg], name: str, value: int) -> QuerySet[PartyOrg]:
        parent = PartyOrg.objects.filter(pk=value).values_list("path", "depth").first()
        if parent is None:
            return queryset.none()
        return queryset.filter(path__startswith=parent[0], depth=parent[1] + 1)


class PartyOrgViewSet(viewsets.ReadOnlyModelViewSet):
    """Party organisations attached to areas of the user's subtree. Staff only."""

    permission_classes = REGISTRY_PERMISSIONS

    serializer_class = s.PartyOrgSerializer
    filterset_class = PartyOrgFilter
    filter_backends = FILTER_BACKENDS
    search_fields = ["name", "code", "secretary"]
    ordering_fields = ["path", "name", "member_count"]
    ordering = ["path"]
    queryset = PartyOrg.objects.none()

    def get_queryset(self) -> QuerySet[PartyOrg]:
        return org_selectors.party_org_list_for(actor=self.request.user)


class UnitFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=UnitKind.choices)
    area = IdFilter(field_name="area_id", label=gettext_lazy("所在区域编号"))
    within = IdFilter(method="filter_within", label=gettext_lazy("区域编号（含下级区域的单位）"))

    class Meta:
        model = Unit
        fields = ["kind", "area", "within"]

    def filter_within(self, queryset: QuerySet[Unit], name: str, value: int) -> QuerySet[Unit]:
        return _subtree(queryset, "area__path", value)


class UnitViewSet(viewsets.ReadOnlyModelViewSet):
    """Units (resident units, departments, two-new organisations …) in the user's subtree.
    Contact phones are masked. Staff only."""

    permission_classes = REGISTRY_PERMISSIONS

    serializer_class = s.UnitSerializer
    filterset_class = UnitFilter
    filter_backends = FILTER_BACKENDS
    search_fields = ["name", "credit_code", "address"]
    ordering_fields = ["name", "id", "staff_count", "member_count"]
    ordering = ["name", "id"]
    queryset = Unit.objects.none()

    def get_queryset(self) -> QuerySet[Unit]:
        return org_selectors.unit_list_for(actor=self.request.user)
