"""Input and output shapes of the registry API. Serializers only parse and shape: reads come
from the selectors, already scoped."""

from __future__ import annotations

import math
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from quanyu.accounts.models import RoleGrant, User
from quanyu.api.schema import ErrorSerializer as ErrorSerializer  # the one error body
from quanyu.areas.models import Area
from quanyu.core.geo import CRS_CHOICES
from quanyu.core.pii import mask_phone
from quanyu.orgs.models import PartyOrg, Unit

# 50 000 points of JSON fit in Django's default request body limit (2.5 MB).
MAX_LOCATE_POINTS = 50_000


def _no_surrogates(value: str) -> None:
    """JSON may carry lone UTF-16 surrogates ("\\ud800") that no database can store."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise serializers.ValidationError(_("含有无效字符")) from None


class AreaSerializer(serializers.ModelSerializer):
    parent = serializers.SerializerMethodField()  # type: ignore[assignment]

    class Meta:
        model = Area
        fields = ["id", "kind", "code", "name", "parent", "depth", "lon", "lat", "population", "households"]

    def get_parent(self, obj: Area) -> int | None:
        parent_ids = self.context.get("parent_ids")
        if parent_ids is not None:
            return parent_ids.get(obj.path[: -Area.steplen])
        if obj.depth <= 1:
            return None
        return Area.objects.filter(path=obj.path[: -Area.steplen]).values_list("id", flat=True).first()


class AreaDetailSerializer(AreaSerializer):
    geometry = serializers.JSONField(read_only=True, help_text="GeoJSON geometry (WGS-84)")
    children_count = serializers.IntegerField(source="numchild", read_only=True)

    class Meta(AreaSerializer.Meta):
        fields = [*AreaSerializer.Meta.fields, "geometry", "children_count"]


class LocatePointSerializer(serializers.Serializer):
    lon = serializers.FloatField(min_value=-180, max_value=180)
    lat = serializers.FloatField(min_value=-90, max_value=90)


@extend_schema_field(LocatePointSerializer(many=True))
class PointListField(serializers.Field):
    """A list of ``{"lon": …, "lat": …}`` objects, parsed in one pass (a nested serializer per
    point is too slow for 100 000 points). Errors name the point by its position (from 1)."""

    default_error_messages = {
        "not_a_list": gettext_lazy("必须是点的列表"),
        "empty": gettext_lazy("至少需要一个点"),
        "too_many": gettext_lazy("一次最多定位 {max} 个点"),
    }

    def to_internal_value(self, data: Any) -> tuple[list[float], list[float]]:
        if not isinstance(data, list):
            self.fail("not_a_list")
        if not data:
            self.fail("empty")
        if len(data) > MAX_LOCATE_POINTS:
            self.fail("too_many", max=MAX_LOCATE_POINTS)
        lons: list[float] = []
        lats: list[float] = []
        for number, point in enumerate(data, start=1):
            if not isinstance(point, dict):
                raise serializers.ValidationError(_("第 %(n)d 个点必须是含 lon、lat 的对象") % {"n": number})
            lons.append(self._coordinate(point, "lon", 180.0, number))
            lats.append(self._coordinate(point, "lat", 90.0, number))
        return lons, lats

    @staticmethod
    def _coordinate(point: dict[str, Any], name: str, limit: float, number: int) -> float:
        value = point.get(name)
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise serializers.ValidationError(
                _("第 %(n)d 个点的 %(field)s 必须是数字") % {"n": number, "field": name}
            )
        if not -limit <= value <= limit:
            raise serializers.ValidationError(
                _("第 %(n)d 个点的 %(field)s 必须在 -%(limit)d 到 %(limit)d 之间")
                % {"n": number, "field": name, "limit": limit}
            )
        return float(value)

    def to_representation(self, value: Any) -> Any:
        lons, lats = value
        return [{"lon": x, "lat": y} for x, y in zip(lons, lats, strict=True)]


class LocateInputSerializer(serializers.Serializer):
    points = PointListField(help_text=f"WGS-84 (or crs) points, at most {MAX_LOCATE_POINTS}")
    crs = serializers.ChoiceField(choices=CRS_CHOICES, default="wgs84")


class LocatedSerializer(serializers.Serializer):
    grid = serializers.IntegerField(allow_null=True)
    community = serializers.IntegerField(allow_null=True)
    street = serializers.IntegerField(allow_null=True)


class LocateOutputSerializer(serializers.Serializer):
    results = LocatedSerializer(many=True)


class PartyOrgSerializer(serializers.ModelSerializer):
    area_name = serializers.CharField(source="area.name", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True, default=None, allow_null=True)

    class Meta:
        model = PartyOrg
        fields = [
            "id",
            "kind",
            "name",
            "code",
            "depth",
            "area",
            "area_name",
            "unit",
            "unit_name",
            "secretary",
            "member_count",
        ]


class UnitSerializer(serializers.ModelSerializer):
    area_name = serializers.CharField(source="area.name", read_only=True)
    contact_phone_masked = serializers.SerializerMethodField()

    class Meta:
        model = Unit
        fields = [
            "id",
            "kind",
            "name",
            "credit_code",
            "area",
            "area_name",
            "address",
            "lon",
            "lat",
            "contact_name",
            "contact_phone_masked",
            "staff_count",
            "member_count",
        ]

    def get_contact_phone_masked(self, obj: Unit) -> str:
        return mask_phone(obj.contact_phone)


class TokenInputSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150, validators=[_no_surrogates])
    password = serializers.CharField(
        style={"input_type": "password"}, trim_whitespace=False, max_length=4096, validators=[_no_surrogates]
    )


class TokenOutputSerializer(serializers.Serializer):
    token = serializers.CharField()


class AreaRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Area
        fields = ["id", "kind", "name", "code", "depth"]


class UnitRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Unit
        fields = ["id", "kind", "name"]


class RoleGrantSerializer(serializers.ModelSerializer):
    role_label = serializers.CharField(source="get_role_display", read_only=True)
    area = AreaRefSerializer(read_only=True)
    unit = UnitRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = RoleGrant
        fields = ["role", "role_label", "area", "unit"]


class MeSerializer(serializers.ModelSerializer):
    """The signed-in user: who, which roles where, and the top nodes of the visible subtree."""

    phone_masked = serializers.SerializerMethodField()
    roles = serializers.SerializerMethodField()
    grants = serializers.SerializerMethodField()
    scope = serializers.SerializerMethodField(
        help_text="Top area nodes the user sees (all roots for superusers)"
    )

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "display_name",
            "phone_masked",
            "is_superuser",
            "is_staff",
            "roles",
            "grants",
            "scope",
        ]

    def get_phone_masked(self, obj: User) -> str:
        return mask_phone(obj.phone)

    def get_roles(self, obj: User) -> list[str]:
        return sorted(obj.roles)

    @extend_schema_field(RoleGrantSerializer(many=True))
    def get_grants(self, obj: User) -> Any:
        return RoleGrantSerializer(obj.active_grants, many=True).data

    @extend_schema_field(AreaRefSerializer(many=True))
    def get_scope(self, obj: User) -> Any:
        return AreaRefSerializer(self.context["scope_nodes"], many=True).data
