"""What co-governance contributes to the home page's to-do list (see ``quanyu.web.todo``): the
joint meetings' resolution tasks past their deadline in the reader's scope, the count the task
list shows with its "overdue" filter (``task_list_for(overdue=True)``)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from quanyu.cogov import selectors
from quanyu.cogov.access import KEEPERS
from quanyu.core.roles import Role
from quanyu.web.todo import TodoItem, TodoProvider, register_todo


def overdue_tasks(user: Any) -> list[TodoItem]:
    n = selectors.task_list_for(actor=user, overdue=True).count()
    return [
        TodoItem(
            key="cogov_tasks_overdue",
            label=_("逾期的共治决议任务"),
            count=n,
            url_name="web:cogov_tasks",
            query="overdue=1",
            urgent=n > 0,
            order=50,
        )
    ]


# The owning departments see their own tasks (co-governance selectors add their units).
register_todo(
    TodoProvider(key="cogov.tasks", roles=KEEPERS | {Role.DEPARTMENT_HANDLER}, items=overdue_tasks, order=50)
)
