"""The whole-area registry: city → district → street → community → grid → building."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node


class AreaKind(models.TextChoices):
    CITY = "city", _("市")
    DISTRICT = "district", _("区")
    STREET = "street", _("街道")
    COMMUNITY = "community", _("社区")
    GRID = "grid", _("网格")
    BUILDING = "building", _("楼栋")


# Which kind of node may hang under which: the shape of the tree.
CHILD_KINDS: dict[str, frozenset[str]] = {
    AreaKind.CITY: frozenset({AreaKind.DISTRICT}),
    AreaKind.DISTRICT: frozenset({AreaKind.STREET}),
    AreaKind.STREET: frozenset({AreaKind.COMMUNITY}),
    AreaKind.COMMUNITY: frozenset({AreaKind.GRID}),
    AreaKind.GRID: frozenset({AreaKind.BUILDING}),
    AreaKind.BUILDING: frozenset(),
}
KIND_ORDER = [k.value for k in AreaKind]


class Area(MP_Node):
    """One node of the area tree. ``path`` (treebeard) is the materialised path used for scoping.

    Polygons (street, community, grid) are GeoJSON geometry objects in WGS-84 lon/lat; buildings
    are points (``lon``/``lat``). For polygons, ``lon``/``lat`` hold a representative interior point.
    """

    steplen = 4
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    scope_path_field = "path"

    kind = models.CharField(_("层级"), max_length=16, choices=AreaKind.choices, db_index=True)
    code = models.CharField(
        _("代码"), max_length=32, blank=True, db_index=True, help_text=_("行政区划代码或统计用区划代码")
    )
    name = models.CharField(_("名称"), max_length=100, db_index=True)
    geometry = models.JSONField(_("边界"), null=True, blank=True, help_text=_("GeoJSON 几何对象，WGS-84"))
    lon = models.FloatField(_("经度"), null=True, blank=True)
    lat = models.FloatField(_("纬度"), null=True, blank=True)
    population = models.PositiveIntegerField(_("人口"), default=0)
    households = models.PositiveIntegerField(_("户数"), default=0)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("区域")
        verbose_name_plural = _("区域")
        indexes = [models.Index(fields=["kind", "name"])]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "code"], condition=~models.Q(code=""), name="area_unique_code_per_kind"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def kind_label(self) -> str:
        return str(AreaKind(self.kind).label)
