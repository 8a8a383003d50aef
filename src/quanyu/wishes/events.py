"""Append-only events of a wish: one small typed function per kind, written in the transaction of
the step they record (services call these, never ``WishEvent.objects.create``)."""

from __future__ import annotations

from typing import Any

from quanyu.core.workflow.events import actor_fields
from quanyu.wishes.models import Wish, WishEvent, WishEventKind


def _event(wish: Wish, kind: str, actor: Any, *, from_status: str, **payload: Any) -> WishEvent:
    return WishEvent.objects.create(
        wish=wish,
        kind=kind,
        from_status=from_status,
        to_status=wish.status,
        payload=payload,
        **actor_fields(actor),
    )


def wish_submitted_event(*, wish: Wish, actor: Any, on_behalf: bool) -> WishEvent:
    return _event(wish, WishEventKind.SUBMITTED, actor, from_status="", on_behalf=on_behalf)


def wish_approved_event(*, wish: Wish, actor: Any, from_status: str, shares: int) -> WishEvent:
    return _event(wish, WishEventKind.APPROVED, actor, from_status=from_status, shares=shares)


def wish_rejected_event(*, wish: Wish, actor: Any, from_status: str, reason: str) -> WishEvent:
    return _event(wish, WishEventKind.REJECTED, actor, from_status=from_status, reason=reason)


def wish_claimed_event(
    *, wish: Wish, actor: Any, from_status: str, claim: int, claimant_kind: str, shares: int
) -> WishEvent:
    return _event(
        wish,
        WishEventKind.CLAIMED,
        actor,
        from_status=from_status,
        claim=claim,
        claimant_kind=claimant_kind,
        shares=shares,
    )


def wish_progress_event(*, wish: Wish, actor: Any, claim: int, note: str) -> WishEvent:
    return _event(wish, WishEventKind.PROGRESS, actor, from_status=wish.status, claim=claim, note=note)


def wish_released_event(*, wish: Wish, actor: Any, from_status: str, claim: int, note: str) -> WishEvent:
    return _event(wish, WishEventKind.RELEASED, actor, from_status=from_status, claim=claim, note=note)


def wish_lapsed_event(*, wish: Wish, from_status: str, claim: int, days: int) -> WishEvent:
    return _event(wish, WishEventKind.LAPSED, None, from_status=from_status, claim=claim, days=days)


def wish_reassigned_event(
    *, wish: Wish, actor: Any, from_status: str, old_claim: int, new_claim: int, reason: str
) -> WishEvent:
    return _event(
        wish,
        WishEventKind.REASSIGNED,
        actor,
        from_status=from_status,
        old_claim=old_claim,
        new_claim=new_claim,
        reason=reason,
    )


def wish_fulfilled_event(
    *, wish: Wish, actor: Any, from_status: str, claim: int, photos: int, note: str
) -> WishEvent:
    return _event(
        wish, WishEventKind.FULFILLED, actor, from_status=from_status, claim=claim, photos=photos, note=note
    )


def wish_confirmed_event(
    *, wish: Wish, actor: Any, from_status: str, by_phone: bool, note: str, points: list[int]
) -> WishEvent:
    return _event(
        wish,
        WishEventKind.CONFIRMED,
        actor,
        from_status=from_status,
        by_phone=by_phone,
        note=note,
        point_entries=points,
    )


def wish_thanked_event(*, wish: Wish, actor: Any) -> WishEvent:
    return _event(wish, WishEventKind.THANKED, actor, from_status=wish.status)


def wish_disputed_event(*, wish: Wish, actor: Any, from_status: str, reason: str) -> WishEvent:
    return _event(wish, WishEventKind.DISPUTED, actor, from_status=from_status, reason=reason)


def wish_resolved_event(*, wish: Wish, actor: Any, from_status: str, upheld: bool, note: str) -> WishEvent:
    return _event(wish, WishEventKind.RESOLVED, actor, from_status=from_status, upheld=upheld, note=note)


def wish_cancelled_event(
    *, wish: Wish, actor: Any, from_status: str, reason: str, claims: list[int]
) -> WishEvent:
    return _event(wish, WishEventKind.CANCELLED, actor, from_status=from_status, reason=reason, claims=claims)
