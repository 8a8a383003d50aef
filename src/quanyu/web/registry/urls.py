from django.urls import path
from django.utils.translation import pgettext_lazy

from quanyu.core.roles import REGISTRY_EDITORS, STAFF_ROLES
from quanyu.web.nav import NavItem, register
from quanyu.web.people import units as unit_people
from quanyu.web.registry import imports, units
from quanyu.web.registry import views as registry

urlpatterns = [
    path("", registry.home, name="home"),
    path("areas/", registry.area_index, name="area_index"),
    path("areas/geojson", registry.area_geojson, name="area_roots_geojson"),
    path("areas/<int:area_id>/", registry.area_detail, name="area_detail"),
    path("areas/<int:area_id>/geojson", registry.area_geojson, name="area_geojson"),
    path("orgs/", registry.org_tree, name="org_tree"),
    path("orgs/<int:org_id>/children", registry.org_children, name="org_children"),
    path("orgs/part-time/", units.part_time_list, name="part_time_list"),
    path("units/", registry.unit_list, name="unit_list"),
    path("units/<int:unit_id>/", units.unit_detail, name="unit_detail"),
    path("units/<int:unit_id>/members/", unit_people.unit_members, name="unit_members"),
]
for what in imports.IMPORTERS:
    urlpatterns += [
        path(f"{what}/import/", imports.registry_import, {"what": what}, name=f"{what}_import"),
        path(
            f"{what}/import/errors.xlsx",
            imports.registry_import_errors,
            {"what": what},
            name=f"{what}_import_errors",
        ),
        path(
            f"{what}/import/template.xlsx",
            imports.registry_import_template,
            {"what": what},
            name=f"{what}_import_template",
        ),
    ]

register(
    NavItem(
        key="part_time",
        label=pgettext_lazy("nav", "兼职委员"),
        url_name="web:part_time_list",
        roles=STAFF_ROLES,
        order=45,
        group="registry",
    ),
    NavItem(
        key="areas_import",
        label=pgettext_lazy("nav", "区域导入"),
        url_name="web:areas_import",
        roles=REGISTRY_EDITORS,
        order=55,
        group="registry",
    ),
    NavItem(
        key="orgs_import",
        label=pgettext_lazy("nav", "单位与党组织导入"),
        url_name="web:orgs_import",
        roles=REGISTRY_EDITORS,
        order=56,
        group="registry",
    ),
)
