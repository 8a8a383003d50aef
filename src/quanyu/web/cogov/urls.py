from django.urls import path
from django.utils.translation import pgettext_lazy

from quanyu.cogov.access import READERS
from quanyu.cogov.services.deliberation import RESIDENTS
from quanyu.core.roles import Role
from quanyu.web.cogov.views import contracts, deliberation, matching, meetings, projects
from quanyu.web.nav import NavItem, register

urlpatterns = [
    path("cogov/contracts/", contracts.contract_list, name="cogov_contracts"),
    path("cogov/contracts/export.xlsx", contracts.contract_export, name="cogov_contract_export"),
    path("cogov/contracts/<int:contract_id>/", contracts.contract_detail, name="cogov_contract"),
    path("cogov/contracts/<int:contract_id>/letter/", contracts.feedback_letter, name="cogov_letter"),
    path(
        "cogov/contracts/<int:contract_id>/letter.pdf", contracts.feedback_letter_pdf, name="cogov_letter_pdf"
    ),
    path(
        "cogov/contracts/<int:contract_id>/agreement.pdf", contracts.agreement_pdf, name="cogov_agreement_pdf"
    ),
    path(
        "cogov/contracts/<int:contract_id>/<str:step>/", contracts.contract_step, name="cogov_contract_step"
    ),
    path("cogov/meetings/", meetings.body_list, name="cogov_bodies"),
    path("cogov/sessions/<int:session_id>/", meetings.session_detail, name="cogov_session"),
    path("cogov/sessions/<int:session_id>/<str:step>/", meetings.session_step, name="cogov_session_step"),
    path("cogov/tasks/", meetings.task_list, name="cogov_tasks"),
    path("cogov/tasks/<int:task_id>/", meetings.task_detail, name="cogov_task"),
    path("cogov/tasks/<int:task_id>/<str:step>/", meetings.task_step, name="cogov_task_step"),
    path("cogov/matching/", matching.matching_page, name="cogov_matching"),
    path("cogov/projects/", projects.project_list, name="cogov_projects"),
    path("cogov/projects/export.xlsx", projects.project_export, name="cogov_project_export"),
    path("cogov/projects/<int:project_id>/", projects.project_detail, name="cogov_project"),
    path("cogov/projects/<int:project_id>/<str:step>/", projects.project_step, name="cogov_project_step"),
    path("cogov/admission/", projects.admission, name="cogov_admission"),
    path("cogov/admission/export.xlsx", projects.admission_export, name="cogov_admission_export"),
    path("cogov/admission/list.xlsx", projects.admission_items_export, name="cogov_admission_items_export"),
    path("cogov/admission/push/", projects.admission_push, name="cogov_admission_push"),
    path("cogov/admission/<int:request_id>/", projects.admission_detail, name="cogov_admission_request"),
    path(
        "cogov/admission/<int:request_id>/decide/", projects.admission_decide, name="cogov_admission_decide"
    ),
    path("cogov/deliberations/", deliberation.deliberation_list, name="cogov_deliberations"),
    path(
        "cogov/communities/<int:community_id>/deliberations/",
        deliberation.community_deliberations,
        name="cogov_community_deliberations",
    ),
    path("cogov/deliberations/new/", deliberation.deliberation_new, name="cogov_deliberation_new"),
    path(
        "cogov/deliberations/<int:deliberation_id>/",
        deliberation.deliberation_detail,
        name="cogov_deliberation",
    ),
    path(
        "cogov/deliberations/<int:deliberation_id>/<str:step>/",
        deliberation.deliberation_step,
        name="cogov_deliberation_step",
    ),
]

register(
    NavItem(
        key="cogov_contracts",
        group="cogov",
        label=pgettext_lazy("nav", "共建契约"),
        url_name="web:cogov_contracts",
        roles=READERS,
        order=60,
        also_current=frozenset({"web:cogov_contract", "web:cogov_letter"}),
    ),
    NavItem(
        key="cogov_meetings",
        group="cogov",
        label=pgettext_lazy("nav", "联席会议"),
        url_name="web:cogov_bodies",
        roles=READERS,
        order=61,
        also_current=frozenset({"web:cogov_session"}),
    ),
    NavItem(
        key="cogov_tasks",
        group="cogov",
        label=pgettext_lazy("nav", "决议任务"),
        url_name="web:cogov_tasks",
        roles=READERS,
        order=62,
        also_current=frozenset({"web:cogov_task"}),
    ),
    NavItem(
        key="cogov_deliberations",
        group="cogov",
        label=pgettext_lazy("nav", "民主协商"),
        url_name="web:cogov_deliberations",
        roles=READERS | RESIDENTS,
        order=63,
        also_current=frozenset({"web:cogov_deliberation"}),
    ),
    NavItem(
        key="cogov_projects",
        group="cogov",
        label=pgettext_lazy("nav", "书记领办"),
        url_name="web:cogov_projects",
        roles=READERS,
        order=64,
        also_current=frozenset({"web:cogov_project"}),
    ),
    NavItem(
        key="cogov_admission",
        group="cogov",
        label=pgettext_lazy("nav", "社区事务准入"),
        url_name="web:cogov_admission",
        roles=READERS | {Role.DEPARTMENT_HANDLER},
        order=65,
        also_current=frozenset({"web:cogov_admission_request"}),
    ),
    NavItem(
        key="cogov_matching",
        group="cogov",
        label=pgettext_lazy("nav", "资源匹配"),
        url_name="web:cogov_matching",
        roles=READERS,
        order=66,
    ),
)

from quanyu.web.cogov import todo as _todo  # noqa: E402, F401
