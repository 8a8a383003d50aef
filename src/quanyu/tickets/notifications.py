"""Who hears about each step, through ``quanyu.notify``.

A service calls ``to_…(…)`` inside its transaction: the recipients are looked up and the
notification recorded there (in-app rows and one outbox row), so a rollback sends nothing and a
commit cannot lose one; e-mail and SMS go out after commit, out of the request (the outbox drain).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet
from django.urls import NoReverseMatch, get_script_prefix, reverse
from django.utils.translation import gettext as _

from quanyu.accounts.models import RoleGrant, User
from quanyu.areas.models import Area
from quanyu.core.memo import ProcessMemo
from quanyu.core.roles import Role
from quanyu.notify.services import notifications_settle, notify_send
from quanyu.tickets.conf import rating_url

_LINK_PROBE = 918273645  # an id no real pattern contains, replaced by the ticket's


def ticket_link(ticket_id: int) -> str:
    """The ticket's page (``web:ticket_detail``): reversed once per script prefix, then filled in."""
    prefix = get_script_prefix()
    template = _link_templates.get(prefix)
    if template is None:
        try:
            template = reverse("web:ticket_detail", args=[_LINK_PROBE]).replace(str(_LINK_PROBE), "{}")
        except NoReverseMatch:
            template = "/tickets/{}/"
        _link_templates[prefix] = template
    return template.format(int(ticket_id))


_link_templates: dict[str, str] = {}


def path_prefixes(path: str, steplen: int = 4) -> list[str]:
    return [path[:i] for i in range(steplen, len(path) + 1, steplen)]


def staff_at(path: str, roles: Iterable[str]) -> QuerySet[User]:
    """Users holding one of ``roles`` at ``path`` or one of its ancestors."""
    return User.objects.filter(
        is_active=True, grants__role__in=list(roles), grants__area__path__in=path_prefixes(path)
    ).distinct()


# ``staff_at(path, roles)`` as a list, remembered per process for
# ``settings.QUANYU_RECIPIENTS_CACHE_SECONDS`` (10): every new ticket tells its tier's staff, and
# looking them up was a tenth of the creation. Saving or deleting a user, a role grant or an area
# here forgets them all at once; in other processes a new grant starts receiving (and a removed
# one stops) within that time.
staff_recipients: ProcessMemo[list[User]] = ProcessMemo("QUANYU_RECIPIENTS_CACHE_SECONDS", 10, limit=20_000)
staff_recipients.forget_when_changed(User, RoleGrant, Area)


def staff_listed(path: str, roles: Iterable[str]) -> list[User]:
    """``staff_at`` as a list, through ``staff_recipients``."""
    key = (path, tuple(sorted(roles)))
    users = staff_recipients.get(key)
    if users is None:
        users = list(staff_at(path, key[1]))
        staff_recipients.put(key, users)
    return users


def department_handlers(unit_ids: Iterable[int]) -> QuerySet[User]:
    return User.objects.filter(
        is_active=True, grants__role=Role.DEPARTMENT_HANDLER, grants__unit_id__in=list(unit_ids)
    ).distinct()


def _send(
    recipients: Iterable[Any], kind: str, title: str, ticket_id: int, body: str = "", **extra: Any
) -> None:
    notify_send(
        recipients=list(recipients),
        kind=kind,
        title=title,
        body=body,
        link=extra.pop("link", ticket_link(ticket_id)),
        **extra,
    )


def to_tier(ticket_id: int, path: str, role: str, kind: str, title: str, body: str = "") -> None:
    _send(staff_listed(path, [role]), kind, title, ticket_id, body)


def to_user(ticket_id: int, user_id: int | None, kind: str, title: str, body: str = "") -> None:
    if user_id is not None:
        _send(User.objects.filter(pk=user_id, is_active=True), kind, title, ticket_id, body)


def to_departments(ticket_id: int, unit_ids: list[int], kind: str, title: str, body: str = "") -> None:
    _send(department_handlers(unit_ids), kind, title, ticket_id, body)


def to_street(ticket_id: int, street_path: str, kind: str, title: str, body: str = "") -> None:
    _send(staff_listed(street_path, [Role.STREET_STAFF]), kind, title, ticket_id, body)


def to_requester_rate(
    ticket_id: int, requester_id: int | None, phone: str, token: str, *, email: str = "", summary: str = ""
) -> None:
    """The 'resolved, please rate' message. The single-use link works without an account, so it is
    never kept in a notification row or sent by e-mail: it goes by SMS to the contact number only.
    The requester's account (in-app, its own e-mail and phone) and the contact e-mail address are
    told the request is resolved and how to rate: on the request's page when logged in, or by the
    link in the SMS when there is a contact number."""
    users = User.objects.filter(pk=requester_id, is_active=True) if requester_id else User.objects.none()
    title = _("您的诉求 #%(n)d 已办结，请评价") % {"n": ticket_id}
    if summary:
        title = f"{title}：{summary[:40]}"
    if phone:
        body = _(
            "请对办理结果进行评价（满意/基本满意/不满意）：使用短信中的评价链接，或登录后在诉求页面评价。"
        )
    else:
        body = _("请在诉求页面对办理结果进行评价（满意/基本满意/不满意）。")
    _send(users, "ticket_rate_request", title, ticket_id, body, emails=[email] if email else [])
    if phone:
        notify_send(
            recipients=[], kind="ticket_rate_request", title=title, link=rating_url(token), phones=[phone]
        )


def rate_requests_settled(ticket: Any) -> None:
    """The ticket closed or went back to work: its 'please rate' notices stop asking."""
    if ticket.requester_id is not None:
        notifications_settle(
            recipient_id=ticket.requester_id, kind="ticket_rate_request", link=ticket_link(ticket.pk)
        )
