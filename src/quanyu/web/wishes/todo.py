"""What micro-wishes contribute to the home page's to-do list (see ``quanyu.web.todo``): for
community staff, the wishes waiting for review, the fulfilled ones waiting for a confirmation
(the wisher's, or staff's after a phone call) and the disputed ones; for a wisher, their wishes
fulfilled and waiting for their confirmation. Counts use the same querysets as the linked pages
(the desk's staff scope, "my wishes"), one query per provider."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from quanyu.web.todo import TodoItem, TodoProvider, register_todo
from quanyu.wishes import selectors
from quanyu.wishes.access import POSTERS, STAFF
from quanyu.wishes.states import WishStatus

S = WishStatus


def desk_work(user: Any) -> list[TodoItem]:
    managed = selectors.wish_list_for(actor=user).filter(pk__in=selectors.staff_wish_ids(actor=user))
    n = managed.order_by().aggregate(
        submitted=Count("pk", filter=Q(status=S.SUBMITTED)),
        fulfilled=Count("pk", filter=Q(status=S.FULFILLED)),
        disputed=Count("pk", filter=Q(status=S.DISPUTED)),
    )
    desk = "web:wish_manage"
    return [
        TodoItem(
            key="wishes_submitted",
            label=_("待审核的微心愿"),
            count=n["submitted"],
            query="status=submitted",
            order=40,
            url_name=desk,
        ),
        TodoItem(
            key="wishes_fulfilled",
            label=_("待确认实现的微心愿"),
            count=n["fulfilled"],
            query="status=fulfilled",
            order=41,
            url_name=desk,
        ),
        TodoItem(
            key="wishes_disputed",
            label=_("有异议的微心愿"),
            count=n["disputed"],
            query="status=disputed",
            urgent=n["disputed"] > 0,
            order=42,
            url_name=desk,
        ),
    ]


def my_wishes(user: Any) -> list[TodoItem]:
    waiting = selectors.my_wishes(actor=user).filter(status=S.FULFILLED).count()
    if not waiting:
        return []
    return [
        TodoItem(
            key="wishes_to_confirm",
            label=_("待我确认的心愿"),
            count=waiting,
            url_name="web:wish_mine",
            order=15,
        )
    ]


register_todo(
    TodoProvider(key="wishes.desk", roles=STAFF, items=desk_work, order=40),
    TodoProvider(key="wishes.mine", roles=POSTERS, items=my_wishes, order=15),
)
