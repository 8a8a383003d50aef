"""A wish from its posting to the wall: submit (a resident, or staff on behalf of a vulnerable
resident), approve with the public text, reject, cancel."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from quanyu.areas.models import Area, AreaKind
from quanyu.core.idnumber import validate_mobile
from quanyu.people.models import Resident
from quanyu.wishes import access, events, hooks, notifications
from quanyu.wishes.models import Wish, WishKind, WishPhoto
from quanyu.wishes.photos import clean_photos
from quanyu.wishes.services._base import (
    check_wish,
    lock_wish,
    private_details,
    public_text_checked,
    save_photos,
    text_field,
)
from quanyu.wishes.states import HOLDING, ClaimStatus, WishStatus

MAX_SHARES = 50


def _kind(value: Any) -> str:
    if value not in WishKind.values:
        raise ValidationError({"kind": _("请选择心愿类别")})
    return str(value)


def _value(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValidationError({"estimated_value": _("估计价值应为金额")}) from None
    if not amount.is_finite() or amount < 0 or amount >= Decimal("10000000"):
        raise ValidationError({"estimated_value": _("估计价值应在 0 到 9999999 元之间")})
    return amount.quantize(Decimal("0.01"))


def _wanted_by(value: dt.date | None) -> dt.date | None:
    if value is not None and value < timezone.localdate():
        raise ValidationError({"wanted_by": _("希望实现日期不能早于今天")})
    return value


def _shares(value: Any) -> int:
    try:
        shares = int(value)
    except (TypeError, ValueError):
        raise ValidationError({"shares": _("份数应为整数")}) from None
    if not 1 <= shares <= MAX_SHARES:
        raise ValidationError({"shares": _("份数应在 1 到 %(n)d 之间") % {"n": MAX_SHARES}})
    return shares


def street_of(community: Area) -> Area | None:
    parent = Area.objects.get_parent(community)
    return parent if parent is not None and parent.kind == AreaKind.STREET else None


@dataclass(frozen=True)
class _Checked:
    kind: str
    text: str
    estimated_value: Decimal | None
    wanted_by: dt.date | None


def _checked(kind: Any, text: Any, estimated_value: Any, wanted_by: dt.date | None) -> _Checked:
    return _Checked(
        kind=_kind(kind),
        text=text_field(text, field="text", label=_("心愿内容"), most=1000, least=5),
        estimated_value=_value(estimated_value),
        wanted_by=_wanted_by(wanted_by),
    )


def _create(
    *,
    actor: Any,
    community: Area,
    checked: _Checked,
    shares: int,
    photos: list[Any],
    resident: Resident | None,
    contact_phone: str,
    address_detail: str,
) -> Wish:
    with transaction.atomic():
        wish = Wish.objects.create(
            kind=checked.kind,
            text=checked.text,
            estimated_value=checked.estimated_value,
            wanted_by=checked.wanted_by,
            shares=shares,
            community=community,
            street=street_of(community),
            scope_path=community.path,
            on_behalf=resident is not None,
            wisher=None if resident is not None else actor,
            resident=resident,
            contact_phone=contact_phone,
            address_detail=address_detail,
            posted_by=actor,
        )
        save_photos(wish=wish, photos=photos, kind=WishPhoto.Kind.WISH, actor=actor)
        events.wish_submitted_event(wish=wish, actor=actor, on_behalf=resident is not None)
    return wish


def _phone(value: Any) -> str:
    phone = str(value or "").strip()
    if not phone:
        return ""
    try:
        return validate_mobile(phone)
    except ValidationError as exc:
        raise ValidationError({"contact_phone": exc.messages}) from None


def wish_submit(
    *,
    actor: Any,
    community: Area,
    kind: str,
    text: str,
    estimated_value: Any = None,
    wanted_by: dt.date | None = None,
    contact_phone: str = "",
    address_detail: str = "",
    photos: list[Any] | tuple[Any, ...] = (),
) -> Wish:
    """A resident's own wish, for the community the resident lives in; it waits for review."""
    if community.kind != AreaKind.COMMUNITY:
        raise ValidationError({"community": _("请选择社区")})
    checked = _checked(kind, text, estimated_value, wanted_by)
    phone = _phone(contact_phone)
    place = text_field(address_detail, field="address_detail", label=_("楼栋房号"), most=100, required=False)
    clean = clean_photos(list(photos))
    access.require_poster(actor, community.path)
    return _create(
        actor=actor,
        community=community,
        checked=checked,
        shares=1,
        photos=clean,
        resident=None,
        contact_phone=phone,
        address_detail=place,
    )


def wish_submit_on_behalf(
    *,
    actor: Any,
    resident: Resident,
    kind: str,
    text: str,
    estimated_value: Any = None,
    wanted_by: dt.date | None = None,
    shares: Any = 1,
    photos: list[Any] | tuple[Any, ...] = (),
) -> Wish:
    """Community staff post for a vulnerable resident of the register (one with a protected tag);
    who it is stays with the staff of that community."""
    checked = _checked(kind, text, estimated_value, wanted_by)
    count = _shares(shares)
    clean = clean_photos(list(photos))
    access.require_staff_at_path(actor, resident.scope_path)
    if resident.anonymised or not resident.tag_list:
        raise ValidationError(
            {"resident": _("代为登记仅限有关爱标签的居民（空巢老人、留守儿童、残疾人、低收入）")}
        )
    community = resident.community
    return _create(
        actor=actor,
        community=community,
        photos=clean,
        resident=resident,
        checked=checked,
        shares=count,
        contact_phone="",
        address_detail="",
    )


def wish_approve(*, actor: Any, wish: Wish, public_text: str, shares: Any = None) -> Wish:
    """Publish on the wall with a text rewritten to protect the person (no name, phone, ID or
    building/room: refused if the text carries them)."""
    with transaction.atomic():
        locked = lock_wish(wish)
        access.require_staff(actor, locked)
        check_wish(
            locked, WishStatus.PUBLISHED, seen=wish.status, action=_("发布"), only_from={WishStatus.SUBMITTED}
        )
        text = public_text_checked(
            public_text, field="public_text", label=_("公开内容"), most=500, private=private_details(locked)
        )
        new_shares = locked.shares if shares in (None, "") else _shares(shares)
        before = locked.status
        now = timezone.now()
        locked.public_text = text
        locked.shares = new_shares
        locked.status = WishStatus.PUBLISHED
        locked.reviewed_by = actor
        locked.reviewed_at = now
        locked.published_at = now
        locked.save(
            update_fields=["public_text", "shares", "status", "reviewed_by", "reviewed_at", "published_at"]
        )
        events.wish_approved_event(wish=locked, actor=actor, from_status=before, shares=new_shares)
        notifications.approved(locked)
    return locked


def wish_reject(*, actor: Any, wish: Wish, reason: str) -> Wish:
    with transaction.atomic():
        locked = lock_wish(wish)
        access.require_staff(actor, locked)
        check_wish(locked, WishStatus.REJECTED, seen=wish.status, action=_("退回"))
        text = text_field(reason, field="reason", label=_("退回原因"), most=300, least=2)
        before = locked.status
        locked.status = WishStatus.REJECTED
        locked.reject_reason = text
        locked.reviewed_by = actor
        locked.reviewed_at = timezone.now()
        locked.save(update_fields=["status", "reject_reason", "reviewed_by", "reviewed_at"])
        events.wish_rejected_event(wish=locked, actor=actor, from_status=before, reason=text)
        notifications.rejected(locked)
    return locked


WISHER_MAY_CANCEL = frozenset({WishStatus.SUBMITTED, WishStatus.PUBLISHED})


def wish_cancel(*, actor: Any, wish: Wish, reason: str) -> Wish:
    """The wisher withdraws a wish nobody holds yet; staff cancel any wish not yet fulfilled. Claims
    still holding shares are cancelled with it."""
    with transaction.atomic():
        locked = lock_wish(wish)
        access.require_wisher_or_staff(actor, locked)
        check_wish(locked, WishStatus.CANCELLED, seen=wish.status, action=_("取消"))
        if not access.is_staff_at(actor, locked) and (
            locked.status not in WISHER_MAY_CANCEL or locked.claimed_shares
        ):
            raise PermissionDenied(_("心愿已有人认领，请联系社区取消"))
        text = text_field(reason, field="reason", label=_("取消原因"), most=300, least=2)
        held = list(locked.claims.filter(status__in=HOLDING).order_by("pk").select_for_update(no_key=True))
        for claim in held:
            claim.status = ClaimStatus.CANCELLED
            claim.save(update_fields=["status"])
        before = locked.status
        locked.status = WishStatus.CANCELLED
        locked.cancel_reason = text
        locked.claimed_shares = 0
        locked.save(update_fields=["status", "cancel_reason", "claimed_shares"])
        hooks.wish_changed(locked.pk)
        events.wish_cancelled_event(
            wish=locked, actor=actor, from_status=before, reason=text, claims=[c.pk for c in held]
        )
    return locked
