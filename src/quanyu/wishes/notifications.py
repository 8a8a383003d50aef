"""Who is told of a wish's steps, called inside the step's transaction (in-app rows written there,
SMS/e-mail through the notify outbox after commit; a rollback leaves nothing). A wish posted on
someone's behalf tells no account: staff call the person."""

from __future__ import annotations

from django.utils.translation import gettext as _

from quanyu.notify.services import notify_send
from quanyu.wishes.models import Wish, WishClaim

WISH_LINK = "/wishes/{id}/"
CLAIMS_LINK = "/wishes/claims/"


def tell_wisher(wish: Wish, *, kind: str, title: str, body: str = "") -> None:
    if wish.wisher is None:
        return
    notify_send(
        recipients=[wish.wisher],
        kind=f"wish_{kind}",
        title=title,
        body=body,
        link=WISH_LINK.format(id=wish.pk),
    )


def tell_claimant(claim: WishClaim, *, kind: str, title: str, body: str = "") -> None:
    user = claim.by_user
    if user is None and claim.member is not None:
        user = claim.member.user
    if user is None:
        return
    notify_send(recipients=[user], kind=f"wish_{kind}", title=title, body=body, link=CLAIMS_LINK)


def approved(wish: Wish) -> None:
    tell_wisher(wish, kind="approved", title=_("您的心愿已发布到心愿墙"), body=wish.public_text)


def rejected(wish: Wish) -> None:
    tell_wisher(wish, kind="rejected", title=_("您的心愿未通过审核"), body=wish.reject_reason)


def claimed(wish: Wish) -> None:
    tell_wisher(wish, kind="claimed", title=_("您的心愿已有人认领"))


def fulfilled(wish: Wish) -> None:
    tell_wisher(wish, kind="fulfilled", title=_("您的心愿已完成，请确认"))


def lapsed(claim: WishClaim) -> None:
    tell_claimant(claim, kind="lapsed", title=_("您认领的心愿长时间没有进展，已退回心愿墙"))


def reassigned(claim: WishClaim) -> None:
    tell_claimant(claim, kind="reassigned", title=_("社区把一个心愿改派给了您"))


def confirmed(wish: Wish) -> None:
    """Each claimant whose share was done hears that the wish came true (and the points follow)."""
    for claim in wish.claims.filter(status="fulfilled").select_related("by_user", "member__user"):
        tell_claimant(claim, kind="confirmed", title=_("您认领的心愿已实现，感谢您的付出"))
