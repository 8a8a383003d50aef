"""Reads of the people domain for pages and the API. Every function takes the actor and scopes
through ``quanyu.people.access`` (which calls ``core.scoping.scope``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from quanyu.core.models import AuditEntry
from quanyu.core.permissions import has_role
from quanyu.core.pii import mask_phone, pii_hash
from quanyu.core.scoping import scope
from quanyu.orgs.models import PartyOrg, Unit
from quanyu.people.access import (
    AUDITORS,
    EDITORS,
    READERS,
    TAG_VIEWERS,
    as_roles,
    can_see_tags,
    get_or_404,
    has_role_at_any,
    member_paths,
    scoped,
    scoped_members,
)
from quanyu.people.access import (
    tags_visible_for as tags_visible_for,
)
from quanyu.people.models import (
    Attendance,
    DutyLog,
    FloatingRecord,
    Meeting,
    MemberCategory,
    MemberTransfer,
    PartyMember,
    PointEntry,
    PointRequest,
    PointRule,
    Post,
    PostClaim,
    Report,
    Resident,
)
from quanyu.people.service_record import ServiceLine, member_service, total_service
from quanyu.people.states import ClaimStatus, FloatingStatus, PointRequestStatus, ReportStatus


def _search_q(text: str) -> Q:
    """Search by name (contains), or by the exact ID number / mobile through their hashes."""
    text = (text or "").strip()
    q = Q(name__icontains=text)
    compact = text.replace(" ", "").upper()
    if len(compact) == 18:
        q |= Q(id_hash=pii_hash("id", compact))
    if len(compact) == 11 and compact.isdigit():
        q |= Q(phone_hash=pii_hash("phone", compact))
    return q


# Registers list people by name in pinyin order (张 after 李 after 安), in the database: the
# stored ``name_key`` sorts, the id breaks ties between namesakes (issue 13 point 13).
NAME_ORDER = ("name_key", "id")


@dataclass
class MemberFilters:
    search: str = ""
    category: str = ""
    branch: int | None = None
    community: int | None = None
    status: str = ""


def member_list_for(*, actor: Any, filters: MemberFilters | None = None) -> QuerySet[PartyMember]:
    qs = scoped_members(PartyMember.objects.all(), actor=actor).select_related("branch", "community")
    f = filters or MemberFilters()
    if f.search:
        qs = qs.filter(_search_q(f.search))
    if f.category:
        qs = qs.filter(category=f.category)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.branch:
        qs = qs.filter(branch_id=f.branch)
    if f.community:
        qs = qs.filter(community_id=f.community)
    return qs.order_by(*NAME_ORDER)


def registered_member_counts(*, actor: Any, orgs: Iterable[PartyOrg]) -> dict[int, int]:
    """Members in the register (within ``actor``'s scope) under each of ``orgs``, the node and its
    subtree, in one query: what the organisation tree shows beside the figure an organisation
    declared (``PartyOrg.member_count``), so the two can be told apart. Empty for a user who may
    not read the register (the tree then shows the declared figure only)."""
    nodes = list(orgs)
    if not nodes or not has_role(actor, READERS):
        return {}
    counts = member_list_for(actor=actor).aggregate(
        **{f"o{o.pk}": Count("id", filter=Q(branch_path__startswith=o.path)) for o in nodes}
    )
    return {o.pk: counts[f"o{o.pk}"] for o in nodes}


def member_get_for(*, actor: Any, member_id: Any) -> PartyMember:
    return get_or_404(member_list_for(actor=actor), pk=member_id)


@dataclass
class ResidentFilters:
    search: str = ""
    community: int | None = None
    building: int | None = None
    tag: str = ""


def resident_list_for(*, actor: Any, filters: ResidentFilters | None = None) -> QuerySet[Resident]:
    qs = scoped(Resident.objects.all(), actor=actor).select_related("community", "building")
    f = filters or ResidentFilters()
    if f.search:
        qs = qs.filter(_search_q(f.search))
    if f.community:
        qs = qs.filter(community_id=f.community)
    if f.building:
        qs = qs.filter(building_id=f.building)
    if f.tag and can_see_tags(actor):
        # Only roles that may see the tags may filter by them (a filter would leak them).
        qs = scope(qs, actor=as_roles(actor, TAG_VIEWERS)).filter(tags__contains=f",{f.tag},")
    return qs.order_by(*NAME_ORDER)


def resident_get_for(*, actor: Any, resident_id: Any) -> Resident:
    return get_or_404(resident_list_for(actor=actor), pk=resident_id)


def report_list_for(
    *, actor: Any, status: str = "", year: int | None = None, community: int | None = None
) -> QuerySet[Report]:
    qs = scope(Report.objects.all(), actor=as_roles(actor, READERS)).select_related(
        "member", "unit", "community"
    )
    if status:
        qs = qs.filter(status=status)
    if year:
        qs = qs.filter(year=year)
    if community:
        qs = qs.filter(community_id=community)
    return qs.order_by("-submitted_at", "-id")


def report_get_for(*, actor: Any, report_id: Any) -> Report:
    return get_or_404(report_list_for(actor=actor), pk=report_id)


def post_list_for(*, actor: Any, community: int | None = None, active: bool | None = None) -> QuerySet[Post]:
    qs = scoped(Post.objects.all(), actor=actor).select_related("community")
    qs = qs.annotate(taken=Count("claims", filter=Q(claims__status=ClaimStatus.ACTIVE)))
    if community:
        qs = qs.filter(community_id=community)
    if active is not None:
        qs = qs.filter(active=active)
    return qs.order_by("community_id", "name", "id")


def post_get_for(*, actor: Any, post_id: Any) -> Post:
    return get_or_404(post_list_for(actor=actor), pk=post_id)


def claim_list_for(*, actor: Any, post: int | None = None, member: int | None = None) -> QuerySet[PostClaim]:
    qs = scoped(PostClaim.objects.all(), actor=actor).select_related("post__community", "member")
    if post:
        qs = qs.filter(post_id=post)
    if member:
        qs = qs.filter(member_id=member)
    return qs


def claim_get_for(*, actor: Any, claim_id: Any) -> PostClaim:
    return get_or_404(claim_list_for(actor=actor), pk=claim_id)


def ledger_for(*, actor: Any, member: PartyMember, year: int | None = None) -> QuerySet[PointEntry]:
    """Entries of a member the actor may see (the caller found the member through a selector)."""
    qs = PointEntry.objects.filter(member=member).select_related("rule")
    if year:
        qs = qs.filter(occurred_on__year=year)
    return qs.order_by("-occurred_on", "-id")


def balance(*, member: PartyMember, year: int | None = None) -> int:
    qs = PointEntry.objects.filter(member=member)
    if year:
        qs = qs.filter(occurred_on__year=year)
    return int(qs.aggregate(total=Coalesce(Sum("points"), 0))["total"])


@dataclass
class StatementLine:
    rule: str
    entries: int
    points: int


def yearly_statement(*, member: PartyMember, year: int) -> list[StatementLine]:
    rows = (
        PointEntry.objects.filter(member=member, occurred_on__year=year)
        .values("rule__name")
        .annotate(entries=Count("id", filter=Q(corrects__isnull=True)), points=Sum("points"))
        .order_by("rule__name")
    )
    return [
        StatementLine(rule=r["rule__name"] or "—", entries=r["entries"], points=r["points"]) for r in rows
    ]


def ranking_for(
    *, actor: Any, year: int, branch: int | None = None, community: int | None = None, limit: int = 50
) -> QuerySet[PartyMember]:
    """Members of a branch or community ranked by their points in ``year``."""
    qs = member_list_for(actor=actor, filters=MemberFilters(branch=branch, community=community))
    return (
        qs.filter(anonymised=False)
        .annotate(
            year_points=Coalesce(
                Sum("point_entries__points", filter=Q(point_entries__occurred_on__year=year)), 0
            )
        )
        .order_by("-year_points", "id")[:limit]
    )


def point_request_list_for(*, actor: Any, status: str = PointRequestStatus.PENDING) -> QuerySet[PointRequest]:
    qs = scoped(PointRequest.objects.all(), actor=actor).select_related("member", "rule", "requested_by")
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("created_at", "id")


def point_request_get_for(*, actor: Any, request_id: Any) -> PointRequest:
    return get_or_404(point_request_list_for(actor=actor, status=""), pk=request_id)


def point_rules() -> QuerySet[PointRule]:
    return PointRule.objects.filter(active=True).order_by("code")


def point_entry_get_for(*, actor: Any, entry_id: Any) -> PointEntry:
    return get_or_404(scoped(PointEntry.objects.select_related("member", "rule"), actor=actor), pk=entry_id)


def floating_list_for(
    *, actor: Any, status: str = FloatingStatus.ACTIVE, overdue_on: dt.date | None = None
) -> QuerySet[FloatingRecord]:
    qs = scoped(FloatingRecord.objects.all(), actor=actor).select_related("member__branch", "keeper")
    if status:
        qs = qs.filter(status=status)
    if overdue_on is not None:
        qs = qs.filter(contact_due_on__lt=overdue_on)
    return qs.order_by("contact_due_on", "id")


def floating_unregistered_for(*, actor: Any) -> QuerySet[PartyMember]:
    """Members of the 流动党员 category with no active floating record: the registration work left,
    so the floating page's figures add up to the category's."""
    active = FloatingRecord.objects.filter(status=FloatingStatus.ACTIVE).values("member_id")
    return member_list_for(actor=actor, filters=MemberFilters(category=MemberCategory.FLOATING)).exclude(
        pk__in=active
    )


def floating_get_for(*, actor: Any, record_id: Any) -> FloatingRecord:
    return get_or_404(floating_list_for(actor=actor, status=""), pk=record_id)


def meeting_list_for(*, actor: Any, branch: int | None = None, year: int | None = None) -> QuerySet[Meeting]:
    qs = scoped(Meeting.objects.all(), actor=actor).select_related("branch")
    if branch:
        qs = qs.filter(branch_id=branch)
    if year:
        qs = qs.filter(held_on__year=year)
    return qs.annotate(
        present=Count("attendance", filter=Q(attendance__status=Attendance.Status.PRESENT)),
        expected=Count("attendance"),
    ).order_by("-held_on", "-id")


@dataclass
class AttendanceRate:
    branch_id: int
    branch: str
    meetings: int
    present: int
    expected: int

    @property
    def rate(self) -> float:
        return self.present / self.expected if self.expected else 0.0


def attendance_rates_for(*, actor: Any, year: int) -> list[AttendanceRate]:
    rows = scope(
        Attendance.objects.filter(meeting__held_on__year=year),
        actor=as_roles(actor, READERS),
        field="meeting__branch__area__path",
    )
    grouped = (
        rows.values("meeting__branch_id", "meeting__branch__name")
        .annotate(
            meetings=Count("meeting", distinct=True),
            present=Count("id", filter=Q(status=Attendance.Status.PRESENT)),
            expected=Count("id"),
        )
        .order_by("meeting__branch__name")
    )
    return [
        AttendanceRate(
            branch_id=r["meeting__branch_id"],
            branch=r["meeting__branch__name"],
            meetings=r["meetings"],
            present=r["present"],
            expected=r["expected"],
        )
        for r in grouped
    ]


def branch_list_for(*, actor: Any) -> QuerySet[PartyOrg]:
    return scope(PartyOrg.objects.all(), actor=as_roles(actor, READERS)).order_by("path")


@dataclass
class BoardEntry:
    building: str
    unit_no: str
    name: str
    phone: str


def contact_board_for(*, actor: Any, community: int | None = None) -> list[BoardEntry]:
    """连心牌: opted-in members per building unit with a masked phone. Any signed-in user of the
    place (residents included) may read it."""
    qs = scope(
        PartyMember.objects.filter(board_opt_in=True, anonymised=False),
        actor=actor,
        field="board_building__path",
    )
    if community:
        qs = qs.filter(community_id=community)
    qs = qs.select_related("board_building").order_by("board_building__path", "board_unit_no", "id")
    return [
        BoardEntry(
            building=m.board_building.name if m.board_building else "",
            unit_no=m.board_unit_no,
            name=m.name,
            phone=mask_phone(m.phone),
        )
        for m in qs
    ]


@dataclass
class YearReport:
    year: int
    reports: list[Report]
    posts: list[PostClaim]
    duty_logs: int
    duty_hours: Decimal
    points: int
    # Volunteer hours, realised wishes…: what the apps above people add (``service_record``).
    services: list[ServiceLine] = field(default_factory=list)


def member_year_report(*, member: PartyMember, year: int) -> YearReport:
    """What a member did in the communities in ``year`` (双报到 yearly report)."""
    logs = DutyLog.objects.filter(claim__member=member, on_date__year=year).aggregate(
        n=Count("id"), hours=Coalesce(Sum("hours"), Decimal("0"))
    )
    return YearReport(
        year=year,
        reports=list(member.reports.filter(year=year).select_related("community")),
        posts=list(member.post_claims.select_related("post__community")),
        duty_logs=logs["n"],
        duty_hours=logs["hours"],
        points=balance(member=member, year=year),
        services=member_service(member.pk, year),
    )


@dataclass
class UnitYearReport:
    unit: Unit
    year: int
    reports: list[Report]
    members: int
    members_reported: int
    duty_hours: Decimal
    points: int
    services: list[ServiceLine] = field(default_factory=list)


def unit_year_report(*, actor: Any, unit: Unit, year: int) -> UnitYearReport:
    """A resident unit's yearly feedback to its own party organisation: its report, and what its
    in-service members did in their residence communities."""
    members = PartyMember.objects.filter(work_unit=unit)
    reported = members.filter(reports__year=year, reports__status=ReportStatus.CONFIRMED).distinct().count()
    hours = DutyLog.objects.filter(claim__member__work_unit=unit, on_date__year=year).aggregate(
        h=Coalesce(Sum("hours"), Decimal("0"))
    )["h"]
    points = PointEntry.objects.filter(member__work_unit=unit, occurred_on__year=year).aggregate(
        p=Coalesce(Sum("points"), 0)
    )["p"]
    return UnitYearReport(
        unit=unit,
        year=year,
        reports=list(report_list_for(actor=actor, year=year).filter(unit=unit)),
        members=members.count(),
        members_reported=reported,
        duty_hours=hours,
        points=int(points),
        services=total_service(list(members.values_list("pk", flat=True)), year),
    )


def member_history(*, member: PartyMember, limit: int = 100) -> Iterable[Any]:
    return member.events.select_related("actor").order_by("-at", "-id")[:limit]


@dataclass
class AuditFilters:
    action: str = ""
    actor: str = ""
    target_type: str = ""
    since: dt.date | None = None
    until: dt.date | None = None


def audit_log_for(*, actor: Any, filters: AuditFilters | None = None) -> QuerySet[AuditEntry]:
    """The audit log, city-wide, for the ``auditor`` role and superusers only. Audit entries
    carry no area path to scope by, so an ``admin`` grant (at any node, the district included)
    does not open it: administrators are themselves among the audited. Others see nothing."""
    if not has_role(actor, AUDITORS):
        return AuditEntry.objects.none()
    qs = AuditEntry.objects.all()
    f = filters or AuditFilters()
    if f.action:
        qs = qs.filter(action=f.action)
    if f.actor:
        qs = qs.filter(actor_name__icontains=f.actor)
    if f.target_type:
        qs = qs.filter(target_type=f.target_type)
    if f.since:
        qs = qs.filter(at__date__gte=f.since)
    if f.until:
        qs = qs.filter(at__date__lte=f.until)
    return qs.order_by("-at", "-id")


# --- the member's own pages (issue 13): read by the member, for the member only ----------------


def own_member_for(*, actor: Any) -> PartyMember | None:
    """The party-member record tied to the signed-in user's account, or None."""
    if not getattr(actor, "is_authenticated", False):
        return None
    return (
        PartyMember.objects.select_related("branch", "community", "work_unit")
        .filter(user_id=actor.pk)
        .first()
    )


def own_reports(*, member: PartyMember) -> QuerySet[Report]:
    return member.reports.select_related("community").order_by("-year", "-submitted_at", "-id")


def own_posts(*, member: PartyMember) -> QuerySet[Post]:
    """Active posts the member may claim: those of the residence community and of communities
    that confirmed the member's report (post_claim's own rule)."""
    confirmed = member.reports.filter(status=ReportStatus.CONFIRMED).values("community_id")
    where = Q(community_id__in=confirmed)
    if member.community_id is not None:
        where |= Q(community_id=member.community_id)
    return (
        Post.objects.filter(where, active=True)
        .select_related("community")
        .annotate(taken=Count("claims", filter=Q(claims__status=ClaimStatus.ACTIVE)))
        .order_by("community__name", "name", "id")
    )


def own_claims(*, member: PartyMember) -> QuerySet[PostClaim]:
    return (
        member.post_claims.select_related("post__community")
        .annotate(logs=Count("duty_logs"), hours=Coalesce(Sum("duty_logs__hours"), Decimal("0")))
        .order_by("status", "-claimed_at", "-id")
    )


@dataclass
class OwnMeeting:
    meeting: Meeting
    status: str  # the member's attendance: present / leave / absent, "" when not recorded

    @property
    def status_label(self) -> str:
        return str(Attendance.Status(self.status).label) if self.status else ""


def own_meetings(*, member: PartyMember, year: int) -> list[OwnMeeting]:
    """The member's branch's 三会一课 in ``year`` with the member's own attendance."""
    mine = dict(
        Attendance.objects.filter(member=member, meeting__held_on__year=year).values_list(
            "meeting_id", "status"
        )
    )
    meetings = Meeting.objects.filter(branch_id=member.branch_id, held_on__year=year).order_by(
        "-held_on", "-id"
    )
    return [OwnMeeting(meeting=m, status=mine.get(m.pk, "")) for m in meetings]


def transfer_list_for(*, actor: Any, status: str = "") -> QuerySet[MemberTransfer]:
    """组织关系转接 requests the actor sees: those asked into its area, and those of members whose
    relationship is in its area (the organisation department over both decides them)."""
    qs = MemberTransfer.objects.select_related("member", "to_branch", "to_community", "requested_by")
    if status:
        qs = qs.filter(status=status)
    view = as_roles(actor, READERS)
    return (scope(qs, actor=view, field="to_path") | scope(qs, actor=view, field="from_path")).order_by(
        "-requested_at", "-id"
    )


def transfer_get_for(*, actor: Any, transfer_id: Any) -> MemberTransfer:
    return get_or_404(transfer_list_for(actor=actor), pk=transfer_id)


def transfer_may_decide(actor: Any, transfer: MemberTransfer) -> bool:
    """An editor over both sides: the member's branch and community, and the requesting ones."""
    paths = (*member_paths(transfer.member), transfer.to_branch.area.path, transfer.to_path)
    return all(has_role_at_any(actor, EDITORS, (p,)) for p in paths)


def transfer_sees_origin(actor: Any, transfer: MemberTransfer) -> bool:
    """Whether the actor may see where the member is now: never the requesting side alone."""
    return any(has_role_at_any(actor, READERS, (p,)) for p in member_paths(transfer.member))
