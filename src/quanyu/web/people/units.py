"""A unit's in-service members and their records (issue 13 point 3: 在职党员 report to their
residence community, and "an in-service member's unit sees its members' records").

Who sees which members: the unit's own contact (a grant on behalf of the unit, ``RoleGrant.unit``)
sees every member whose work unit it is; office readers see those of them in their own register
scope (the communities they serve), never more than the member register shows them. Anyone else,
and any unit the actor may not open, is a 404. Names are shown, never ID or phone numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import DecimalField, IntegerField, OuterRef, Prefetch, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from quanyu.core.params import parse_year
from quanyu.core.permissions import has_role
from quanyu.orgs import selectors as orgs
from quanyu.orgs.collation import NameOrdered
from quanyu.orgs.models import Unit
from quanyu.people import selectors as people
from quanyu.people.access import READERS
from quanyu.people.models import DutyLog, PartyMember, PointEntry, PostClaim, Report
from quanyu.people.service_record import members_service, total_service
from quanyu.people.states import ClaimStatus, ReportStatus

PER_PAGE = 50


def unit_members_for(*, actor: Any, unit: Unit) -> QuerySet[PartyMember] | None:
    """The unit's in-service members the actor may see; None when the actor may see none of them."""
    if unit.pk in orgs.own_unit_ids(actor):
        return PartyMember.objects.filter(work_unit=unit)
    if has_role(actor, READERS):
        return people.member_list_for(actor=actor).filter(work_unit=unit)
    return None


@dataclass
class UnitYear:
    members: int
    reported: int
    waiting: int
    duty_hours: Decimal
    points: int


def _with_records(members: QuerySet[PartyMember], year: int) -> QuerySet[PartyMember]:
    hours = (
        DutyLog.objects.filter(claim__member=OuterRef("pk"), on_date__year=year)
        .order_by()
        .values("claim__member")
        .annotate(h=Sum("hours"))
        .values("h")
    )
    points = (
        PointEntry.objects.filter(member=OuterRef("pk"), occurred_on__year=year)
        .order_by()
        .values("member")
        .annotate(p=Sum("points"))
        .values("p")
    )
    decimal = DecimalField(max_digits=9, decimal_places=1)
    return (
        members.select_related("branch", "community")
        .annotate(
            duty_hours=Coalesce(
                Subquery(hours, output_field=decimal), Value(Decimal("0")), output_field=decimal
            ),
            year_points=Coalesce(Subquery(points, output_field=IntegerField()), Value(0)),
        )
        .prefetch_related(
            Prefetch(
                "reports",
                queryset=Report.objects.filter(year=year)
                .select_related("community")
                .order_by("-submitted_at", "-id"),
                to_attr="year_reports",
            ),
            Prefetch(
                "post_claims",
                queryset=PostClaim.objects.filter(status=ClaimStatus.ACTIVE).select_related(
                    "post__community"
                ),
                to_attr="active_claims",
            ),
        )
    )


def unit_year(members: QuerySet[PartyMember], year: int) -> UnitYear:
    """The unit's figures for the year, over exactly the members listed."""
    ids = members.values("pk")
    reports = Report.objects.filter(member__in=ids, year=year)
    return UnitYear(
        members=members.count(),
        reported=reports.filter(status=ReportStatus.CONFIRMED).values("member").distinct().count(),
        waiting=reports.filter(status=ReportStatus.SUBMITTED).values("member").distinct().count(),
        duty_hours=DutyLog.objects.filter(claim__member__in=ids, on_date__year=year).aggregate(
            h=Coalesce(Sum("hours"), Decimal("0"))
        )["h"],
        points=int(
            PointEntry.objects.filter(member__in=ids, occurred_on__year=year).aggregate(
                p=Coalesce(Sum("points"), 0)
            )["p"]
        ),
    )


@login_required
def unit_members(request: HttpRequest, unit_id: int) -> HttpResponse:
    """在职党员双报到记录: the unit's members, this year's report, posts, duty hours and points."""
    unit = orgs.unit_get_for(actor=request.user, unit_id=unit_id)
    members = unit_members_for(actor=request.user, unit=unit)
    if members is None:
        raise Http404
    year = parse_year(request.GET.get("year")) or timezone.localdate().year
    page = Paginator(NameOrdered(_with_records(members, year)), PER_PAGE).get_page(request.GET.get("page"))
    # Volunteer hours, realised wishes…: what the apps above people add (one query per app).
    lines = members_service([m.pk for m in page.object_list], year)
    for m in page.object_list:
        m.services = lines[m.pk]
    context = {
        "unit": unit,
        "year": year,
        "years": list(range(timezone.localdate().year, timezone.localdate().year - 5, -1)),
        "page": page,
        "figures": unit_year(members, year),
        "services": total_service(list(members.values_list("pk", flat=True)), year),
        "own": unit.pk in orgs.own_unit_ids(request.user),
    }
    return render(request, "web/people/unit_members.html", context)
