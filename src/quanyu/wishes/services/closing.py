"""The end of a wish: the wisher confirms (or staff after a phone call, recorded as such), points go
to the members who did it, an optional public thank-you; a dispute and its resolution."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from quanyu.core.workflow import TransitionError
from quanyu.people.services import points_record_action
from quanyu.wishes import access, events, hooks, notifications
from quanyu.wishes.models import ClaimantKind, Wish
from quanyu.wishes.services._base import (
    check_wish,
    lock_wish,
    private_details,
    public_text_checked,
    text_field,
)
from quanyu.wishes.states import ClaimStatus, WishStatus

POINT_RULE = "wish_fulfilled"


def _award(actor: Any, wish: Wish) -> list[int]:
    """One ledger entry per member who fulfilled a share (the people app's rule and caps)."""
    entries = []
    claims = wish.claims.filter(status=ClaimStatus.FULFILLED, claimant_kind=ClaimantKind.MEMBER)
    for claim in claims.select_related("member").order_by("pk"):
        if claim.member is None:
            continue
        entry = points_record_action(
            actor=actor,
            member=claim.member,
            rule=POINT_RULE,
            occurred_on=timezone.localdate(),
            reason=_("完成微心愿 #%(id)d") % {"id": wish.pk},
            source=f"wish:{wish.pk}",
        )
        if entry is not None:
            entries.append(entry.pk)
    return entries


def _confirm(locked: Wish, *, actor: Any, by_phone: bool, note: str) -> list[int]:
    locked.status = WishStatus.CONFIRMED
    locked.confirmed_at = timezone.now()
    locked.confirmed_by_phone = by_phone
    locked.confirm_note = note
    locked.save(update_fields=["status", "confirmed_at", "confirmed_by_phone", "confirm_note"])
    hooks.wish_changed(locked.pk)
    notifications.confirmed(locked)
    return _award(actor, locked)


def wish_confirm(*, actor: Any, wish: Wish, by_phone: bool = False, note: str = "") -> Wish:
    """The wisher confirms the wish came true. Staff confirm for a wisher without a phone or an
    account only after calling, and say so (``by_phone``, with a note of the call)."""
    with transaction.atomic():
        locked = lock_wish(wish)
        access.require_wisher_or_staff(actor, locked)
        check_wish(
            locked, WishStatus.CONFIRMED, seen=wish.status, action=_("确认"), only_from={WishStatus.FULFILLED}
        )
        is_wisher = access.is_wisher(actor, locked)
        if not is_wisher and not by_phone:
            raise ValidationError({"by_phone": _("工作人员须电话回访许愿人后代为确认")})
        text = text_field(
            note,
            field="note",
            label=_("回访记录"),
            most=300,
            least=2 if not is_wisher else 1,
            required=not is_wisher,
        )
        before = locked.status
        entries = _confirm(locked, actor=actor, by_phone=not is_wisher, note=text)
        events.wish_confirmed_event(
            wish=locked, actor=actor, from_status=before, by_phone=not is_wisher, note=text, points=entries
        )
    return locked


def wish_thank(*, actor: Any, wish: Wish, text: str) -> Wish:
    """A public thank-you on the wall (once), by the wisher or by staff for the wisher."""
    with transaction.atomic():
        locked = lock_wish(wish)
        access.require_wisher_or_staff(actor, locked)
        check_wish(
            locked, WishStatus.CONFIRMED, seen=wish.status, action=_("感谢"), only_from={WishStatus.CONFIRMED}
        )
        if locked.thanks:
            raise TransitionError(_("已经发表过感谢"))
        thanks = public_text_checked(
            text, field="text", label=_("感谢留言"), most=300, private=private_details(locked)
        )
        locked.thanks = thanks
        locked.save(update_fields=["thanks"])
        events.wish_thanked_event(wish=locked, actor=actor)
    return locked


def wish_dispute(*, actor: Any, wish: Wish, reason: str) -> Wish:
    """The wisher (or staff) says the fulfilment is not what was wished."""
    with transaction.atomic():
        locked = lock_wish(wish)
        access.require_wisher_or_staff(actor, locked)
        check_wish(locked, WishStatus.DISPUTED, seen=wish.status, action=_("提出异议"))
        text = text_field(reason, field="reason", label=_("异议原因"), most=300, least=2)
        before = locked.status
        locked.status = WishStatus.DISPUTED
        locked.save(update_fields=["status"])
        events.wish_disputed_event(wish=locked, actor=actor, from_status=before, reason=text)
    return locked


def wish_resolve(*, actor: Any, wish: Wish, upheld: bool, note: str) -> Wish:
    """Staff settle a dispute: upheld → the claims go back to work (claimed); not upheld → the wish
    is confirmed (recorded as confirmed by staff) and points follow."""
    with transaction.atomic():
        locked = lock_wish(wish)
        access.require_staff(actor, locked)
        target = WishStatus.CLAIMED if upheld else WishStatus.CONFIRMED
        check_wish(locked, target, seen=wish.status, action=_("处理异议"), only_from={WishStatus.DISPUTED})
        text = text_field(note, field="note", label=_("处理说明"), most=300, least=2)
        before = locked.status
        entries: list[int] = []
        if upheld:
            now = timezone.now()
            locked.claims.filter(status=ClaimStatus.FULFILLED).update(
                status=ClaimStatus.ACTIVE, fulfilled_at=None, progress_at=now
            )
            locked.status = WishStatus.CLAIMED
            locked.fulfilled_at = None
            locked.save(update_fields=["status", "fulfilled_at"])
        else:
            entries = _confirm(locked, actor=actor, by_phone=True, note=text)
        events.wish_resolved_event(wish=locked, actor=actor, from_status=before, upheld=upheld, note=text)
        if not upheld:
            events.wish_confirmed_event(
                wish=locked, actor=actor, from_status=before, by_phone=True, note=text, points=entries
            )
    return locked
