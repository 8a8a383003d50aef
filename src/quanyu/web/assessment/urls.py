from django.urls import path
from django.utils.translation import gettext_lazy as _

from quanyu.assessment.access import RANKING_VIEWERS
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
