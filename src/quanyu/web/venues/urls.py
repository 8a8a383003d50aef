from django.urls import path
from django.utils.translation import pgettext_lazy

from quanyu.venues.access import EDITORS, READERS
from quanyu.web.nav import NavItem, register
from quanyu.web.venues import calendar, meetings, photos, projects, usage, views
from quanyu.web.venues.projects import HANDLERS

urlpatterns = [
    path("venues/", views.venue_list, name="venue_list"),
    path("venues/compliance/", views.compliance, name="venue_compliance"),
    path("venues/coverage/", views.coverage_page, name="venue_coverage"),
    path("venues/book/", views.book, name="venue_book"),
    path("venues/bookings/<int:booking_id>/<str:step>/", views.booking_step, name="venue_booking_step"),
    path("venues/meetings/", meetings.meeting_book, name="venue_meetings"),
    path("venues/usage/", usage.usage_page, name="venue_usage"),
    path("venues/projects/", projects.project_list, name="venue_projects"),
    path("venues/projects/new/", projects.project_new, name="venue_project_new"),
    path("venues/projects/<int:project_id>/", projects.project_detail, name="venue_project"),
    path("venues/projects/<int:project_id>/<str:action>/", projects.project_step, name="venue_project_step"),
    path("venues/<int:venue_id>/", views.venue_detail, name="venue_detail"),
    path("venues/plan-items/<int:item_id>/attendance/", views.plan_attendance, name="venue_plan_attendance"),
    path("venues/<int:venue_id>/calendar/", calendar.venue_calendar_page, name="venue_calendar"),
    path("venues/<int:venue_id>/calendar/activity/", calendar.plan_activity_add, name="venue_plan_activity"),
    path("venues/<int:venue_id>/photos/", photos.photo_upload, name="venue_photo_upload"),
    path("venues/photos/<int:photo_id>/delete/", photos.photo_remove, name="venue_photo_remove"),
    path("v/<int:venue_id>/", views.venue_public, name="venue_public"),
    path("v/<int:venue_id>/print/", views.venue_plan_print, name="venue_plan_print"),
    path("v/<int:venue_id>/plan.xlsx", views.venue_plan_xlsx, name="venue_plan_xlsx"),
    path("v/<int:venue_id>/photos/<int:photo_id>.jpg", photos.photo_file, name="venue_photo_file"),
]

register(
    NavItem(
        key="venues",
        group="venues",
        label=pgettext_lazy("nav", "阵地名录"),
        url_name="web:venue_list",
        roles=READERS,
        order=45,
        also_current=frozenset({"web:venue_detail", "web:venue_calendar"}),
    ),
    NavItem(
        key="venue_compliance",
        group="venues",
        label=pgettext_lazy("nav", "阵地达标"),
        url_name="web:venue_compliance",
        roles=READERS,
        order=46,
    ),
    NavItem(
        key="venue_coverage",
        group="venues",
        label=pgettext_lazy("nav", "服务圈覆盖"),
        url_name="web:venue_coverage",
        roles=READERS,
        order=46,
    ),
    NavItem(
        key="venue_usage",
        group="venues",
        label=pgettext_lazy("nav", "阵地使用"),
        url_name="web:venue_usage",
        roles=READERS,
        order=46,
    ),
    NavItem(
        key="venue_projects",
        group="venues",
        label=pgettext_lazy("nav", "阵地建设"),
        url_name="web:venue_projects",
        roles=HANDLERS,
        order=46,
        also_current=frozenset({"web:venue_project", "web:venue_project_new"}),
    ),
    NavItem(
        key="venue_meetings",
        group="venues",
        label=pgettext_lazy("nav", "三会一课场地"),
        url_name="web:venue_meetings",
        roles=EDITORS,
        order=47,
    ),
    NavItem(
        key="venue_book",
        label=pgettext_lazy("nav", "场地预约"),
        url_name="web:venue_book",
        order=47,
    ),
)
