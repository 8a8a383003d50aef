"""Loading wishes already settled elsewhere — a community's paper ledger of last year's 微心愿, or
the demo city's year — in bulk: each wish with how it ended (confirmed by the wisher or by staff
after a call, rejected at review, or cancelled), its claimant and the dates of each step.

One transaction, every row checked before anything is written, an error naming the row. What the
step-by-step services would have left is left here too: the same fields, the same events in the
same order, the claim linked to the claimant's confirmed 双报到 report of that year, the points a
member earns for a realised wish (through the people app's ``points_record_action``, its rule and
its yearly cap), and the listeners told which wishes changed once the transaction commits.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from quanyu.areas.models import Area, AreaKind
from quanyu.core.bulk import fast_insert
from quanyu.core.clock import local
from quanyu.core.workflow.events import actor_fields
from quanyu.orgs.models import Unit
from quanyu.people.models import PartyMember, Report, Resident
from quanyu.people.services import points_record_action
from quanyu.people.states import ReportStatus
from quanyu.volunteering.models import Team
from quanyu.wishes import access, hooks
from quanyu.wishes.models import ClaimantKind, Wish, WishClaim, WishEvent, WishEventKind, WishKind
from quanyu.wishes.services._base import public_text_checked, text_field
from quanyu.wishes.services.closing import POINT_RULE
from quanyu.wishes.services.posting import street_of
from quanyu.wishes.states import ClaimStatus, WishStatus

OUTCOMES = (WishStatus.CONFIRMED, WishStatus.REJECTED, WishStatus.CANCELLED)


@dataclass
class PastWish:
    community: Area
    kind: str
    text: str
    submitted_at: dt.datetime
    outcome: str  # confirmed | rejected | cancelled
    public_text: str = ""  # required unless rejected
    estimated_value: Decimal | int | None = None
    wisher: Any = None  # the resident's account, when they posted it themselves
    resident: Resident | None = None  # or the resident staff posted it for
    claimant: PartyMember | Unit | Team | None = None  # who realised it (confirmed only)
    claimed_by: Any = None  # the account that claimed (the member's own, the unit's contact…)
    reviewed_after: dt.timedelta = dt.timedelta(days=1)
    done_after: dt.timedelta = dt.timedelta(days=10)  # from publication to fulfilment
    by_phone: bool = False  # confirmed by staff after a call (a wisher without an account)
    reason: str = ""  # of a rejection or cancellation
    note: str = ""  # the claimant's note on fulfilment
    thanks: str = ""


def _fail(n: int, message: str) -> ValidationError:
    return ValidationError(_("第%(n)d条心愿：%(m)s") % {"n": n + 1, "m": message})


def _checked(n: int, w: PastWish, now: dt.datetime) -> dict[str, Any]:
    try:
        if w.community.kind != AreaKind.COMMUNITY:
            raise ValidationError({"community": _("请选择社区")})
        if w.kind not in WishKind.values:
            raise ValidationError({"kind": _("心愿类别无效")})
        if w.outcome not in OUTCOMES:
            raise ValidationError({"outcome": _("只能导入已确认、已退回或已取消的心愿")})
        if (w.wisher is None) == (w.resident is None):
            raise ValidationError({"wisher": _("许愿人账号与代为登记的居民须有且只有一个")})
        text = text_field(w.text, field="text", label=_("心愿内容"), most=1000, least=5)
        public = ""
        if w.outcome != WishStatus.REJECTED:
            private = [w.resident.name, w.resident.room] if w.resident is not None else []
            public = public_text_checked(
                w.public_text, field="public_text", label=_("公开内容"), most=500, private=private
            )
        reason = ""
        if w.outcome != WishStatus.CONFIRMED:
            reason = text_field(w.reason, field="reason", label=_("原因"), most=300, least=2)
        elif w.claimant is None:
            raise ValidationError({"claimant": _("已确认的心愿须有认领方")})
        if w.outcome == WishStatus.CONFIRMED and not w.by_phone and w.wisher is None:
            raise ValidationError({"by_phone": _("工作人员须电话回访许愿人后代为确认")})
        ends = (
            w.submitted_at
            + w.reviewed_after
            + (w.done_after if w.outcome == WishStatus.CONFIRMED else dt.timedelta())
        )
        if w.reviewed_after < dt.timedelta() or w.done_after < dt.timedelta() or ends > now:
            raise ValidationError({"submitted_at": _("各步的时间须依次在过去")})
    except ValidationError as exc:
        raise _fail(n, "；".join(exc.messages)) from None
    value = None if w.estimated_value in (None, "") else Decimal(str(w.estimated_value))
    return {"text": text, "public": public, "reason": reason, "value": value}


def _kind_of(claimant: Any) -> str:
    if isinstance(claimant, PartyMember):
        return ClaimantKind.MEMBER
    if isinstance(claimant, Unit):
        return ClaimantKind.UNIT
    return ClaimantKind.TEAM


@transaction.atomic
def wishes_history_load(*, actor: Any, wishes: list[PastWish], now: dt.datetime) -> int:
    """Write ``wishes`` (settled before ``now``) with their claims, events and points, or nothing.
    The actor must be staff of every wish's community. Returns the number written."""
    checked = [_checked(n, w, now) for n, w in enumerate(wishes)]
    for path in {w.community.path for w in wishes}:
        access.require_staff_at_path(actor, path)
    streets = {w.community.pk: street_of(w.community) for w in wishes}
    made = Wish.objects.bulk_create(
        [_wish(w, c, actor, streets[w.community.pk]) for w, c in zip(wishes, checked, strict=True)],
        batch_size=1000,
    )
    realised = [(wish, w) for wish, w in zip(made, wishes, strict=True) if w.outcome == WishStatus.CONFIRMED]
    reports = _reports(realised)
    claims = WishClaim.objects.bulk_create(
        [_claim(wish, w, reports) for wish, w in realised], batch_size=1000
    )
    by_wish = {claim.wish_id: claim for claim in claims}
    points: dict[int, list[int]] = {}
    for wish, _w in realised:
        claim = by_wish[wish.pk]
        entry = None
        if claim.member is not None:
            entry = points_record_action(
                actor=actor,
                member=claim.member,
                rule=POINT_RULE,
                occurred_on=local(wish.confirmed_at).date(),  # type: ignore[arg-type]
                reason=_("完成微心愿 #%(id)d") % {"id": wish.pk},
                source=f"wish:{wish.pk}",
            )
        points[wish.pk] = [entry.pk] if entry is not None else []
    who = actor_fields(actor)
    rows: list[dict[str, Any]] = []
    for wish, w, c in zip(made, wishes, checked, strict=True):
        rows += _events(wish, w, c, who)
    for wish, w in realised:
        rows += _claim_events(wish, w, by_wish[wish.pk], who, points[wish.pk])
    fast_insert(WishEvent, rows)
    hooks.wishes_changed(wish.pk for wish in made)
    return len(made)


def _wish(w: PastWish, c: dict[str, Any], actor: Any, street: Area | None) -> Wish:
    reviewed = w.submitted_at + w.reviewed_after
    done = reviewed + w.done_after
    confirmed = w.outcome == WishStatus.CONFIRMED
    rejected = w.outcome == WishStatus.REJECTED
    return Wish(
        kind=w.kind,
        text=c["text"],
        public_text=c["public"],
        estimated_value=c["value"],
        shares=1,
        claimed_shares=1 if confirmed else 0,
        community=w.community,
        street=street,
        scope_path=w.community.path,
        on_behalf=w.resident is not None,
        wisher=w.wisher,
        resident=w.resident,
        posted_by=w.wisher or actor,
        status=w.outcome,
        reviewed_by=actor,
        reviewed_at=reviewed,
        reject_reason=c["reason"] if rejected else "",
        published_at=None if rejected else reviewed,
        fulfilled_at=done if confirmed else None,
        confirmed_at=done + dt.timedelta(days=1) if confirmed else None,
        confirmed_by_phone=confirmed and w.by_phone,
        confirm_note=(_("电话回访，已收到") if w.by_phone else "") if confirmed else "",
        thanks=w.thanks[:300] if confirmed else "",
        cancel_reason=c["reason"] if w.outcome == WishStatus.CANCELLED else "",
    )


def _reports(realised: list[tuple[Wish, PastWish]]) -> dict[tuple[int, int, str, int], int]:
    """(community, year, kind, claimant id) → the claimant's confirmed 双报到 report, in one query."""
    communities = {wish.community_id for wish, _w in realised}
    found: dict[tuple[int, int, str, int], int] = {}
    rows = Report.objects.filter(community_id__in=communities, status=ReportStatus.CONFIRMED)
    for pk, community, year, member, unit in rows.values_list(
        "pk", "community_id", "year", "member_id", "unit_id"
    ):
        if member is not None:
            found[(community, year, ClaimantKind.MEMBER, member)] = pk
        if unit is not None:
            found[(community, year, ClaimantKind.UNIT, unit)] = pk
    return found


def _claim(wish: Wish, w: PastWish, reports: dict[tuple[int, int, str, int], int]) -> WishClaim:
    kind = _kind_of(w.claimant)
    assert wish.published_at is not None and wish.fulfilled_at is not None
    at: dt.datetime = wish.published_at + w.done_after / 4
    claimant = w.claimant
    return WishClaim(
        wish=wish,
        claimant_kind=kind,
        member=claimant if isinstance(claimant, PartyMember) else None,
        unit=claimant if isinstance(claimant, Unit) else None,
        team=claimant if isinstance(claimant, Team) else None,
        by_user=w.claimed_by,
        shares=1,
        status=ClaimStatus.FULFILLED,
        claimed_at=at,
        progress_at=wish.fulfilled_at,
        fulfilled_at=wish.fulfilled_at,
        note=w.note[:500],
        report_id=reports.get((wish.community_id, local(at).year, kind, getattr(claimant, "pk", 0))),
    )


def _event(
    wish: Wish, kind: str, at: dt.datetime, was: str, to: str, who: dict[str, Any], **payload: Any
) -> dict[str, Any]:
    actor = who["actor"]
    return {
        "wish_id": wish.pk,
        "kind": kind,
        "at": at,
        "from_status": was,
        "to_status": to,
        "payload": payload,
        "actor_id": getattr(actor, "pk", None),
        "actor_name": who["actor_name"],
    }


def _events(wish: Wish, w: PastWish, c: dict[str, Any], who: dict[str, Any]) -> list[dict[str, Any]]:
    poster = actor_fields(w.wisher) if w.wisher is not None else who
    rows = [
        _event(
            wish,
            WishEventKind.SUBMITTED,
            w.submitted_at,
            "",
            WishStatus.SUBMITTED,
            poster,
            on_behalf=wish.on_behalf,
        )
    ]
    reviewed = wish.reviewed_at
    assert reviewed is not None
    if w.outcome == WishStatus.REJECTED:
        rows.append(
            _event(
                wish,
                WishEventKind.REJECTED,
                reviewed,
                WishStatus.SUBMITTED,
                WishStatus.REJECTED,
                who,
                reason=c["reason"],
            )
        )
        return rows
    rows.append(
        _event(
            wish, WishEventKind.APPROVED, reviewed, WishStatus.SUBMITTED, WishStatus.PUBLISHED, who, shares=1
        )
    )
    if w.outcome == WishStatus.CANCELLED:
        at = reviewed + w.done_after / 2
        rows.append(
            _event(
                wish,
                WishEventKind.CANCELLED,
                at,
                WishStatus.PUBLISHED,
                WishStatus.CANCELLED,
                who,
                reason=c["reason"],
                claims=[],
            )
        )
    return rows


def _claim_events(
    wish: Wish, w: PastWish, claim: WishClaim, who: dict[str, Any], points: list[int]
) -> list[dict[str, Any]]:
    holder = actor_fields(w.claimed_by) if w.claimed_by is not None else who
    wisher = actor_fields(w.wisher) if w.wisher is not None and not w.by_phone else who
    assert wish.fulfilled_at is not None and wish.confirmed_at is not None
    rows = [
        _event(
            wish,
            WishEventKind.CLAIMED,
            claim.claimed_at,
            WishStatus.PUBLISHED,
            WishStatus.CLAIMED,
            holder,
            claim=claim.pk,
            claimant_kind=claim.claimant_kind,
            shares=1,
        ),
        _event(
            wish,
            WishEventKind.FULFILLED,
            wish.fulfilled_at,
            WishStatus.CLAIMED,
            WishStatus.FULFILLED,
            holder,
            claim=claim.pk,
            photos=0,
            note=claim.note,
        ),
        _event(
            wish,
            WishEventKind.CONFIRMED,
            wish.confirmed_at,
            WishStatus.FULFILLED,
            WishStatus.CONFIRMED,
            wisher,
            by_phone=wish.confirmed_by_phone,
            note=wish.confirm_note,
            point_entries=points,
        ),
    ]
    if wish.thanks:
        rows.append(
            _event(
                wish,
                WishEventKind.THANKED,
                wish.confirmed_at,
                WishStatus.CONFIRMED,
                WishStatus.CONFIRMED,
                wisher,
            )
        )
    return rows
