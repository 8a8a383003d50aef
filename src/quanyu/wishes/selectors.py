"""Every read of wishes for pages and the API. Staff reads take the actor and answer only what the
actor may see (out of scope → 404); the wall is public and answers only ``wall_row`` fields, never
who wished, their contact or where they live."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from quanyu.core.permissions import grants_for
from quanyu.core.pii import mask_phone
from quanyu.core.scoping import scope
from quanyu.orgs.models import Unit
from quanyu.people.access import as_roles
from quanyu.people.models import PartyMember, Report
from quanyu.volunteering.models import Team, TeamMember
from quanyu.wishes.access import STAFF, is_staff_at
from quanyu.wishes.models import Wish, WishClaim, WishEvent
from quanyu.wishes.states import WALL_STATUSES, ClaimStatus, WishStatus

WALL_FIELDS = (
    "id",
    "kind",
    "public_text",
    "estimated_value",
    "wanted_by",
    "shares",
    "claimed_shares",
    "status",
    "published_at",
    "thanks",
    "community__name",
    "street__name",
)


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@dataclass
class WallFilters:
    community: int | None = None
    street: int | None = None
    kind: str = ""
    # "open" (claimable), "done" (realised), "" (everything on the wall)
    state: str = ""
    q: str = ""


WALL_STATES = {
    "open": [WishStatus.PUBLISHED],
    "claimed": [WishStatus.CLAIMED, WishStatus.FULFILLED, WishStatus.DISPUTED],
    "done": [WishStatus.CONFIRMED],
}


def wall_list(*, filters: WallFilters | None = None) -> QuerySet[Wish]:
    """The public wall: wishes published and after, newest first; only public columns are read."""
    f = filters or WallFilters()
    statuses = WALL_STATES.get(f.state, sorted(WALL_STATUSES))
    qs = Wish.objects.filter(status__in=statuses)
    if f.community is not None:
        qs = qs.filter(community_id=f.community)
    if f.street is not None:
        qs = qs.filter(street_id=f.street)
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.q:
        # Chinese text has no case: LIKE without UPPER() is several times cheaper on every row.
        qs = qs.filter(public_text__contains=f.q[:50])
    return qs.select_related("community", "street").only(*WALL_FIELDS).order_by("-published_at", "-id")


def claimable_teams(*, actor: Any) -> QuerySet[Team]:
    """The volunteer teams ``actor`` may claim for: those it leads or volunteers in."""
    if not getattr(actor, "is_authenticated", False):
        return Team.objects.none()
    mine = Q(leader_id=actor.pk) | Q(
        pk__in=TeamMember.objects.filter(volunteer__user_id=actor.pk).values("team_id")
    )
    return Team.objects.filter(mine).order_by("name", "id")


def wall_rows(ids: list[int]) -> list[Wish]:
    """The wall's rows of one page, in the page's order, from the page's ids.

    The page itself is chosen on ids alone (``wall_list(...).values_list("pk")``): a deep page's
    OFFSET then walks the partial wall index without joining the communities and streets of every
    row it skips, and only the 50 rows shown are read whole and joined."""
    if not ids:
        return []
    found = Wish.objects.filter(pk__in=ids).select_related("community", "street").only(*WALL_FIELDS)
    by_id = {w.pk: w for w in found}
    return [by_id[pk] for pk in ids if pk in by_id]


def wall_row(wish: Wish) -> dict[str, Any]:
    """What the public may know of a wish. Nothing else may be added here without a privacy test."""
    return {
        "id": wish.pk,
        "kind": wish.kind,
        "kind_label": wish.get_kind_display(),
        "text": wish.public_text,
        "community": wish.community.name,
        "street": wish.street.name if wish.street_id and wish.street else "",
        "estimated_value": str(wish.estimated_value) if wish.estimated_value is not None else None,
        "wanted_by": wish.wanted_by.isoformat() if wish.wanted_by else None,
        "shares": wish.shares,
        "shares_left": wish.shares - wish.claimed_shares,
        "status": wish.status,
        "status_label": wish.get_status_display(),
        "published_at": wish.published_at.isoformat() if wish.published_at else None,
        "thanks": wish.thanks,
    }


def wall_get(*, wish_id: Any) -> Wish:
    pk = _int(wish_id)
    found = wall_list().filter(pk=pk).first() if pk is not None else None
    if found is None:
        raise Http404
    return found


# --- staff and wishers ---------------------------------------------------------------------------


@dataclass
class WishFilters:
    status: str = ""
    community: int | None = None
    on_behalf: bool | None = None
    q: str = ""


def wish_queryset_for(*, actor: Any) -> QuerySet[Wish]:
    staff = scope(Wish.objects.all(), actor=as_roles(actor, STAFF))
    if not getattr(actor, "is_authenticated", False):
        return Wish.objects.none()
    return staff | Wish.objects.filter(wisher_id=actor.pk)


def wish_list_for(*, actor: Any, filters: WishFilters | None = None) -> QuerySet[Wish]:
    f = filters or WishFilters()
    qs = wish_queryset_for(actor=actor)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.community is not None:
        qs = qs.filter(community_id=f.community)
    if f.on_behalf is not None:
        qs = qs.filter(on_behalf=f.on_behalf)
    if f.q:
        qs = qs.filter(Q(text__icontains=f.q[:50]) | Q(public_text__icontains=f.q[:50]))
    return qs.select_related("community", "street", "resident", "wisher").order_by("-created_at", "-id")


def review_queue_for(*, actor: Any) -> QuerySet[Wish]:
    return wish_list_for(actor=actor, filters=WishFilters(status=WishStatus.SUBMITTED)).filter(
        pk__in=scope(Wish.objects.all(), actor=as_roles(actor, STAFF)).values("pk")
    )


def my_wishes(*, actor: Any) -> QuerySet[Wish]:
    if not getattr(actor, "is_authenticated", False):
        return Wish.objects.none()
    return Wish.objects.filter(wisher_id=actor.pk).select_related("community").order_by("-created_at", "-id")


def wish_get_for(*, actor: Any, wish_id: Any) -> Wish:
    pk = _int(wish_id)
    found = wish_list_for(actor=actor).filter(pk=pk).first() if pk is not None else None
    if found is None:
        raise Http404
    return found


def wish_timeline(*, wish: Wish) -> QuerySet[WishEvent]:
    return wish.events.select_related("actor").order_by("at", "id")


@dataclass(frozen=True)
class WisherIdentity:
    """Who wished, as only the community's staff see it (name, contact, place)."""

    name: str
    phone: str
    place: str
    tags: list[str]


def wisher_identity(*, actor: Any, wish: Wish) -> WisherIdentity | None:
    """The wisher's identity for staff of the wish's community (and the wisher), else None. The
    phone is masked: staff reveal it through the people register, which audits the look."""
    if not is_staff_at(actor, wish) and wish.wisher_id != getattr(actor, "pk", None):
        return None
    if wish.resident is not None:
        r = wish.resident
        return WisherIdentity(
            name=r.name,
            phone=mask_phone(r.phone),
            place=" ".join(x for x in (r.unit_no, r.room) if x) or r.address,
            tags=r.tag_list,
        )
    user = wish.wisher
    return WisherIdentity(
        name=str(user) if user is not None else "",
        phone=mask_phone(wish.contact_phone),
        place=wish.address_detail,
        tags=[],
    )


# --- claims --------------------------------------------------------------------------------------


def _unit_ids(actor: Any) -> list[int]:
    return [g.unit_id for g in grants_for(actor) if g.unit_id]


def claim_list_for(*, actor: Any, status: str = "") -> QuerySet[WishClaim]:
    """The claims the actor holds: made by the actor, for the actor as a member, or for a unit the
    actor is the contact of."""
    if not getattr(actor, "is_authenticated", False):
        return WishClaim.objects.none()
    qs = WishClaim.objects.filter(
        Q(by_user_id=actor.pk) | Q(member__user_id=actor.pk) | Q(unit_id__in=_unit_ids(actor))
    )
    if status:
        qs = qs.filter(status=status)
    return qs.select_related("wish__community", "wish__street", "member", "unit").order_by(
        "-claimed_at", "-id"
    )


def claim_get_for(*, actor: Any, claim_id: Any) -> WishClaim:
    """A claim its holder, or staff of the wish's community, may act on; 404 otherwise."""
    pk = _int(claim_id)
    if pk is None:
        raise Http404
    found = claim_list_for(actor=actor).filter(pk=pk).first()
    if found is None:
        found = (
            scope(WishClaim.objects.all(), actor=as_roles(actor, STAFF))
            .select_related("wish__community", "member", "unit")
            .filter(pk=pk)
            .first()
        )
    if found is None:
        raise Http404
    return found


def claims_of(*, wish: Wish) -> QuerySet[WishClaim]:
    return wish.claims.select_related("member", "unit").order_by("claimed_at", "id")


# --- the yearly record (双报到) -------------------------------------------------------------------


@dataclass
class WishRecord:
    year: int
    reports: list[Report]
    claims: list[WishClaim]

    @property
    def realised(self) -> int:
        return sum(1 for c in self.claims if c.wish.status == WishStatus.CONFIRMED)


def _record(claims: QuerySet[WishClaim], reports: QuerySet[Report], year: int) -> WishRecord:
    start = dt.date(year, 1, 1)
    end = dt.date(year + 1, 1, 1)
    held = claims.filter(
        status=ClaimStatus.FULFILLED, fulfilled_at__date__gte=start, fulfilled_at__date__lt=end
    ).select_related("wish__community", "report")
    return WishRecord(
        year=year, reports=list(reports.filter(year=year).select_related("community")), claims=list(held)
    )


def member_wish_record(*, member: PartyMember, year: int) -> WishRecord:
    """The wishes a member fulfilled in ``year``, beside the member's 双报到 reports of that year."""
    return _record(WishClaim.objects.filter(member=member), Report.objects.filter(member=member), year)


def unit_wish_record(*, unit: Unit, year: int) -> WishRecord:
    """The wishes a resident unit fulfilled in ``year`` (as a unit and through its members)."""
    claims = WishClaim.objects.filter(Q(unit=unit) | Q(member__work_unit=unit))
    return _record(claims, Report.objects.filter(unit=unit), year)


def staff_wish_ids(*, actor: Any) -> QuerySet[Wish, Any]:
    """The ids of the wishes in the actor's staff scope (the desk lists only these)."""
    return scope(Wish.objects.all(), actor=as_roles(actor, STAFF)).values("pk")
