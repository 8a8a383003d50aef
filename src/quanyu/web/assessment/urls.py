from django.urls import path
from django.utils.translation import gettext_lazy as _

from quanyu.assessment.access import RANKING_VIEWERS
from quanyu.assessment.indicators.access import COCKPIT_VIEWERS, VIEWERS
from quanyu.web.assessment import cockpit, duty, indicators
from quanyu.web.assessment import views as assessment
from quanyu.web.nav import NavItem, register

urlpatterns = [
    path("assessment/departments/", assessment.ranking, name="assessment_ranking"),
    path("assessment/departments/export.xlsx", assessment.ranking_export, name="assessment_export"),
    path(
        "assessment/departments/<int:department_id>/tickets/",
        assessment.drilldown,
        name="assessment_drilldown",
    ),
    path("assessment/bulletins/", assessment.bulletin_list, name="assessment_bulletins"),
    path("assessment/bulletins/publish/", assessment.bulletin_publish, name="assessment_publish"),
    path("assessment/bulletins/<int:bulletin_id>/", assessment.bulletin_detail, name="assessment_bulletin"),
    # Indicator-based assessment (web/assessment/indicators.py) and the cockpit (cockpit.py).
    path("assessment/sets/", indicators.set_list, name="assessment_sets"),
    path("assessment/sets/new/", indicators.set_create, name="assessment_set_create"),
    path("assessment/sets/<int:set_id>/", indicators.set_detail, name="assessment_set"),
    path("assessment/sets/<int:set_id>/ranking/", indicators.set_ranking, name="assessment_set_ranking"),
    path(
        "assessment/sets/<int:set_id>/ranking/export.xlsx",
        indicators.set_ranking_export,
        name="assessment_set_export",
    ),
    path("assessment/sets/<int:set_id>/bulletin/", indicators.set_bulletin, name="assessment_set_bulletin"),
    # 述职评议 (web/assessment/duty.py), before the steps' catch-all.
    path("assessment/sets/<int:set_id>/duty/", duty.duty_list, name="assessment_duty"),
    path("assessment/sets/<int:set_id>/duty/submit/", duty.duty_submit, name="assessment_duty_submit"),
    path("assessment/duty/<int:report_id>/", duty.duty_report, name="assessment_duty_report"),
    path("assessment/duty/<int:report_id>/review/", duty.duty_review, name="assessment_duty_review"),
    path("assessment/evidence/<int:evidence_id>/", indicators.evidence_file, name="assessment_evidence"),
    path("assessment/sets/<int:set_id>/<slug:step>/", indicators.set_step, name="assessment_set_step"),
    path("assessment/indicators/<int:indicator_id>/rows/", indicators.indicator_rows, name="assessment_rows"),
    path("cockpit/", cockpit.cockpit_page, name="cockpit"),
    path("cockpit/tickets/", cockpit.cockpit_tickets, name="cockpit_tickets"),
    path("cockpit/records/", cockpit.cockpit_records, name="cockpit_records"),
]

register(
    NavItem(
        key="assessment",
        group="assessment",
        label=_("部门考核"),
        url_name="web:assessment_ranking",
        roles=RANKING_VIEWERS,
        order=70,
        also_current=frozenset(
            {
                "web:assessment_drilldown",
                "web:assessment_bulletins",
                "web:assessment_bulletin",
            }
        ),
    )
)
register(
    NavItem(
        key="assessment_sets",
        group="assessment",
        label=_("指标考核"),
        url_name="web:assessment_sets",
        roles=VIEWERS,
        order=71,
        also_current=frozenset(
            {
                "web:assessment_set",
                "web:assessment_set_ranking",
                "web:assessment_rows",
                "web:assessment_set_step",
                "web:assessment_duty",
                "web:assessment_duty_report",
            }
        ),
    )
)
register(
    NavItem(
        key="cockpit",
        group="assessment",
        label=_("领导驾驶舱"),
        url_name="web:cockpit",
        roles=COCKPIT_VIEWERS,
        order=72,
        also_current=frozenset({"web:cockpit_tickets", "web:cockpit_records"}),
    )
)
