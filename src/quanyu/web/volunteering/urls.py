from django.urls import path
from django.utils.translation import pgettext_lazy

from quanyu.core.roles import REGISTRY_EDITORS
from quanyu.web.nav import NavItem, register
from quanyu.web.volunteering import rooms, views

urlpatterns = [
    path("volunteering/", views.activity_list, name="volunteering_activities"),
    path("volunteering/activities/<int:activity_id>/", views.activity_detail, name="volunteering_activity"),
    path(
        "volunteering/activities/<int:activity_id>/signup/", views.activity_signup, name="volunteering_signup"
    ),
    path(
        "volunteering/activities/<int:activity_id>/manage/",
        rooms.activity_manage,
        name="volunteering_activity_manage",
    ),
    path("volunteering/activities/<int:activity_id>/phone/", views.phone_signup, name="volunteering_phone"),
    path("volunteering/signups/<int:signup_id>/<str:step>/", views.signup_step, name="volunteering_step"),
    path("volunteering/checkin/", views.checkin, name="volunteering_checkin"),
    path("volunteering/me/", views.me, name="volunteering_me"),
    path("volunteering/register/", views.register, name="volunteering_register"),
    path("volunteering/certificates/", views.certificate_request, name="volunteering_certificate_request"),
    path(
        "volunteering/certificates/<int:certificate_id>.pdf",
        views.certificate_download,
        name="volunteering_certificate_pdf",
    ),
    path("volunteering/verify/", views.verify, name="volunteering_verify"),
    path("volunteering/hours/", views.hours_queue, name="volunteering_hours"),
    path("volunteering/hours/export.xlsx", views.hours_export, name="volunteering_export"),
    path(
        "volunteering/corrections/<int:request_id>/decide/",
        views.correction_decide,
        name="volunteering_correction_decide",
    ),
    path("volunteering/organise/", views.organise, name="volunteering_organise"),
    path("volunteering/teams/", views.team_list, name="volunteering_teams"),
    path("volunteering/teams/export.xlsx", views.team_export, name="volunteering_team_export"),
    path("volunteering/volunteers/export.xlsx", views.volunteer_export, name="volunteering_volunteer_export"),
    path("volunteering/import/", views.roster_import, name="volunteering_import"),
    path("volunteering/volunteers/", views.volunteer_list, name="volunteering_volunteers"),
]

register(
    NavItem(
        key="volunteering",
        group="people",
        label=pgettext_lazy("nav", "志愿活动"),
        url_name="web:volunteering_activities",
        roles=None,
        order=30,
        also_current=frozenset({"web:volunteering_activity", "web:volunteering_checkin"}),
    ),
    NavItem(
        key="volunteering_me",
        group="people",
        label=pgettext_lazy("nav", "我的志愿服务"),
        url_name="web:volunteering_me",
        roles=None,
        order=31,
    ),
    NavItem(
        key="volunteering_hours",
        group="people",
        label=pgettext_lazy("nav", "志愿时长审核"),
        url_name="web:volunteering_hours",
        roles=REGISTRY_EDITORS,
        order=32,
        also_current=frozenset(
            {
                "web:volunteering_teams",
                "web:volunteering_volunteers",
                "web:volunteering_import",
                "web:volunteering_organise",
            }
        ),
    ),
)

from quanyu.web.volunteering import todo as _todo  # noqa: E402, F401
