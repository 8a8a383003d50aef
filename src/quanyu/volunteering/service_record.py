"""Volunteer hours on a party member's 双报到 yearly record (``people.service_record``): the
sign-ups of the member's volunteer records whose hours the organiser approved, by the year of the
activity. Declined and pending hours do not count; a correction shows at once."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.db.models import Count, Sum
from django.utils.translation import gettext_lazy as _

from quanyu.people.service_record import add_counter
from quanyu.volunteering.models import Signup
from quanyu.volunteering.states import HoursStatus


def approved_hours(member_ids: Sequence[int], year: int) -> dict[int, tuple[int, Decimal | None]]:
    rows = (
        Signup.objects.filter(
            volunteer__member_id__in=member_ids,
            hours_status=HoursStatus.APPROVED,
            activity__starts_at__year=year,
        )
        .values("volunteer__member_id")
        .annotate(n=Count("id"), minutes=Sum("minutes"))
    )
    return {
        r["volunteer__member_id"]: (r["n"], (Decimal(r["minutes"] or 0) / 60).quantize(Decimal("0.1")))
        for r in rows
    }


def register() -> None:
    add_counter("volunteering", label=_("志愿服务"), count=approved_hours, has_hours=True)
