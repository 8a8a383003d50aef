"""Indicators from the party-member register (app ``people``).

Areas:

* ``people.reported_share`` — in-service members (在职党员) living in the area whose 双报到 to
  their residence community is confirmed for the period's year / in-service members living there;
* ``people.meetings_held`` — 三会一课 held in the period by branches in the area / branches there
  (meetings per branch);
* ``people.attendance`` — attendances marked present / attendances recorded, same meetings;
* ``people.points`` — points recorded in the period for members living in the area / those members
  (points per member).

Units (resident units): ``people.unit_reported`` — 1 when the unit's 双报到 is confirmed for the
year, else 0 (over 1)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from quanyu.assessment.indicators.registry import (
    AREA,
    UNIT,
    Figure,
    Provider,
    Target,
    common_path,
    register,
    rollup_by_path,
)
from quanyu.assessment.periods import Period
from quanyu.orgs.models import OrgKind, PartyOrg
from quanyu.people.models import Attendance, Meeting, MemberCategory, PartyMember, PointEntry, Report
from quanyu.people.selectors import meeting_list_for, member_list_for, report_list_for
from quanyu.people.states import ReportStatus

BRANCH_KINDS = [OrgKind.BRANCH, OrgKind.GENERAL_BRANCH]


def _areas(targets: Sequence[Target]) -> list[Target]:
    return [t for t in targets if t.kind == AREA]


def _reported(targets: Sequence[Target], period: Period, shared: dict[str, Any]) -> dict[int, Figure]:
    confirmed = Report.objects.filter(
        kind=Report.Kind.MEMBER, year=period.year, status=ReportStatus.CONFIRMED
    ).values("member_id")
    under = common_path(_areas(targets))
    rows = (
        PartyMember.objects.filter(
            category=MemberCategory.IN_SERVICE, community__isnull=False, community__path__startswith=under
        )
        .values("community__path")
        .annotate(total=Count("id"), reported=Count("id", filter=Q(id__in=confirmed)))
        .order_by()
    )
    parts = ((r["community__path"], Decimal(r["reported"]), Decimal(r["total"])) for r in rows)
    return rollup_by_path(parts, _areas(targets))


def _meetings(period: Period, shared: dict[str, Any], under: str) -> list[dict[str, Any]]:
    key = f"people.meetings.{period.key}.{under}"
    if key not in shared:
        shared[key] = list(
            Meeting.objects.filter(
                held_on__gte=period.start, held_on__lt=period.end, branch__area__path__startswith=under
            )
            .values("branch__area__path")
            .annotate(
                held=Count("id", distinct=True),
                expected=Count("attendance"),
                present=Count("attendance", filter=Q(attendance__status=Attendance.Status.PRESENT)),
            )
            .order_by()
        )
    return shared[key]


def _held(targets: Sequence[Target], period: Period, shared: dict[str, Any]) -> dict[int, Figure]:
    branches = dict.fromkeys((t.pk for t in _areas(targets)), Decimal(0))
    under = common_path(_areas(targets))
    counts = (
        PartyOrg.objects.filter(kind__in=BRANCH_KINDS, area__path__startswith=under)
        .values("area__path")
        .annotate(n=Count("id"))
        .order_by()
    )
    per_branch = rollup_by_path(((r["area__path"], Decimal(r["n"]), None) for r in counts), _areas(targets))
    for pk, fig in per_branch.items():
        branches[pk] = fig.numerator
    held = rollup_by_path(
        ((r["branch__area__path"], Decimal(r["held"]), None) for r in _meetings(period, shared, under)),
        _areas(targets),
    )
    return {pk: Figure(fig.numerator, branches.get(pk, Decimal(0))) for pk, fig in held.items()}


def _attendance(targets: Sequence[Target], period: Period, shared: dict[str, Any]) -> dict[int, Figure]:
    under = common_path(_areas(targets))
    parts = (
        (r["branch__area__path"], Decimal(r["present"]), Decimal(r["expected"]))
        for r in _meetings(period, shared, under)
    )
    return rollup_by_path(parts, _areas(targets))


def _points(targets: Sequence[Target], period: Period, shared: dict[str, Any]) -> dict[int, Figure]:
    under = common_path(_areas(targets))
    sums = (
        PointEntry.objects.filter(
            occurred_on__gte=period.start, occurred_on__lt=period.end, member__scope_path__startswith=under
        )
        .values("member__scope_path")
        .annotate(points=Sum("points"))
        .order_by()
    )
    members = (
        PartyMember.objects.filter(scope_path__startswith=under)
        .values("scope_path")
        .annotate(n=Count("id"))
        .order_by()
    )
    areas = _areas(targets)
    got = rollup_by_path(((r["member__scope_path"], Decimal(r["points"] or 0), None) for r in sums), areas)
    heads = rollup_by_path(((r["scope_path"], Decimal(r["n"]), None) for r in members), areas)
    return {t.pk: Figure(got[t.pk].numerator, heads[t.pk].numerator) for t in areas}


def _unit_reported(targets: Sequence[Target], period: Period, shared: dict[str, Any]) -> dict[int, Figure]:
    units = [t.pk for t in targets if t.kind == UNIT]
    done = set(
        Report.objects.filter(
            kind=Report.Kind.UNIT, year=period.year, status=ReportStatus.CONFIRMED, unit_id__in=units
        ).values_list("unit_id", flat=True)
    )
    return {pk: Figure(Decimal(1 if pk in done else 0), Decimal(1)) for pk in units}


def _members_rows(actor: Any, target: Target, period: Period) -> QuerySet[Any]:
    return member_list_for(actor=actor).filter(
        category=MemberCategory.IN_SERVICE, community__path__startswith=target.path
    )


def _meeting_rows(actor: Any, target: Target, period: Period) -> QuerySet[Any]:
    return meeting_list_for(actor=actor).filter(
        held_on__gte=period.start, held_on__lt=period.end, branch__area__path__startswith=target.path
    )


def _points_rows(actor: Any, target: Target, period: Period) -> QuerySet[Any]:
    return member_list_for(actor=actor).filter(scope_path__startswith=target.path)


def _unit_rows(actor: Any, target: Target, period: Period) -> QuerySet[Any]:
    return report_list_for(actor=actor, year=period.year).filter(unit_id=target.pk)


def _member(obj: Any) -> tuple[str, str, list[Any]]:
    return obj.name, "web:people_member", [obj.pk]


def _meeting(obj: Any) -> tuple[str, str, list[Any]]:
    return f"{obj.held_on} {obj.branch.name} {obj.topic}", "", []


def _report(obj: Any) -> tuple[str, str, list[Any]]:
    return f"{obj.unit or obj.member} {obj.community} {obj.get_status_display()}", "", []


register(
    Provider(
        key="people.reported_share",
        label=_("在职党员双报到率"),
        unit="%",
        kinds=frozenset({AREA}),
        compute=_reported,
        rows=_members_rows,
        describe=_member,
        percent=True,
    )
)
register(
    Provider(
        key="people.meetings_held",
        label=_("三会一课开展（次/支部）"),
        unit="次/支部",
        kinds=frozenset({AREA}),
        compute=_held,
        rows=_meeting_rows,
        describe=_meeting,
    )
)
register(
    Provider(
        key="people.attendance",
        label=_("三会一课出席率"),
        unit="%",
        kinds=frozenset({AREA}),
        compute=_attendance,
        rows=_meeting_rows,
        describe=_meeting,
        percent=True,
    )
)
register(
    Provider(
        key="people.points",
        label=_("党员人均积分"),
        unit="分/人",
        kinds=frozenset({AREA}),
        compute=_points,
        rows=_points_rows,
        describe=_member,
    )
)
register(
    Provider(
        key="people.unit_reported",
        label=_("驻区单位双报到"),
        unit="%",
        kinds=frozenset({UNIT}),
        compute=_unit_reported,
        rows=_unit_rows,
        describe=_report,
        percent=True,
    )
)
