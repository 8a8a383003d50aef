"""组织关系转接: moving a member's organisational relationship to another branch and community.

It starts when community staff register a member whose ID number is already in the register
outside their area (``persons.member_create``): instead of "already a member" (which would tell
them the person is a party member somewhere they cannot see), the attempt becomes a request,
answered without saying where the member is, and audited. The organisation department over both
sides (an editor of the member's current branch and community and of the requesting ones)
approves, which moves the member, or declines.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from quanyu.areas.models import Area
from quanyu.core.audit import audit_record
from quanyu.core.workflow import ConflictError, check_transition, lock
from quanyu.orgs.models import PartyOrg
from quanyu.people import events
from quanyu.people.access import EDITORS, has_role_at_any, member_paths
from quanyu.people.models import MemberTransfer, PartyMember
from quanyu.people.states import TRANSFER_ALLOWED, TransferStatus


class TransferRequested(ConflictError):
    """The member to register is in the register outside the actor's area: a transfer request was
    made instead (409; the message says so, never where the member is)."""

    def __init__(self, transfer: MemberTransfer) -> None:
        super().__init__(
            _(
                "该身份证号对应的党员组织关系不在本辖区，已提交组织关系转接申请（编号 %(n)s），"
                "待上级组织部门审核后转入"
            )
            % {"n": transfer.pk}
        )
        self.transfer = transfer


def _require_editor(actor: Any, *paths: str) -> None:
    if not all(has_role_at_any(actor, EDITORS, (path,)) for path in paths):
        raise PermissionDenied(_("您无权办理该党员的组织关系转接"))


def transfer_request(
    *, actor: Any, member: PartyMember, branch: PartyOrg, community: Area, reason: str = ""
) -> MemberTransfer:
    """Ask to take ``member`` into ``branch`` and ``community`` (the actor must keep both). One
    open request per member: asking again while one is open answers the open one."""
    _require_editor(actor, branch.area.path, community.path)
    with transaction.atomic():
        locked = lock(PartyMember.objects).get(pk=member.pk)
        transfer = MemberTransfer.objects.filter(member=locked, status=TransferStatus.REQUESTED).first()
        if transfer is None:
            transfer = MemberTransfer.objects.create(
                member=locked,
                to_branch=branch,
                to_community=community,
                to_path=community.path,
                from_path=locked.scope_path,
                reason=str(reason or "")[:300],
                requested_by=actor,
            )
            events.member_transfer_event(
                member=locked, actor=actor, status=transfer.status, transfer=transfer.pk
            )
        audit_record(
            actor=actor, action="member.transfer_requested", target=transfer, detail={"member": locked.pk}
        )
    return transfer


def transfer_decide(*, actor: Any, transfer: MemberTransfer, approve: bool, note: str = "") -> MemberTransfer:
    """Approve (the member moves to the requesting branch and community) or decline, by an editor
    over both sides."""
    target = TransferStatus.APPROVED if approve else TransferStatus.DECLINED
    with transaction.atomic():
        member = lock(PartyMember.objects).get(pk=transfer.member_id)
        locked = lock(MemberTransfer.objects.select_related("to_branch__area", "to_community")).get(
            pk=transfer.pk
        )
        _require_editor(actor, *member_paths(member), locked.to_branch.area.path, locked.to_path)
        check_transition(
            TRANSFER_ALLOWED,
            locked.status,
            target,
            labels=TransferStatus,
            seen=transfer.status,
            action=_("审核"),
            what=_("组织关系转接"),
        )
        if approve:
            member.branch, member.branch_path = locked.to_branch, locked.to_branch.area.path
            member.community, member.scope_path = locked.to_community, locked.to_path
            member.save(update_fields=["branch", "branch_path", "community", "scope_path"])
        locked.status = target
        locked.decided_by, locked.decided_at = actor, timezone.now()
        locked.note = str(note or "")[:300]
        locked.save(update_fields=["status", "decided_by", "decided_at", "note"])
        events.member_transfer_event(member=member, actor=actor, status=target, transfer=locked.pk)
    return locked
