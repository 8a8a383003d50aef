"""Micro-wishes on a party member's 双报到 yearly record (``people.service_record``): the wishes the
member claimed and fulfilled whose wisher confirmed them (realised), by the year of fulfilment.
A claim released, lapsed or reassigned, or a wish still disputed, does not count."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from quanyu.people.service_record import add_counter
from quanyu.wishes.models import WishClaim
from quanyu.wishes.states import ClaimStatus, WishStatus


def realised_wishes(member_ids: Sequence[int], year: int) -> dict[int, tuple[int, Decimal | None]]:
    rows = (
        WishClaim.objects.filter(
            member_id__in=member_ids,
            status=ClaimStatus.FULFILLED,
            wish__status=WishStatus.CONFIRMED,
            fulfilled_at__year=year,
        )
        .values("member_id")
        .annotate(n=Count("id"))
    )
    return {r["member_id"]: (r["n"], None) for r in rows}


def register() -> None:
    add_counter("wishes", label=_("认领实现微心愿"), count=realised_wishes, has_hours=False)
