"""What volunteering contributes to the home page's to-do list (see ``quanyu.web.todo``): for an
organiser (staff of an area, or a team's leader), the service hours waiting for approval and the
volunteers' correction requests, the two lists of the hours page, counted with its selectors."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from quanyu.volunteering import selectors
from quanyu.web.todo import TodoItem, TodoProvider, register_todo


def organiser_work(user: Any) -> list[TodoItem]:
    if not selectors.is_any_organiser(user):
        return []
    hours = selectors.signup_list_for(actor=user, hours_status="pending").count()
    corrections = (
        selectors.correction_list_for(actor=user).exclude(signup__volunteer__user_id=user.pk).count()
    )
    return [
        TodoItem(
            key="hours_pending",
            label=_("待审核的志愿服务时长"),
            count=hours,
            url_name="web:volunteering_hours",
            order=45,
        ),
        TodoItem(
            key="hours_corrections",
            label=_("待处理的时长更正申请"),
            count=corrections,
            url_name="web:volunteering_hours",
            order=46,
        ),
    ]


register_todo(TodoProvider(key="volunteering.hours", items=organiser_work, order=45))
