"""Routes of the ticket pages, and their entries in the app shell's navigation."""

from django.urls import path
from django.utils.translation import pgettext_lazy

from quanyu.tickets.callbacks import CALLBACK_VIEWER_ROLES
from quanyu.web.nav import NavItem, register
from quanyu.web.tickets.views import desk, detail, feedback, intake, resident, work
from quanyu.web.tickets.views.common import (
    APPEAL_ROLES,
    BOARD_ROLES,
    DEPARTMENT_ROLES,
    DISPATCH_ROLES,
    LIST_ROLES,
    PATROL_ROLES,
    REHANDLING_ROLES,
    RESIDENT_ROLES,
    TRIAGE_ROLES,
    WINDOW_ROLES,
)

urlpatterns = [
    path("tickets/", work.ticket_list, name="ticket_list"),
    path("tickets/new/", intake.ticket_submit, name="ticket_submit"),
    path("tickets/patrol/", intake.ticket_patrol, name="ticket_patrol"),
    path("tickets/suggest/", intake.ticket_suggest, name="ticket_suggest"),
    path("tickets/locate/", intake.ticket_locate, name="ticket_locate"),
    path("tickets/similar/", intake.ticket_similar_draft, name="ticket_similar_draft"),
    path("tickets/grids.geojson", intake.grid_layer, name="ticket_grid_layer"),
    path("tickets/base.geojson", intake.base_layer, name="ticket_base_layer"),
    path("tickets/buildings.json", intake.building_layer, name="ticket_building_layer"),
    path("tickets/places.json", intake.place_search, name="ticket_place_search"),
    path("tickets/mine/", resident.my_tickets, name="ticket_mine"),
    path("tickets/grid/", work.grid_inbox, name="ticket_grid_inbox"),
    path("tickets/triage/", work.triage_board, name="ticket_triage"),
    path("tickets/dispatch/", work.dispatch_console, name="ticket_dispatch"),
    path("tickets/department/", work.department_inbox, name="ticket_department"),
    path("tickets/supervision/", work.supervision_board, name="ticket_supervision"),
    path("tickets/window/", desk.window_desk, name="ticket_window"),
    path("tickets/window/<int:ticket_id>/receipt/", desk.window_receipt, name="ticket_window_receipt"),
    path("tickets/window/<int:ticket_id>/notice/", desk.window_notice, name="ticket_window_notice"),
    path("tickets/window/<int:ticket_id>/materials/", desk.window_materials, name="ticket_window_materials"),
    path("tickets/appeals/", feedback.appeal_list, name="ticket_appeals"),
    path("tickets/rehandling/", feedback.rehandling_ledger, name="ticket_rehandling"),
    path(
        "tickets/rehandling/<int:entry_id>/close/", feedback.rehandling_close, name="ticket_rehandling_close"
    ),
    path("tickets/callbacks/", feedback.callback_status, name="ticket_callbacks"),
    path("tickets/callbacks/<int:department_id>/", feedback.callback_worklist, name="ticket_callback_list"),
    path("tickets/<int:ticket_id>/contact/", feedback.callback_contact, name="ticket_contact"),
    path(
        "tickets/<int:ticket_id>/ratings/<int:rating_id>/<slug:action>/",
        detail.rating_action,
        name="rating_action",
    ),
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
        group="tickets",
        label=pgettext_lazy("nav", "我要反映"),
        url_name="web:ticket_submit",
        roles=RESIDENT_ROLES,
        order=20,
    ),
    NavItem(
        key="ticket_mine",
        group="tickets",
        label=pgettext_lazy("nav", "我的诉求"),
        url_name="web:ticket_mine",
        roles=RESIDENT_ROLES,
        order=21,
    ),
    NavItem(
        key="ticket_grid",
        group="tickets",
        label=pgettext_lazy("nav", "网格工作"),
        url_name="web:ticket_grid_inbox",
        roles=frozenset(PATROL_ROLES - {"street_staff", "community_staff", "admin"}),
        order=22,
        also_current=frozenset({"web:ticket_patrol"}),
    ),
    NavItem(
        key="ticket_triage",
        group="tickets",
        label=pgettext_lazy("nav", "社区分拨"),
        url_name="web:ticket_triage",
        roles=frozenset(TRIAGE_ROLES - {"street_staff"}),
        order=23,
    ),
    NavItem(
        key="ticket_dispatch",
        group="tickets",
        label=pgettext_lazy("nav", "吹哨调度"),
        url_name="web:ticket_dispatch",
        roles=DISPATCH_ROLES,
        order=24,
    ),
    NavItem(
        key="ticket_department",
        group="tickets",
        label=pgettext_lazy("nav", "部门工单"),
        url_name="web:ticket_department",
        roles=DEPARTMENT_ROLES,
        order=25,
    ),
    NavItem(
        key="ticket_supervision",
        group="tickets",
        label=pgettext_lazy("nav", "督办看板"),
        url_name="web:ticket_supervision",
        roles=BOARD_ROLES,
        order=26,
    ),
    NavItem(
        key="tickets",
        group="tickets",
        label=pgettext_lazy("nav", "诉求工单"),
        url_name="web:ticket_list",
        roles=LIST_ROLES,
        order=27,
        also_current=_DETAIL,
    ),
    NavItem(
        key="ticket_window",
        group="tickets",
        label=pgettext_lazy("nav", "一窗受理"),
        url_name="web:ticket_window",
        roles=WINDOW_ROLES,
        order=28,
        also_current=frozenset(
            {"web:ticket_window_receipt", "web:ticket_window_notice", "web:ticket_window_materials"}
        ),
    ),
    NavItem(
        key="ticket_appeals",
        group="tickets",
        label=pgettext_lazy("nav", "评价申诉"),
        url_name="web:ticket_appeals",
        roles=APPEAL_ROLES,
        order=29,
    ),
    NavItem(
        key="ticket_rehandling",
        group="tickets",
        label=pgettext_lazy("nav", "重办台账"),
        url_name="web:ticket_rehandling",
        roles=REHANDLING_ROLES,
        order=30,
    ),
    NavItem(
        key="ticket_callbacks",
        group="tickets",
        label=pgettext_lazy("nav", "回访抽查"),
        url_name="web:ticket_callbacks",
        roles=CALLBACK_VIEWER_ROLES,
        order=31,
        also_current=frozenset({"web:ticket_callback_list"}),
    ),
)

# The tiers' lines of the home page's to-do list register with the navigation.
from quanyu.web.tickets import todo as _todo  # noqa: E402, F401
