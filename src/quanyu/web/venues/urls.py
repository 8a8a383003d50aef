from django.urls import path
from django.utils.translation import pgettext_lazy

from quanyu.venues.access import READERS
from quanyu.web.nav import NavItem, register
from quanyu.web.venues import views

urlpatterns = [
    path("venues/", views.venue_list, name="venue_list"),
    path("venues/compliance/", views.compliance, name="venue_compliance"),
    path("venues/coverage/", views.coverage_page, name="venue_coverage"),
    path("venues/book/", views.book, name="venue_book"),
    path("venues/bookings/<int:booking_id>/<str:step>/", views.booking_step, name="venue_booking_step"),
    path("venues/<int:venue_id>/", views.venue_detail, name="venue_detail"),
    path("v/<int:venue_id>/", views.venue_public, name="venue_public"),
    path("v/<int:venue_id>/print/", views.venue_plan_print, name="venue_plan_print"),
    path("v/<int:venue_id>/plan.xlsx", views.venue_plan_xlsx, name="venue_plan_xlsx"),
]

register(
    NavItem(
        key="venues",
        group="people",  # no "venues" group in web.nav.GROUPS yet: the lead may add one
        label=pgettext_lazy("nav", "党建阵地"),
        url_name="web:venue_list",
        roles=READERS,
        order=45,
        also_current=frozenset({"web:venue_detail"}),
    ),
    NavItem(
        key="venue_compliance",
        group="assessment",
        label=pgettext_lazy("nav", "阵地达标"),
        url_name="web:venue_compliance",
        roles=READERS,
        order=46,
    ),
    NavItem(
        key="venue_coverage",
        group="assessment",
        label=pgettext_lazy("nav", "服务圈覆盖"),
        url_name="web:venue_coverage",
        roles=READERS,
        order=46,
    ),
    NavItem(
        key="venue_book",
        label=pgettext_lazy("nav", "场地预约"),
        url_name="web:venue_book",
        order=47,
    ),
)
