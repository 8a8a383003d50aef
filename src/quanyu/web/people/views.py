"""Pages of the people domain: member and resident registers, the member profile with an audited
"show" of personal data, 双报到 confirmation, posts, points approval, rankings, the contact board,
floating members, roster upload with its error report, and the auditor's audit log.
Thin: parse, call a selector or one service, render."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from quanyu.areas.models import Area, AreaKind
from quanyu.core.downloads import attachment
from quanyu.core.models import AuditEntry
from quanyu.core.params import parse_int, parse_year
from quanyu.core.permissions import has_role
from quanyu.core.pii import mask_id_number, mask_phone
from quanyu.core.scoping import scope
from quanyu.core.spreadsheets import RowError, SpreadsheetError, write_errors
from quanyu.people import selectors, services
from quanyu.people.access import AUDITORS, EDITORS, READERS, REVEALERS, birth_month, can_see_tags, tag_sight
from quanyu.people.models import MemberCategory, PointRule, ProtectedTag
from quanyu.people.states import ReportStatus
from quanyu.web.htmx import is_htmx as _partial

PER_PAGE = 20
MAX_KEPT_ERRORS = 5000


def _require(request: HttpRequest, roles: frozenset[str]) -> None:
    if not has_role(request.user, roles):
        raise PermissionDenied(_("此页面仅对相关工作人员开放"))


def _int(value: str | None) -> int | None:
    """An id-like filter value; missing, malformed or out of range is ignored (``None``)."""
    return parse_int(value)


def _year(value: str | None) -> int:
    """A year in 2000–2100, else the current year."""
    return parse_year(value) or timezone.localdate().year


def _communities(request: HttpRequest) -> Any:
    return scope(Area.objects.filter(kind=AreaKind.COMMUNITY), actor=request.user).order_by("path")


def _errors_of(exc: ValidationError) -> str:
    return "；".join(exc.messages)


def _member_filters(data: QueryDict) -> selectors.MemberFilters:
    return selectors.MemberFilters(
        search=data.get("q", "")[:50],
        category=data.get("category", "") if data.get("category") in MemberCategory.values else "",
        branch=_int(data.get("branch")),
        community=_int(data.get("community")),
    )


@login_required
def member_list(request: HttpRequest) -> HttpResponse:
    _require(request, READERS)
    filters = _member_filters(request.GET)
    page = Paginator(selectors.member_list_for(actor=request.user, filters=filters), PER_PAGE).get_page(
        request.GET.get("page")
    )
    context = {
        "page": page,
        "filters": filters,
        "categories": MemberCategory.choices,
        "branches": selectors.branch_list_for(actor=request.user),
        "communities": _communities(request),
        "query": request.GET.urlencode(),
        "may_reveal": has_role(request.user, REVEALERS),
        "may_import": has_role(request.user, EDITORS),
    }
    template = "web/people/_member_rows.html" if _partial(request) else "web/people/members.html"
    response = render(request, template, context)
    response["Vary"] = "HX-Request"
    return response


@login_required
def member_export(request: HttpRequest) -> HttpResponse:
    """GET: the masked register. The unmasked one only by POST (CSRF-checked, with a reason), so
    no link, prefetch or log line can trigger it; every answer is ``Cache-Control: no-store``."""
    _require(request, READERS)
    if request.method == "POST":
        data, unmasked = request.POST, True
    elif request.method == "GET":
        if request.GET.get("unmasked") == "1":
            return HttpResponseNotAllowed(["POST"])
        data, unmasked = request.GET, False
    else:
        return HttpResponseNotAllowed(["GET", "POST"])
    buffer = io.BytesIO()
    try:
        services.members_export(
            actor=request.user,
            members=selectors.member_list_for(actor=request.user, filters=_member_filters(data)),
            target=buffer,
            unmasked=unmasked,
            reason=data.get("reason", "") if unmasked else "",
        )
    except ValidationError as exc:
        messages.error(request, _errors_of(exc))
        return redirect("web:people_members")
    return attachment(buffer.getvalue(), "members.xlsx")


@login_required
def member_detail(request: HttpRequest, member_id: int) -> HttpResponse:
    _require(request, READERS)
    member = selectors.member_get_for(actor=request.user, member_id=member_id)
    year = _year(request.GET.get("year"))
    context = {
        "member": member,
        "birth_month": birth_month(member.birth_date),
        "masked_id": mask_id_number(member.id_number),
        "masked_phone": mask_phone(member.phone),
        "year": year,
        "balance": selectors.balance(member=member),
        "year_balance": selectors.balance(member=member, year=year),
        "entries": selectors.ledger_for(actor=request.user, member=member, year=year)[:50],
        "statement": selectors.yearly_statement(member=member, year=year),
        "report": selectors.member_year_report(member=member, year=year),
        "history": selectors.member_history(member=member, limit=50),
        "may_reveal": has_role(request.user, REVEALERS),
    }
    return render(request, "web/people/member.html", context)


@login_required
@require_POST
def reveal(request: HttpRequest, kind: str, person_id: int) -> HttpResponse:
    """The explicit, audited "show": answers the plaintext as an htmx fragment."""
    if kind == "member":
        person: Any = selectors.member_get_for(actor=request.user, member_id=person_id)
    else:
        person = selectors.resident_get_for(actor=request.user, resident_id=person_id)
    field = request.POST.get("field", "")
    try:
        value = services.person_reveal(
            actor=request.user,
            person=person,
            field=field,
            reason=request.POST.get("reason", ""),
            request=request,
        )
    except ValidationError as exc:
        return render(request, "web/people/_revealed.html", {"error": _errors_of(exc)}, status=400)
    return render(request, "web/people/_revealed.html", {"value": value, "field": field})


@login_required
def resident_list(request: HttpRequest) -> HttpResponse:
    _require(request, READERS)
    # Whether the tag filter is offered at all; each row's tags are decided at its own place.
    see_tags = can_see_tags(request.user)
    sight = tag_sight(request.user)
    tag = request.GET.get("tag", "")
    filters = selectors.ResidentFilters(
        search=request.GET.get("q", "")[:50],
        community=_int(request.GET.get("community")),
        tag=tag if see_tags and tag in ProtectedTag.values else "",
    )
    page = Paginator(selectors.resident_list_for(actor=request.user, filters=filters), PER_PAGE).get_page(
        request.GET.get("page")
    )
    labels = dict(ProtectedTag.choices)
    context = {
        "page": page,
        "rows": [
            (
                r,
                mask_phone(r.phone),
                [
                    labels[t]
                    for t in selectors.tags_visible_for(actor=request.user, person=r, sight=sight)
                    if t in labels
                ],
            )
            for r in page.object_list
        ],
        "filters": filters,
        "see_tags": see_tags,
        "tags": ProtectedTag.choices,
        "communities": _communities(request),
        "may_reveal": has_role(request.user, REVEALERS),
    }
    return render(request, "web/people/residents.html", context)


@login_required
def report_list(request: HttpRequest) -> HttpResponse:
    _require(request, READERS)
    status = request.GET.get("status", ReportStatus.SUBMITTED)
    if status not in ReportStatus.values:
        status = ""
    reports = selectors.report_list_for(actor=request.user, status=status)
    page = Paginator(reports, PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "status": status,
        "statuses": ReportStatus.choices,
        "may_decide": has_role(request.user, EDITORS),
    }
    return render(request, "web/people/reports.html", context)


@login_required
@require_POST
def report_decide(request: HttpRequest, report_id: int) -> HttpResponse:
    report = selectors.report_get_for(actor=request.user, report_id=report_id)
    action = request.POST.get("action")
    note = request.POST.get("note", "")
    try:
        if action == "confirm":
            services.report_confirm(actor=request.user, report=report, note=note)
            messages.success(request, _("已确认 %(who)s 的报到") % {"who": report})
        else:
            services.report_reject(actor=request.user, report=report, note=note)
            messages.success(request, _("已退回 %(who)s 的报到") % {"who": report})
    except ValidationError as exc:
        messages.error(request, _errors_of(exc))
    return redirect("web:people_reports")


@login_required
def post_list(request: HttpRequest) -> HttpResponse:
    _require(request, READERS)
    if request.method == "POST":
        community = _communities(request).filter(pk=_int(request.POST.get("community"))).first()
        try:
            if community is None:
                raise ValidationError(_("请选择社区"))
            services.post_create(
                actor=request.user,
                community=community,
                name=request.POST.get("name", ""),
                duties=request.POST.get("duties", ""),
                capacity=_int(request.POST.get("capacity")) or 0,
            )
            messages.success(request, _("岗位已设立"))
            return redirect("web:people_posts")
        except ValidationError as exc:
            messages.error(request, _errors_of(exc))
    posts = selectors.post_list_for(actor=request.user)
    context = {
        "page": Paginator(posts, PER_PAGE).get_page(request.GET.get("page")),
        "communities": _communities(request),
        "may_define": has_role(request.user, EDITORS),
    }
    return render(request, "web/people/posts.html", context)


@login_required
def points_pending(request: HttpRequest) -> HttpResponse:
    _require(request, READERS)
    if request.method == "POST":
        pending = selectors.point_request_get_for(
            actor=request.user, request_id=_int(request.POST.get("request"))
        )
        try:
            services.points_request_decide(
                actor=request.user,
                request=pending,
                approve=request.POST.get("action") == "approve",
                note=request.POST.get("note", ""),
            )
            messages.success(request, _("已处理积分申请"))
        except ValidationError as exc:
            messages.error(request, _errors_of(exc))
        return redirect("web:people_points")
    context = {
        "requests": selectors.point_request_list_for(actor=request.user)[:200],
        "rules": PointRule.objects.filter(active=True).order_by("code"),
    }
    return render(request, "web/people/points.html", context)


@login_required
def rankings(request: HttpRequest) -> HttpResponse:
    _require(request, READERS)
    year = _year(request.GET.get("year"))
    branch, community = _int(request.GET.get("branch")), _int(request.GET.get("community"))
    context = {
        "rows": selectors.ranking_for(actor=request.user, year=year, branch=branch, community=community),
        "year": year,
        "branch": branch,
        "community": community,
        "branches": selectors.branch_list_for(actor=request.user),
        "communities": _communities(request),
        "rates": selectors.attendance_rates_for(actor=request.user, year=year),
    }
    return render(request, "web/people/rankings.html", context)


@login_required
def contact_board(request: HttpRequest) -> HttpResponse:
    return render(
        request, "web/people/board.html", {"entries": selectors.contact_board_for(actor=request.user)}
    )


@login_required
def floating_list(request: HttpRequest) -> HttpResponse:
    _require(request, READERS)
    overdue = request.GET.get("overdue") == "1"
    records = selectors.floating_list_for(
        actor=request.user, overdue_on=timezone.localdate() if overdue else None
    )
    context = {
        "page": Paginator(records, PER_PAGE).get_page(request.GET.get("page")),
        "overdue": overdue,
        "today": timezone.localdate(),
        "unregistered": selectors.floating_unregistered_for(actor=request.user).count(),
    }
    return render(request, "web/people/floating.html", context)


IMPORTERS = {"members": services.members_import, "residents": services.residents_import}


@login_required
def roster_import(request: HttpRequest) -> HttpResponse:
    _require(request, EDITORS)
    context: dict[str, Any] = {"kind": request.POST.get("kind", "members")}
    if request.method == "POST":
        upload = request.FILES.get("file")
        kind = context["kind"] if context["kind"] in IMPORTERS else "members"
        if upload is None:
            context["error"] = _("请选择要上传的文件")
        elif Path(upload.name or "").suffix.lower() not in (".xlsx", ".csv"):
            context["error"] = _("只支持 .xlsx 或 .csv 文件")
        else:
            suffix = Path(upload.name or "x.xlsx").suffix.lower()
            with tempfile.NamedTemporaryFile(suffix=suffix) as tmp:
                for chunk in upload.chunks():
                    tmp.write(chunk)
                tmp.flush()
                try:
                    result = IMPORTERS[kind](
                        actor=request.user,
                        source=tmp.name,
                        dry_run=request.POST.get("dry_run") == "1",
                        valid_only=request.POST.get("valid_only") == "1",
                    )
                except SpreadsheetError as exc:
                    context["error"] = str(exc)
                else:
                    context["result"] = result
                    request.session["people_import_errors"] = [
                        [e.row, e.column, e.message] for e in result.errors[:MAX_KEPT_ERRORS]
                    ]
    return render(request, "web/people/import.html", context)


@login_required
def import_errors(request: HttpRequest) -> HttpResponse:
    _require(request, EDITORS)
    rows = request.session.get("people_import_errors") or []
    buffer = io.BytesIO()
    write_errors(buffer, [RowError(int(r), str(c), str(m)) for r, c, m in rows])
    return attachment(buffer.getvalue(), "errors.xlsx")


@login_required
def import_template(request: HttpRequest, kind: str) -> HttpResponse:
    from quanyu.core.spreadsheets import write_template
    from quanyu.people.services.imports import MEMBER_COLUMNS, RESIDENT_COLUMNS

    _require(request, EDITORS)
    columns = {"members": MEMBER_COLUMNS, "residents": RESIDENT_COLUMNS}.get(kind)
    if columns is None:
        raise Http404
    buffer = io.BytesIO()
    write_template(buffer, columns)
    return attachment(buffer.getvalue(), f"{kind}-template.xlsx")


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    _require(request, AUDITORS)
    action = request.GET.get("action", "")
    filters = selectors.AuditFilters(
        action=action if action in AuditEntry.Action.values else "",
        actor=request.GET.get("actor", "")[:150],
    )
    page = Paginator(selectors.audit_log_for(actor=request.user, filters=filters), 50).get_page(
        request.GET.get("page")
    )
    context = {"page": page, "filters": filters, "actions": AuditEntry.Action.choices}
    return render(request, "web/people/audit.html", context)
