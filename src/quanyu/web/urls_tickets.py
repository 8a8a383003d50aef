"""Routes of the ticket pages, and their entries in the app shell's navigation."""

from django.urls import path
from django.utils.translation import pgettext_lazy

from quanyu.web.nav import NavItem, register
from quanyu.web.views.tickets import detail, intake, resident, work
from quanyu.web.views.tickets.common import (
    BOARD_ROLES,
    DEPARTMENT_ROLES,
    DISPATCH_ROLES,
    LIST_ROLES,
    PATROL_ROLES,
    RESIDENT_ROLES,
    TRIAGE_ROLES,
)

urlpatterns = [
    path("tickets/", work.ticket_list, name="ticket_list"),
    path("tickets/new/", intake.ticket_submit, name="ticket_submit"),
    path("tickets/patrol/", intake.ticket_patrol, name="ticket_patrol"),
    path("tickets/suggest/", intake.ticket_suggest, name="ticket_suggest"),
    path("tickets/locate/", intake.ticket_locate, name="ticket_locate"),
    path("tickets/grids.geojson", intake.grid_layer, name="ticket_grid_layer"),
    path("tickets/mine/", resident.my_tickets, name="ticket_mine"),
    path("tickets/grid/", work.grid_inbox, name="ticket_grid_inbox"),
    path("tickets/triage/", work.triage_board, name="ticket_triage"),
    path("tickets/dispatch/", work.dispatch_console, name="ticket_dispatch"),
    path("tickets/department/", work.department_inbox, name="ticket_department"),
    path("tickets/supervision/", work.supervision_board, name="ticket_supervision"),
    path("tickets/<int:ticket_id>/", detail.ticket_detail, name="ticket_detail"),
    path("tickets/<int:ticket_id>/act/<slug:action>/", detail.ticket_action, name="ticket_action"),
    path(
        "tickets/<int:ticket_id>/whistles/<int:whistle_id>/<slug:action>/",
        detail.whistle_action,
        name="whistle_action",
    ),
    path("tickets/<int:ticket_id>/photos/<int:photo_id>/", detail.ticket_photo, name="ticket_photo"),
    path("rate/<str:token>/", resident.rate_by_link, name="ticket_rate"),
]

_DETAIL = frozenset({"web:ticket_detail"})

register(
    NavItem(
        key="ticket_submit",
        label=pgettext_lazy("nav", "我要反映"),
        url_name="web:ticket_submit",
        roles=RESIDENT_ROLES,
        order=20,
    ),
    NavItem(
        key="ticket_mine",
        label=pgettext_lazy("nav", "我的诉求"),
        url_name="web:ticket_mine",
        roles=RESIDENT_ROLES,
        order=21,
    ),
    NavItem(
        key="ticket_grid",
        label=pgettext_lazy("nav", "网格工作"),
        url_name="web:ticket_grid_inbox",
        roles=frozenset(PATROL_ROLES - {"street_staff", "community_staff", "admin"}),
        order=22,
        also_current=frozenset({"web:ticket_patrol"}),
    ),
    NavItem(
        key="ticket_triage",
        label=pgettext_lazy("nav", "社区分拨"),
        url_name="web:ticket_triage",
        roles=frozenset(TRIAGE_ROLES - {"street_staff"}),
        order=23,
    ),
    NavItem(
        key="ticket_dispatch",
        label=pgettext_lazy("nav", "吹哨调度"),
        url_name="web:ticket_dispatch",
        roles=DISPATCH_ROLES,
        order=24,
    ),
    NavItem(
        key="ticket_department",
        label=pgettext_lazy("nav", "部门工单"),
        url_name="web:ticket_department",
        roles=DEPARTMENT_ROLES,
        order=25,
    ),
    NavItem(
        key="ticket_supervision",
        label=pgettext_lazy("nav", "督办看板"),
        url_name="web:ticket_supervision",
        roles=BOARD_ROLES,
        order=26,
    ),
    NavItem(
        key="tickets",
        label=pgettext_lazy("nav", "诉求工单"),
        url_name="web:ticket_list",
        roles=LIST_ROLES,
        order=27,
        also_current=_DETAIL,
    ),
)
