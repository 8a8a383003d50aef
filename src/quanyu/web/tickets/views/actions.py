"""The actions a user may take on a ticket or a whistle, as a table.

Each action names its button, its form, when it is offered (the ticket's state against the
transition table, and the user's roles at the ticket's place — the same rules the services apply)
and the one service it calls. The pages show the buttons of ``offered_*``; the action view binds
the form and calls ``run``; the service decides for real (a refused step changes nothing)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from quanyu.catalog.models import Tier
from quanyu.core.permissions import has_role
from quanyu.tickets import selectors, services
from quanyu.tickets.access import (
    CALLBACK_ROLES,
    STREET_ROLES,
    SUPERVISOR_ROLES,
    can_act_at_tier,
    can_handle_whistle,
    handler_unit_ids,
    is_requester,
)
from quanyu.tickets.conf import rating_url
from quanyu.tickets.models import Rating, RatingLevel, Ticket, Whistle
from quanyu.tickets.services.whistles import assisting_open
from quanyu.tickets.states import OPEN_STATUSES, WHISTLE_OPEN, TicketStatus, WhistleStatus
from quanyu.web.tickets import forms as f

S = TicketStatus
W = WhistleStatus
OPEN = {s.value for s in OPEN_STATUSES}
W_OPEN = {s.value for s in WHISTLE_OPEN}


def _tier(actor: Any, t: Ticket) -> bool:
    return can_act_at_tier(actor, t)


def _street(actor: Any, t: Ticket) -> bool:
    return has_role(actor, STREET_ROLES, at_path=t.area_path)


def _awaiting_materials(t: Ticket) -> bool:
    """A one-window application waiting for the materials of its one-time notice: it is not
    accepted or assigned until the desk records them (the services refuse it too)."""
    return t.materials_notice_at is not None


def _open_whistles(t: Ticket) -> list[Whistle]:
    return [w for w in t.whistles.all() if w.status in W_OPEN]


def _whistle_initial(t: Ticket) -> dict[str, Any]:
    """What the catalogue says for the ticket's category: its departments (those not already at
    work on the ticket) and its lead, unless a lead department is at work already."""
    category = t.category or t.suggested_category
    open_now = _open_whistles(t)
    has_lead = any(w.lead for w in open_now)
    if category is None:
        return {"departments": [], "lead": None, "has_lead": has_lead}
    busy = {w.department_id for w in open_now}
    ids = [d.pk for d in category.departments.all() if d.pk not in busy]
    lead = category.lead_department_id if category.lead_department_id not in busy else None
    return {"departments": ids, "lead": None if has_lead else lead, "has_lead": has_lead}


def _assign_form(t: Ticket, data: Any = None, files: Any = None, actor: Any = None) -> forms.Form:
    return f.AssignForm(data, assignees=selectors.ticket_assignee_choices(actor=actor, ticket=t))


def _whistle_form(t: Ticket, data: Any = None, files: Any = None, actor: Any = None) -> forms.Form:
    departments = selectors.whistle_department_choices(actor=actor, ticket=t)
    suggested = _whistle_initial(t)
    return f.WhistleForm(
        data,
        departments=departments,
        suggested=suggested["departments"],
        suggested_lead=suggested["lead"],
        has_lead=suggested["has_lead"],
        initial={"departments": suggested["departments"], "lead": suggested["lead"]},
    )


def _reassign_form(t: Ticket, data: Any = None, files: Any = None, actor: Any = None) -> forms.Form:
    return f.ReassignForm(data, areas=selectors.ticket_reassign_choices(actor=actor, ticket=t))


def _merge(actor: Any, t: Ticket, data: dict[str, Any]) -> Any:
    try:
        original = selectors.ticket_get_for(actor=actor, ticket_id=data["into"])
    except Http404:
        raise ValidationError({"into": _("找不到编号为 %(n)s 的诉求") % {"n": data["into"]}}) from None
    return services.ticket_merge(actor=actor, ticket=t, into=original, reason=data.get("reason", ""))


@dataclass(frozen=True)
class Action:
    key: str
    label: str | Promise
    # (target, data=None, files=None, actor=None) → the bound or unbound form; ``actor`` picks the
    # choices the user may make (departments to whistle, colleagues to assign).
    form: Callable[..., forms.Form]
    offered: Callable[[Any, Any], bool]
    run: Callable[[Any, Any, dict[str, Any]], Any]
    done: str | Promise
    tone: str = "secondary"
    # An action without input fields is one button (a confirmation is enough).
    inline: bool = False
    # The submit button's words when "确认<label>" would not read well (a label that already
    # confirms, as 确认分类 does).
    submit: str | Promise | None = None

    def build(self, target: Any, data: Any = None, files: Any = None, actor: Any = None) -> forms.Form:
        """The action's form for ``target`` with element ids of its own (``<key>-<kind><pk>-<field>``),
        so that the many forms of one page (every action, every whistle, every card of a board)
        never repeat an id and each label points at its own field."""
        form = self.form(target, data, files, actor=actor)
        form.auto_id = f"{self.key}-{type(target).__name__.lower()}{target.pk}-%s"
        return form


def _whistle_resolve_form(w: Any, data: Any = None, files: Any = None, actor: Any = None) -> forms.Form:
    """The lead's 办结 form names the assisting parts still open and asks why it answers first;
    everyone else's has no such field."""
    form = f.WhistleResolveForm(data, files)
    waiting = assisting_open(w.ticket, w) if (w.lead and w.ticket.status == S.WHISTLED) else []
    if waiting:
        form.fields["override_reason"].help_text = _(
            "协办部门（%(names)s）尚未办结。主办部门一般应待其办结后统一答复；如需先行办结，请填写理由。"
        ) % {"names": "、".join(x.department.name for x in waiting)}
    else:
        del form.fields["override_reason"]
    return form


def _form(cls: type[forms.Form]) -> Callable[..., forms.Form]:
    def build(t: Any, data: Any = None, files: Any = None, actor: Any = None) -> forms.Form:
        return cls(data, files)

    return build


TICKET_ACTIONS: dict[str, Action] = {
    a.key: a
    for a in [
        Action(
            "accept",
            gettext_lazy("受理"),
            _form(f.NoteForm),
            lambda u, t: t.status == S.NEW and not _awaiting_materials(t) and _tier(u, t),
            lambda u, t, d: services.ticket_accept(actor=u, ticket=t, note=d.get("note", "")),
            gettext_lazy("已受理"),
            tone="primary",
            inline=True,
        ),
        Action(
            "categorise",
            gettext_lazy("确认分类"),
            lambda t, data=None, files=None, actor=None: f.CategoriseForm(
                data, initial={"category": t.category_id or t.suggested_category_id}
            ),
            lambda u, t: t.status in OPEN and _tier(u, t),
            lambda u, t, d: services.ticket_categorise(actor=u, ticket=t, category=d["category"]),
            gettext_lazy("分类已确认"),
            submit=gettext_lazy("确认分类"),
        ),
        Action(
            "assign",
            gettext_lazy("分派"),
            lambda t, data=None, files=None, actor=None: f.AssignForm(
                data, assignees=selectors.ticket_assignee_choices(actor=actor, ticket=t)
            ),
            lambda u, t: t.status in (S.NEW, S.IN_PROGRESS) and not _awaiting_materials(t) and _tier(u, t),
            lambda u, t, d: services.ticket_assign(
                actor=u, ticket=t, assignee=d["assignee"], note=d.get("note", "")
            ),
            gettext_lazy("已分派"),
        ),
        Action(
            "escalate",
            gettext_lazy("上报"),
            _form(f.ReasonForm),
            lambda u, t: t.status in (S.NEW, S.IN_PROGRESS) and t.tier != Tier.STREET and _tier(u, t),
            lambda u, t, d: services.ticket_escalate(actor=u, ticket=t, reason=d["reason"]),
            gettext_lazy("已上报"),
            tone="primary",
        ),
        Action(
            "resolve",
            gettext_lazy("办结"),
            _form(f.ResolveForm),
            lambda u, t: t.status == S.IN_PROGRESS and _tier(u, t),
            lambda u, t, d: services.ticket_resolve(
                actor=u, ticket=t, explanation=d["explanation"], photos=d.get("photos", [])
            ),
            gettext_lazy("已办结，已请诉求人评价"),
            tone="primary",
        ),
        Action(
            "whistle",
            gettext_lazy("吹哨呼叫部门"),
            _whistle_form,
            lambda u, t: t.tier == Tier.STREET and t.status in (S.IN_PROGRESS, S.WHISTLED) and _street(u, t),
            lambda u, t, d: services.ticket_whistle(
                actor=u,
                ticket=t,
                departments=list(d["departments"]),
                lead=d.get("lead"),
                note=d.get("note", ""),
            ),
            gettext_lazy("已吹哨呼叫部门"),
            tone="primary",
        ),
        Action(
            "reassign",
            gettext_lazy("交办下级"),
            lambda t, data=None, files=None, actor=None: f.ReassignForm(
                data, areas=selectors.ticket_reassign_choices(actor=actor, ticket=t)
            ),
            lambda u, t: (
                t.tier == Tier.STREET
                and t.status in (S.NEW, S.IN_PROGRESS)
                and not _open_whistles(t)
                and _street(u, t)
            ),
            lambda u, t, d: services.ticket_reassign(actor=u, ticket=t, area=d["area"], reason=d["reason"]),
            gettext_lazy("已交办"),
        ),
        Action(
            "supervise",
            gettext_lazy("督办"),
            _form(f.ReasonForm),
            lambda u, t: t.status in OPEN and has_role(u, SUPERVISOR_ROLES, at_path=t.area_path),
            lambda u, t, d: services.ticket_supervise(actor=u, ticket=t, reason=d["reason"]),
            gettext_lazy("已发督办单"),
        ),
        Action(
            "merge",
            gettext_lazy("合并重复"),
            _form(f.MergeForm),
            lambda u, t: t.status in OPEN and _tier(u, t),
            _merge,
            gettext_lazy("已合并到原诉求"),
        ),
        Action(
            "transfer",
            gettext_lazy("应急转出"),
            _form(f.TransferForm),
            lambda u, t: t.status in OPEN and (_tier(u, t) or _street(u, t)),
            lambda u, t, d: services.ticket_transfer_emergency(
                actor=u, ticket=t, target=d["target"], note=d.get("note", "")
            ),
            gettext_lazy("已转出"),
            tone="danger",
        ),
        Action(
            "cancel",
            gettext_lazy("撤销诉求"),
            _form(f.OptionalReasonForm),
            lambda u, t: t.status in OPEN and (is_requester(u, t) or _tier(u, t)),
            lambda u, t, d: services.ticket_cancel(actor=u, ticket=t, reason=d.get("reason", "")),
            gettext_lazy("已撤销"),
            tone="danger",
        ),
        Action(
            "rate",
            gettext_lazy("评价"),
            _form(f.RatingForm),
            lambda u, t: t.status == S.RESOLVED and is_requester(u, t) and t.rating_token_used_at is None,
            lambda u, t, d: services.ticket_rate(
                actor=u, ticket=t, level=d["level"], comment=d.get("comment", "")
            ),
            gettext_lazy("感谢您的评价"),
            tone="primary",
        ),
        Action(
            "callback",
            gettext_lazy("电话回访"),
            _form(f.RatingForm),
            lambda u, t: (
                t.status in (S.RESOLVED, S.CLOSED) and has_role(u, CALLBACK_ROLES, at_path=t.area_path)
            ),
            lambda u, t, d: services.ticket_callback(
                actor=u, ticket=t, level=d["level"], comment=d.get("comment", "")
            ),
            gettext_lazy("已记录回访"),
        ),
        Action(
            "rating_link",
            gettext_lazy("生成评价链接"),
            _form(forms.Form),
            lambda u, t: t.status == S.RESOLVED and _tier(u, t),
            lambda u, t, d: services.ticket_rating_link_issue(actor=u, ticket=t),
            gettext_lazy("新的评价链接（此前的链接已失效）"),
            inline=True,
        ),
        Action(
            "close",
            gettext_lazy("关闭"),
            _form(f.NoteForm),
            lambda u, t: t.status == S.RESOLVED and _tier(u, t),
            lambda u, t, d: services.ticket_close(actor=u, ticket=t, note=d.get("note", "")),
            gettext_lazy("已关闭"),
        ),
        Action(
            "reopen",
            gettext_lazy("重新办理"),
            _form(f.ReasonForm),
            lambda u, t: t.status in (S.RESOLVED, S.CLOSED) and (_tier(u, t) or _street(u, t)),
            lambda u, t, d: services.ticket_reopen(actor=u, ticket=t, reason=d["reason"]),
            gettext_lazy("已重新办理"),
        ),
    ]
}

WHISTLE_ACTIONS: dict[str, Action] = {
    a.key: a
    for a in [
        Action(
            "respond",
            gettext_lazy("响应"),
            _form(f.NoteForm),
            lambda u, w: w.status == W.PENDING and can_handle_whistle(u, w, w.ticket),
            lambda u, w, d: services.whistle_respond(actor=u, whistle=w, note=d.get("note", "")),
            gettext_lazy("已响应"),
            tone="primary",
            inline=True,
        ),
        Action(
            "resolve",
            gettext_lazy("办结"),
            _whistle_resolve_form,
            lambda u, w: w.status == W.RESPONDED and can_handle_whistle(u, w, w.ticket),
            lambda u, w, d: services.whistle_resolve(
                actor=u,
                whistle=w,
                explanation=d["explanation"],
                photos=d.get("photos", []),
                override_reason=d.get("override_reason", ""),
            ),
            gettext_lazy("已办结"),
            tone="primary",
        ),
        Action(
            "return",
            gettext_lazy("退回"),
            _form(f.ReasonForm),
            lambda u, w: w.status in W_OPEN and can_handle_whistle(u, w, w.ticket),
            lambda u, w, d: services.whistle_return(actor=u, whistle=w, reason=d["reason"]),
            gettext_lazy("已退回街道"),
            tone="danger",
        ),
        Action(
            "withdraw",
            gettext_lazy("撤回呼叫"),
            _form(f.ReasonForm),
            lambda u, w: w.status in W_OPEN and _street(u, w.ticket),
            lambda u, w, d: services.whistle_cancel(actor=u, whistle=w, reason=d["reason"]),
            gettext_lazy("已撤回呼叫"),
        ),
        Action(
            "supervise",
            gettext_lazy("督办该部门"),
            _form(f.ReasonForm),
            lambda u, w: (
                w.status in W_OPEN
                and w.ticket.status in OPEN
                and has_role(u, SUPERVISOR_ROLES, at_path=w.ticket.area_path)
            ),
            lambda u, w, d: services.ticket_supervise(
                actor=u, ticket=w.ticket, reason=d["reason"], whistle=w
            ),
            gettext_lazy("已发督办单"),
        ),
    ]
}


def _may_appeal(actor: Any, r: Rating) -> bool:
    """A 不满意 rating that counts, not yet appealed, held by a department that handled the ticket."""
    if r.level != RatingLevel.DISSATISFIED or not r.counts or r.appeal_status:
        return False
    handled = {w.department_id for w in r.ticket.whistles.all() if w.status != W.CANCELLED}
    return bool(handler_unit_ids(actor, at_path=r.ticket.area_path) & handled)


# Actions on a rating (the target's ``ticket`` is the ticket the page loaded).
RATING_ACTIONS: dict[str, Action] = {
    a.key: a
    for a in [
        Action(
            "appeal",
            gettext_lazy("申诉该评价"),
            _form(f.AppealForm),
            _may_appeal,
            lambda u, r, d: services.rating_appeal(actor=u, rating=r, reason=d["reason"]),
            gettext_lazy("已提交申诉，等待街道裁定"),
        ),
        Action(
            "decide",
            gettext_lazy("裁定申诉"),
            _form(f.AppealDecideForm),
            lambda u, r: r.appeal_status == Rating.Appeal.PENDING and _street(u, r.ticket),
            lambda u, r, d: services.rating_appeal_decide(
                actor=u, rating=r, upheld=d["upheld"], note=d.get("note", "")
            ),
            gettext_lazy("已裁定申诉"),
            tone="primary",
        ),
    ]
}


def offered_rating_actions(actor: Any, rating: Rating) -> list[Action]:
    return [a for a in RATING_ACTIONS.values() if a.offered(actor, rating)]


def offered_ticket_actions(actor: Any, ticket: Ticket) -> list[Action]:
    return [a for a in TICKET_ACTIONS.values() if a.offered(actor, ticket)]


def offered_whistle_actions(actor: Any, whistle: Whistle) -> list[Action]:
    return [a for a in WHISTLE_ACTIONS.values() if a.offered(actor, whistle)]


def rating_link_message(token: str) -> str:
    return _("评价链接：%(url)s") % {"url": rating_url(token)}
