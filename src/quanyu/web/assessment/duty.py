"""Pages of 述职评议 (the secretaries' annual report-and-review): a set's reports with their grades
and the form to submit one (the assessed area's own staff, or the assessor), and one report with
the platform's figures kept as submitted, its reviews and the reviewer's grade form. Thin: parse,
call the service or selector (``assessment.indicators.duty``), render; a refused step shows the
page again with the message and the map's status."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from quanyu.assessment.indicators import access, duty, registry, selectors
from quanyu.assessment.models import DutyReport, Grade, IndicatorSet
from quanyu.core.workflow import TransitionError, http_status_for


def _message(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return "; ".join(exc.messages)
    return str(exc) or _("操作未完成")


def _list_page(
    request: HttpRequest, s: IndicatorSet, *, error: str = "", status: int = 200, statement: str = ""
) -> HttpResponse:
    reports = list(duty.duty_reports_for(actor=request.user, indicator_set=s))
    context = {
        "set": s,
        "rows": list(zip(reports, duty.duty_summary(reports), strict=True)),
        "targets": duty.duty_targets_for(actor=request.user, indicator_set=s),
        "error": error,
        "statement": statement,
        "max_statement": duty.MAX_STATEMENT,
    }
    return render(request, "web/assessment/duty_list.html", context, status=status)


@login_required
def duty_list(request: HttpRequest, set_id: int) -> HttpResponse:
    return _list_page(request, selectors.set_get_for(actor=request.user, set_id=set_id))


@login_required
@require_POST
def duty_submit(request: HttpRequest, set_id: int) -> HttpResponse:
    s = selectors.set_get_for(actor=request.user, set_id=set_id)
    statement = request.POST.get("statement", "")
    try:
        report = duty.duty_report_submit(
            actor=request.user, indicator_set=s, area_id=request.POST.get("area"), statement=statement
        )
    except (ValidationError, PermissionDenied, TransitionError) as exc:
        return _list_page(
            request, s, error=_message(exc), status=http_status_for(exc) or 400, statement=statement
        )
    messages.success(request, _("述职报告已提交"))
    return redirect("web:assessment_duty_report", report_id=report.pk)


def _figures(report: DutyReport) -> list[dict[str, Any]]:
    """The figures kept with the report, as the page shows them (a share ×100 with %)."""
    rows = []
    for key, f in sorted(report.figures.items()):
        provider = registry.get(key)
        percent = bool(provider and provider.percent)
        value = f.get("value")
        text = "—"
        if value is not None:
            try:
                number = Decimal(value)
            except InvalidOperation:
                number = None
            if number is not None:
                text = f"{number * 100:.1f}%" if percent else f"{number.normalize():f}"
        parts = ""
        if f.get("denominator") is not None:
            parts = f"{Decimal(f['numerator']).normalize():f} / {Decimal(f['denominator']).normalize():f}"
        rows.append({"key": key, "label": f.get("label", key), "value": text, "parts": parts})
    return rows


def _report_page(
    request: HttpRequest, report: DutyReport, *, error: str = "", status: int = 200
) -> HttpResponse:
    s = report.indicator_set
    reviews = list(report.reviews.select_related("reviewer").order_by("reviewed_at", "id"))
    mine = next((r for r in reviews if r.reviewer_id == request.user.pk), None)
    context = {
        "set": s,
        "report": report,
        "figures": _figures(report),
        "reviews": reviews,
        "summary": duty.duty_summary([report])[0],
        "can_review": access.can_edit(request.user, s) and report.secretary_id != request.user.pk,
        "mine": mine,
        "grades": Grade.choices,
        "error": error,
        "max_comment": duty.MAX_COMMENT,
    }
    return render(request, "web/assessment/duty_report.html", context, status=status)


@login_required
def duty_report(request: HttpRequest, report_id: int) -> HttpResponse:
    return _report_page(request, duty.duty_report_get_for(actor=request.user, report_id=report_id))


@login_required
@require_POST
def duty_review(request: HttpRequest, report_id: int) -> HttpResponse:
    report = duty.duty_report_get_for(actor=request.user, report_id=report_id)
    try:
        duty.duty_review_grade(
            actor=request.user,
            report=report,
            grade=request.POST.get("grade", ""),
            comment=request.POST.get("comment", ""),
        )
    except (ValidationError, PermissionDenied, TransitionError) as exc:
        return _report_page(request, report, error=_message(exc), status=http_status_for(exc) or 400)
    messages.success(request, _("评议已保存"))
    return redirect("web:assessment_duty_report", report_id=report.pk)
