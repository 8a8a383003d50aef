from django.urls import path
from django.utils.translation import gettext_lazy as _

from quanyu.web.analytics import views
from quanyu.web.nav import NavItem, register

urlpatterns = [
    path("warnings/", views.warning_board, name="analytics_board"),
    path("warnings/hotspots.geojson", views.hotspots_geojson, name="analytics_hotspots_geojson"),
    path("warnings/formula/", views.formula_set, name="analytics_formula"),
]

register(
    NavItem(
        key="analytics_board",
        group="tickets",
        label=_("预警研判"),
        url_name="web:analytics_board",
        roles=views.BOARD_VIEWERS,
        order=31,
    )
)
