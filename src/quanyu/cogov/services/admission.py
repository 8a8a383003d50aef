"""Community-affairs admission (社区事务准入制): the district keeps the list of work departments may
push down to communities; a push inside the list is admitted under its entry, one outside is refused
with the rule shown, or, when the department asks, sent for the district's approval."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from quanyu.areas.models import Area, AreaKind
from quanyu.cogov import access
from quanyu.cogov import events as ev
from quanyu.cogov.models import AdmissionItem, AdmissionRequest
from quanyu.cogov.services import _input
from quanyu.cogov.states import ADMISSION_ALLOWED, AdmissionStatus
from quanyu.core.workflow import check_transition, lock
from quanyu.orgs.models import Unit

A = AdmissionStatus


def district_of(area: Area) -> str:
    """The district's path above (or at) ``area`` (district = 2nd level, 8 characters)."""
    return area.path[:8]


def item_add(
    *,
    actor: Any,
    district: Area,
    department: Unit,
    title: str,
    legal_basis: str,
    funding_follows: bool = False,
) -> AdmissionItem:
    if district.kind != AreaKind.DISTRICT:
        raise ValidationError({"district": _("准入清单由区县制定")})
    title = _input.text(title, "title", _("准入事项"), max_length=200)
    legal_basis = _input.text(legal_basis, "legal_basis", _("法律依据"), max_length=300)
    access.require_keeper(actor, district.path)
    return AdmissionItem.objects.create(
        district=district,
        department=department,
        title=title,
        legal_basis=legal_basis,
        funding_follows=bool(funding_follows),
    )


def refusal_rule() -> str:
    return _("依据社区事务准入制度，未列入准入清单的事项不得转嫁社区")


def push(
    *,
    actor: Any,
    department: Unit,
    community: Area,
    title: str,
    item: AdmissionItem | None = None,
    ask_approval: bool = False,
) -> AdmissionRequest:
    """A department's task to a community: admitted under ``item`` when the item is on the
    district's list for that department, else refused (or pending the district's approval)."""
    if community.kind != AreaKind.COMMUNITY:
        raise ValidationError({"community": _("请选择社区")})
    title = _input.text(title, "title", _("工作事项"), max_length=200)
    if not (access.speaks_for(actor, [department.pk]) or access.is_keeper(actor, community.path)):
        raise PermissionDenied(_("只有该职能部门可以向社区下派事项"))
    listed = (
        item is not None
        and item.active
        and item.department_id == department.pk
        and community.path.startswith(item.district.path)
    )
    if listed:
        status, rule = A.ADMITTED, f"{item.title}（{item.legal_basis}）"  # type: ignore[union-attr]
    else:
        item = None
        status = A.PENDING if ask_approval else A.REFUSED
        rule = refusal_rule()
    with transaction.atomic():
        request = AdmissionRequest.objects.create(
            department=department, community=community, title=title, item=item, status=status, rule=rule
        )
        ev.admission_pushed_event(
            request=request, actor=actor, status=status, item=item.pk if item else None, rule=rule
        )
    return request


def decide(*, actor: Any, request: AdmissionRequest, approve: bool, note: str) -> AdmissionRequest:
    """The district approves (admits) or rejects a push outside the list."""
    note = _input.text(note, "note", _("审批意见"), max_length=500)
    target = A.APPROVED if approve else A.REJECTED
    with transaction.atomic():
        locked = lock(AdmissionRequest.objects).select_related("community").get(pk=request.pk)
        access.require_keeper(actor, district_of(locked.community))
        check_transition(
            ADMISSION_ALLOWED,
            locked.status,
            target,
            labels=A,
            seen=request.status,
            action=_("审批"),
            what=_("下沉事项"),
        )
        locked.status, locked.decided_note = target, note
        locked.save(update_fields=["status", "decided_note"])
        ev.admission_decided_event(request=locked, actor=actor, status=target, note=note)
    return locked
