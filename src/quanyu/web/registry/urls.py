from django.urls import path

from quanyu.web.registry import views as registry

urlpatterns = [
    path("", registry.home, name="home"),
    path("areas/", registry.area_index, name="area_index"),
    path("areas/geojson", registry.area_geojson, name="area_roots_geojson"),
    path("areas/<int:area_id>/", registry.area_detail, name="area_detail"),
    path("areas/<int:area_id>/geojson", registry.area_geojson, name="area_geojson"),
    path("orgs/", registry.org_tree, name="org_tree"),
    path("orgs/<int:org_id>/children", registry.org_children, name="org_children"),
    path("units/", registry.unit_list, name="unit_list"),
]
