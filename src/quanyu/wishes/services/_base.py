"""What every step shares: locking a wish (then its claim), the table checks, input checks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from quanyu.core.pii import redact_text
from quanyu.core.workflow import check_transition, lock
from quanyu.wishes.models import Wish, WishClaim, WishPhoto
from quanyu.wishes.photos import CleanPhoto
from quanyu.wishes.states import ALLOWED, CLAIM_ALLOWED, ClaimStatus, WishStatus


def lock_wish(wish: Wish) -> Wish:
    return lock(Wish.objects.select_related("community")).get(pk=wish.pk)


def lock_claim(claim: WishClaim) -> WishClaim:
    return lock(WishClaim.objects.select_related("member", "unit")).get(pk=claim.pk)


def check_wish(
    locked: Wish,
    target: str,
    *,
    seen: str | None,
    action: str,
    only_from: Collection[str] | None = None,
) -> None:
    check_transition(
        ALLOWED,
        locked.status,
        target,
        labels=WishStatus,
        seen=seen,
        action=action,
        what=_("心愿"),
        only_from=only_from,
    )


def check_claim(locked: WishClaim, target: str, *, seen: str | None, action: str) -> None:
    check_transition(
        CLAIM_ALLOWED, locked.status, target, labels=ClaimStatus, seen=seen, action=action, what=_("认领")
    )


def text_field(
    value: Any, *, field: str, label: str, most: int, least: int = 1, required: bool = True
) -> str:
    text = str(value or "").strip()
    if not text and not required:
        return ""
    if len(text) < least:
        raise ValidationError({field: _("请填写%(label)s（至少 %(n)d 个字）") % {"label": label, "n": least}})
    if len(text) > most:
        raise ValidationError({field: _("%(label)s不能超过 %(n)d 个字") % {"label": label, "n": most}})
    return text


def public_text_checked(
    value: Any, *, field: str, label: str, most: int, private: Collection[str] = ()
) -> str:
    """Text shown to the public: no ID or mobile numbers, none of the person's private details."""
    text = text_field(value, field=field, label=label, most=most, least=2)
    if redact_text(text) != text:
        raise ValidationError({field: _("%(label)s不能含有手机号或身份证号") % {"label": label}})
    for secret in private:
        if secret and len(secret) >= 2 and secret in text:
            raise ValidationError({field: _("%(label)s不能含有许愿人的姓名、电话或住址") % {"label": label}})
    return text


def private_details(wish: Wish) -> list[str]:
    details = [wish.contact_phone, wish.address_detail]
    if wish.resident is not None:
        r = wish.resident
        details += [r.name, r.phone, r.id_number, r.room, r.address]
    if wish.wisher is not None:
        details += [wish.wisher.display_name] if getattr(wish.wisher, "display_name", "") else []
    return [d for d in details if d]


def save_photos(
    *, wish: Wish, photos: list[CleanPhoto], kind: str, actor: Any, claim: WishClaim | None = None
) -> None:
    user = actor if getattr(actor, "is_authenticated", False) else None
    for p in photos:
        WishPhoto.objects.create(wish=wish, claim=claim, kind=kind, image=p.content, uploaded_by=user)


def local_year(at: dt.datetime) -> int:
    from django.utils import timezone

    return timezone.localtime(at).year
