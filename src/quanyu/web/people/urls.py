from django.urls import path
from django.utils.translation import gettext_lazy as _

from quanyu.core.roles import Role
from quanyu.people.access import AUDITORS, EDITORS, READERS
from quanyu.web.nav import NavItem, register
from quanyu.web.people import mine, transfers
from quanyu.web.people import views as people

urlpatterns = [
    path("people/members/", people.member_list, name="people_members"),
    path("people/members/export.xlsx", people.member_export, name="people_member_export"),
    path("people/members/<int:member_id>/", people.member_detail, name="people_member"),
    path("people/reveal/<str:kind>/<int:person_id>/", people.reveal, name="people_reveal"),
    path("people/residents/", people.resident_list, name="people_residents"),
    path("people/reports/", people.report_list, name="people_reports"),
    path("people/reports/<int:report_id>/decide/", people.report_decide, name="people_report_decide"),
    path("people/posts/", people.post_list, name="people_posts"),
    path("people/points/", people.points_pending, name="people_points"),
    path("people/rankings/", people.rankings, name="people_rankings"),
    path("people/board/", people.contact_board, name="people_board"),
    path("people/floating/", people.floating_list, name="people_floating"),
    path("people/import/", people.roster_import, name="people_import"),
    path("people/import/errors.xlsx", people.import_errors, name="people_import_errors"),
    path("people/import/template-<str:kind>.xlsx", people.import_template, name="people_import_template"),
    path("people/transfers/", transfers.transfer_list, name="people_transfers"),
    path(
        "people/transfers/<int:transfer_id>/decide/",
        transfers.transfer_decide_view,
        name="people_transfer_decide",
    ),
    path("audit/", people.audit_log, name="audit_log"),
    path("people/me/", mine.my_party, name="people_me"),
]

register(
    NavItem(
        key="members",
        group="people",
        label=_("党员"),
        url_name="web:people_members",
        roles=READERS,
        order=20,
        also_current=frozenset({"web:people_member", "web:people_rankings", "web:people_floating"}),
    ),
    NavItem(
        key="residents",
        group="people",
        label=_("居民"),
        url_name="web:people_residents",
        roles=READERS,
        order=21,
    ),
    NavItem(
        key="reports",
        group="people",
        label=_("双报到"),
        url_name="web:people_reports",
        roles=READERS,
        order=22,
        also_current=frozenset({"web:people_posts", "web:people_points"}),
    ),
    NavItem(
        key="people_import",
        group="people",
        label=_("名册导入"),
        url_name="web:people_import",
        roles=EDITORS,
        order=23,
    ),
    NavItem(
        key="people_me",
        group="people",
        label=_("我的党员服务"),
        url_name="web:people_me",
        roles=frozenset({Role.PARTY_MEMBER}),
        order=19,
    ),
    NavItem(
        key="people_transfers",
        group="people",
        label=_("组织关系转接"),
        url_name="web:people_transfers",
        roles=EDITORS,
        order=25,
    ),
    NavItem(key="board", group="people", label=_("连心牌"), url_name="web:people_board", order=24),
    NavItem(
        key="audit", group="system", label=_("审计日志"), url_name="web:audit_log", roles=AUDITORS, order=90
    ),
)

# The confirmations waiting, on the home page's to-do list.
from quanyu.web.people import todo as _todo  # noqa: E402, F401
