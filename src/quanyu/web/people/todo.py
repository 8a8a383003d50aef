"""What the party-member register contributes to the home page's to-do list (see
``quanyu.web.todo``): the community's confirmations waiting — 双报到 reports and point requests.
Counts read through the people selectors (scoped), so they equal the linked pages' lists."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from quanyu.people import selectors
from quanyu.people.access import EDITORS
from quanyu.people.states import PointRequestStatus, ReportStatus
from quanyu.web.todo import TodoItem, TodoProvider, register_todo


def confirmations(user: Any) -> list[TodoItem]:
    return [
        TodoItem(
            key="reports_submitted",
            label=_("待确认的双报到"),
            count=selectors.report_list_for(actor=user, status=ReportStatus.SUBMITTED).count(),
            url_name="web:people_reports",
            query=f"status={ReportStatus.SUBMITTED.value}",
            order=25,
        ),
        TodoItem(
            key="points_pending",
            label=_("待审核的积分申请"),
            count=selectors.point_request_list_for(actor=user, status=PointRequestStatus.PENDING).count(),
            url_name="web:people_points",
            order=26,
        ),
    ]


register_todo(TodoProvider(key="people.confirmations", roles=EDITORS, items=confirmations, order=25))
