"""Claims on a published wish: claim (a member, a unit or a team; all the shares or some of a
divisible wish), progress, release, reassign, fulfil with evidence, and the sweep that lapses claims
left without progress."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from quanyu.core.workflow import ConflictError
from quanyu.orgs.models import Unit
from quanyu.people.models import PartyMember, Report
from quanyu.people.states import ReportStatus
from quanyu.volunteering.models import Team
from quanyu.wishes import access, events, notifications
from quanyu.wishes.conf import int_setting
from quanyu.wishes.models import ClaimantKind, Wish, WishClaim, WishPhoto
from quanyu.wishes.photos import clean_photos
from quanyu.wishes.services._base import (
    check_claim,
    check_wish,
    local_year,
    lock_claim,
    lock_wish,
    save_photos,
    text_field,
)
from quanyu.wishes.states import OPEN_STATUSES, ClaimStatus, WishStatus


def _report_for(
    wish: Wish, *, member: PartyMember | None, unit: Unit | None, at: dt.datetime
) -> Report | None:
    """The confirmed 双报到 report of the claimant to the wish's community this year, if any."""
    reports = Report.objects.filter(
        community_id=wish.community_id, year=local_year(at), status=ReportStatus.CONFIRMED
    )
    if member is not None:
        return reports.filter(member=member).first()
    if unit is not None:
        return reports.filter(unit=unit).first()
    return None


def _claimant(
    actor: Any, kind: str, unit: Unit | None, team: Team | None
) -> tuple[PartyMember | None, Unit | None, Team | None]:
    if kind not in ClaimantKind.values:
        raise ValidationError({"claimant_kind": _("认领方应为党员、驻区单位或志愿服务队")})
    if kind == ClaimantKind.MEMBER:
        return access.member_of(actor), None, None
    if kind == ClaimantKind.UNIT:
        if unit is None:
            raise ValidationError({"unit": _("请选择认领单位")})
        return None, unit, None
    if team is None:
        raise ValidationError({"team": _("请选择认领的志愿服务队")})
    return None, None, team


def _shares_wanted(value: Any) -> int:
    try:
        shares = int(value)
    except (TypeError, ValueError):
        raise ValidationError({"shares": _("份数应为整数")}) from None
    if shares < 1:
        raise ValidationError({"shares": _("份数至少为 1")})
    return shares


def wish_claim(
    *,
    actor: Any,
    wish: Wish,
    claimant_kind: str = ClaimantKind.MEMBER,
    unit: Unit | None = None,
    team: Team | None = None,
    shares: Any = 1,
) -> WishClaim:
    """Claim a wish on the wall. One claimant takes a single-share wish; a divisible wish takes
    claims until its shares are taken. Whoever comes second to the last share gets a 409."""
    member, unit, team = _claimant(actor, claimant_kind, unit, team)
    wanted = _shares_wanted(shares)
    access.require_claimant(actor, kind=claimant_kind, member=member, unit=unit, team=team)
    with transaction.atomic():
        locked = lock_wish(wish)
        left = locked.shares_left
        target = WishStatus.CLAIMED if wanted >= left else WishStatus.PUBLISHED
        check_wish(locked, target, seen=wish.status, action=_("认领"), only_from={WishStatus.PUBLISHED})
        if wanted > left:
            raise ValidationError({"shares": _("只剩 %(n)d 份可认领") % {"n": left}})
        holding = locked.claims.filter(status__in=[ClaimStatus.ACTIVE, ClaimStatus.FULFILLED])
        if (
            (member is not None and holding.filter(member=member).exists())
            or (unit is not None and holding.filter(unit=unit).exists())
            or (team is not None and holding.filter(team=team).exists())
        ):
            raise ConflictError(_("您已认领过这个心愿"))
        now = timezone.now()
        claim = WishClaim.objects.create(
            wish=locked,
            claimant_kind=claimant_kind,
            member=member,
            unit=unit,
            team=team,
            by_user=actor,
            shares=wanted,
            claimed_at=now,
            progress_at=now,
            report=_report_for(locked, member=member, unit=unit, at=now),
        )
        before = locked.status
        locked.claimed_shares += wanted
        locked.status = target
        locked.save(update_fields=["claimed_shares", "status"])
        events.wish_claimed_event(
            wish=locked,
            actor=actor,
            from_status=before,
            claim=claim.pk,
            claimant_kind=claimant_kind,
            shares=wanted,
        )
        notifications.claimed(locked)
    return claim


def _open_wish_for_claim(claim: WishClaim) -> tuple[Wish, WishClaim]:
    wish = lock_wish(claim.wish)
    return wish, lock_claim(claim)


def wish_claim_progress(*, actor: Any, claim: WishClaim, note: str) -> WishClaim:
    """A note of progress: keeps the claim from lapsing."""
    text = text_field(note, field="note", label=_("进展说明"), most=300, least=2)
    with transaction.atomic():
        wish, locked = _open_wish_for_claim(claim)
        access.require_claim_holder(actor, locked, wish)
        check_claim(locked, ClaimStatus.ACTIVE, seen=claim.status, action=_("记录进展"))
        check_wish(wish, wish.status, seen=None, action=_("记录进展"), only_from=OPEN_STATUSES)
        locked.progress_at = timezone.now()
        locked.save(update_fields=["progress_at"])
        events.wish_progress_event(wish=wish, actor=actor, claim=locked.pk, note=text)
    return locked


def _give_back(wish: Wish, claim: WishClaim, status: str) -> str:
    """The claim stops holding its shares; the wish goes back to the wall. Returns the old status."""
    before = wish.status
    claim.status = status
    claim.save(update_fields=["status"])
    wish.claimed_shares -= claim.shares
    wish.status = WishStatus.PUBLISHED
    wish.save(update_fields=["claimed_shares", "status"])
    return before


def wish_claim_release(*, actor: Any, claim: WishClaim, note: str = "") -> WishClaim:
    text = text_field(note, field="note", label=_("放弃原因"), most=300, required=False)
    with transaction.atomic():
        wish, locked = _open_wish_for_claim(claim)
        access.require_claim_holder(actor, locked, wish, staff_too=True)
        check_claim(locked, ClaimStatus.RELEASED, seen=claim.status, action=_("放弃认领"))
        check_wish(wish, WishStatus.PUBLISHED, seen=None, action=_("放弃认领"), only_from=OPEN_STATUSES)
        before = _give_back(wish, locked, ClaimStatus.RELEASED)
        events.wish_released_event(wish=wish, actor=actor, from_status=before, claim=locked.pk, note=text)
    return locked


def wish_claim_reassign(
    *,
    actor: Any,
    claim: WishClaim,
    reason: str,
    member: PartyMember | None = None,
    unit: Unit | None = None,
    team: Team | None = None,
) -> WishClaim:
    """Staff hand a claim's shares to another member, unit or team (the first keeps its history)."""
    text = text_field(reason, field="reason", label=_("改派原因"), most=300, least=2)
    given = [x for x in (member, unit, team) if x is not None]
    if len(given) != 1:
        raise ValidationError({"member": _("请指定一个新的认领方：党员、单位或服务队")})
    with transaction.atomic():
        wish, locked = _open_wish_for_claim(claim)
        access.require_staff(actor, wish)
        check_claim(locked, ClaimStatus.REASSIGNED, seen=claim.status, action=_("改派"))
        check_wish(wish, wish.status, seen=None, action=_("改派"), only_from=OPEN_STATUSES)
        if (
            (member is not None and member.pk == locked.member_id)
            or (unit is not None and unit.pk == locked.unit_id)
            or (team is not None and team.pk == locked.team_id)
        ):
            raise ValidationError({"member": _("新的认领方与原认领方相同")})
        holding = wish.claims.filter(status__in=[ClaimStatus.ACTIVE, ClaimStatus.FULFILLED])
        if (
            (member is not None and holding.filter(member=member).exists())
            or (unit is not None and holding.filter(unit=unit).exists())
            or (team is not None and holding.filter(team=team).exists())
        ):
            raise ValidationError({"member": _("新的认领方已认领这个心愿")})
        locked.status = ClaimStatus.REASSIGNED
        locked.save(update_fields=["status"])
        now = timezone.now()
        kind = ClaimantKind.MEMBER if member else ClaimantKind.UNIT if unit else ClaimantKind.TEAM
        new = WishClaim.objects.create(
            wish=wish,
            claimant_kind=kind,
            member=member,
            unit=unit,
            team=team,
            by_user=member.user if member is not None else None,
            shares=locked.shares,
            claimed_at=now,
            progress_at=now,
            report=_report_for(wish, member=member, unit=unit, at=now),
        )
        events.wish_reassigned_event(
            wish=wish,
            actor=actor,
            from_status=wish.status,
            old_claim=locked.pk,
            new_claim=new.pk,
            reason=text,
        )
        notifications.reassigned(new)
    return new


def wish_fulfil(
    *, actor: Any, claim: WishClaim, note: str, photos: list[Any] | tuple[Any, ...] = ()
) -> WishClaim:
    """The claimant says the wish (its share) is done, with a note and photos as evidence. When every
    share is taken and done, the wish waits for the wisher's confirmation."""
    text = text_field(note, field="note", label=_("完成说明"), most=500, least=2)
    clean = clean_photos(list(photos))
    with transaction.atomic():
        wish, locked = _open_wish_for_claim(claim)
        access.require_claim_holder(actor, locked, wish, staff_too=True)
        check_claim(locked, ClaimStatus.FULFILLED, seen=claim.status, action=_("完成"))
        others_open = wish.claims.filter(status=ClaimStatus.ACTIVE).exclude(pk=locked.pk).exists()
        done = wish.shares_left == 0 and not others_open
        target = WishStatus.FULFILLED if done else wish.status
        check_wish(wish, target, seen=None, action=_("完成"), only_from=OPEN_STATUSES)
        now = timezone.now()
        locked.status = ClaimStatus.FULFILLED
        locked.fulfilled_at = now
        locked.progress_at = now
        locked.note = text
        locked.save(update_fields=["status", "fulfilled_at", "progress_at", "note"])
        save_photos(wish=wish, photos=clean, kind=WishPhoto.Kind.EVIDENCE, actor=actor, claim=locked)
        before = wish.status
        if done:
            wish.status = WishStatus.FULFILLED
            wish.fulfilled_at = now
            wish.save(update_fields=["status", "fulfilled_at"])
        events.wish_fulfilled_event(
            wish=wish, actor=actor, from_status=before, claim=locked.pk, photos=len(clean), note=text
        )
        if done:
            notifications.fulfilled(wish)
    return locked


def wish_lapse_sweep(*, now: dt.datetime | None = None) -> int:
    """Claims without progress for ``QUANYU_WISH_LAPSE_DAYS`` lapse and their shares go back to the
    wall. Idempotent: each claim is re-read under lock and skipped if it moved meanwhile."""
    now = now or timezone.now()
    days = int_setting("QUANYU_WISH_LAPSE_DAYS")
    cutoff = now - dt.timedelta(days=days)
    due = list(
        WishClaim.objects.filter(
            status=ClaimStatus.ACTIVE, progress_at__lt=cutoff, wish__status__in=list(OPEN_STATUSES)
        )
        .order_by("pk")
        .values_list("pk", "wish_id")[:1000]
    )
    lapsed = 0
    for claim_id, wish_id in due:
        with transaction.atomic():
            wish = lock_wish(Wish(pk=wish_id))
            locked = lock_claim(WishClaim(pk=claim_id))
            if (
                locked.status != ClaimStatus.ACTIVE
                or locked.progress_at >= cutoff
                or wish.status not in OPEN_STATUSES
            ):
                continue
            before = _give_back(wish, locked, ClaimStatus.LAPSED)
            events.wish_lapsed_event(wish=wish, from_status=before, claim=locked.pk, days=days)
            notifications.lapsed(locked)
            lapsed += 1
    return lapsed
