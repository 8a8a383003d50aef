from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from quanyu.areas.models import Area
from quanyu.core.geo import CRS_CHOICES
from quanyu.orgs.models import PartyOrg, Unit


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


class PointSerializer(serializers.Serializer):
    lon = serializers.FloatField(min_value=-180, max_value=180)
    lat = serializers.FloatField(min_value=-90, max_value=90)


class LocateInputSerializer(serializers.Serializer):
    points = PointSerializer(many=True, allow_empty=False)
    crs = serializers.ChoiceField(choices=CRS_CHOICES, default="wgs84")

    def validate_points(self, value: list[dict[str, float]]) -> list[dict[str, float]]:
        if len(value) > 100_000:
            raise serializers.ValidationError(_("一次最多定位 100000 个点"))
        return value


class LocatedSerializer(serializers.Serializer):
    grid = serializers.IntegerField(allow_null=True)
    community = serializers.IntegerField(allow_null=True)
    street = serializers.IntegerField(allow_null=True)


class LocateOutputSerializer(serializers.Serializer):
    results = LocatedSerializer(many=True)


class PartyOrgSerializer(serializers.ModelSerializer):
    area_name = serializers.CharField(source="area.name", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True, default=None)

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
            "staff_count",
            "member_count",
        ]


class TokenInputSerializer(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)


class TokenOutputSerializer(serializers.Serializer):
    token = serializers.CharField()
