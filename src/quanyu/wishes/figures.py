"""Figures of the wishes for the assessment and the rankings: realised wishes per community, and
rankings of members, units and communities over a period. Read-only; the period is given (the
assessment app freezes periods into bulletins). A realised wish is a confirmed one, counted on the
local day of its confirmation."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, QuerySet
from django.utils import timezone

from quanyu.core.scoping import scope
from quanyu.orgs.models import Unit
from quanyu.people.access import as_roles
from quanyu.wishes.access import STAFF
from quanyu.wishes.models import ClaimantKind, Wish, WishClaim
from quanyu.wishes.states import ClaimStatus, WishStatus

RANK_BY = ("member", "unit", "community")


def _bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[start, end] local days as aware datetimes [from, to)."""
    tz = timezone.get_current_timezone()
    lo = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
    hi = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return lo, hi


def _realised(start: dt.date, end: dt.date) -> QuerySet[Wish]:
    lo, hi = _bounds(start, end)
    return Wish.objects.filter(status=WishStatus.CONFIRMED, confirmed_at__gte=lo, confirmed_at__lt=hi)


def realised_per_community(*, start: dt.date, end: dt.date) -> dict[int, int]:
    """Community id → wishes realised (confirmed) in [start, end]: the assessment's indicator."""
    rows = _realised(start, end).values("community_id").annotate(n=Count("id"))
    return {r["community_id"]: r["n"] for r in rows}


@dataclass(frozen=True)
class RankRow:
    rank: int
    key: int
    name: str
    realised: int


def ranking(*, actor: Any, by: str, start: dt.date, end: dt.date, limit: int = 50) -> list[RankRow]:
    """Members, units or communities by wishes realised in [start, end], inside the actor's staff
    scope. A unit counts its own claims and its in-service members'."""
    wishes = scope(_realised(start, end), actor=as_roles(actor, STAFF))
    if by == "community":
        rows = (
            wishes.values("community_id", "community__name")
            .annotate(n=Count("id"))
            .order_by("-n", "community_id")
        )
        triples = [(r["community_id"], r["community__name"], r["n"]) for r in rows[:limit]]
    else:
        claims = WishClaim.objects.filter(status=ClaimStatus.FULFILLED, wish__in=wishes.values("pk"))
        if by == "member":
            members = (
                claims.filter(claimant_kind=ClaimantKind.MEMBER)
                .values("member_id", "member__name")
                .annotate(n=Count("wish", distinct=True))
                .order_by("-n", "member_id")
            )
            triples = [(r["member_id"], r["member__name"], r["n"]) for r in members[:limit]]
        else:
            done: dict[int, set[int]] = defaultdict(set)
            for unit_id, work_unit_id, wish_id in claims.values_list(
                "unit_id", "member__work_unit_id", "wish_id"
            ):
                for key in {unit_id, work_unit_id} - {None}:
                    done[key].add(wish_id)
            names = dict(Unit.objects.filter(pk__in=list(done)).values_list("pk", "name"))
            ordered = sorted(done.items(), key=lambda kv: (-len(kv[1]), kv[0]))[:limit]
            triples = [(k, names.get(k, ""), len(v)) for k, v in ordered]
    return [RankRow(rank=i + 1, key=k, name=name, realised=n) for i, (k, name, n) in enumerate(triples)]
