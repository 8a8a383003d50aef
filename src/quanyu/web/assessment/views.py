"""Pages of department scoring: the ranking (period picker, rules, table, chart, export, publish),
the tickets behind a figure, and the bulletins. Thin: parse, call a selector or a service, render."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from quanyu.assessment import selectors, services
from quanyu.assessment.access import can_drill_into, can_publish, require_ranking_viewer
from quanyu.assessment.exports import ranking_filename, ranking_xlsx
from quanyu.assessment.periods import Period, current_month, parse_period, recent_months
from quanyu.assessment.scoring import Row, Rules
from quanyu.core.downloads import attachment

DRILL_PER_PAGE = 50


def _pct(value: Decimal | None) -> str:
    return "—" if value is None else f"{value * 100:.2f}%"


def _period_or_default(request: HttpRequest) -> tuple[Period, str]:
    """The requested period, or this month and the error when the text is not a period."""
    raw = request.GET.get("period", "")
    if not raw:
        return current_month(), ""
    try:
        return parse_period(raw), ""
    except ValidationError as exc:
        return current_month(), "; ".join(exc.messages)


def _display(rows: list[Row], *, actor: Any, period: Period) -> list[dict[str, Any]]:
    out = []
    for row in rows:
        link = ""
        if row.department_id and can_drill_into(actor, row.department_id):
            link = reverse("web:assessment_drilldown", args=[row.department_id]) + f"?period={period.key}"
        out.append(
            {
                "row": row,
                "response": _pct(row.response_rate),
                "completion": _pct(row.completion_rate),
                "satisfaction": _pct(row.satisfaction_rate),
                "score": "—" if row.score is None else f"{row.score:.2f}",
                "link": link,
            }
        )
    return out


def _chart(rows: list[Row]) -> dict[str, Any]:
    ranked = [r for r in rows if r.score is not None]
    return {
        "names": [r.department_name for r in ranked],
        "scores": [float(r.score) for r in ranked if r.score is not None],
        "label": _("得分"),
    }


@login_required
def ranking(request: HttpRequest) -> HttpResponse:
    require_ranking_viewer(request.user)
    period, error = _period_or_default(request)
    live = request.GET.get("live") == "1"
    result = selectors.ranking_for(actor=request.user, period=period, live=live)
    context = {
        "ranking": result,
        "rows": _display(result.rows, actor=request.user, period=period),
        "chart": _chart(result.rows),
        "rules": [line for line in result.rules.describe() if line],
        "period_error": error,
        "periods": recent_months(13),
        "live": live,
        "published": selectors.bulletin_for_period(period) if live else result.bulletin,
        "can_publish": can_publish(request.user) and period.has_ended(),
    }
    return render(request, "web/assessment/ranking.html", context)


@login_required
def ranking_export(request: HttpRequest) -> HttpResponse:
    require_ranking_viewer(request.user)
    period, error = _period_or_default(request)
    if error:
        return HttpResponse(error, status=400, content_type="text/plain; charset=utf-8")
    result = selectors.ranking_for(actor=request.user, period=period, live=request.GET.get("live") == "1")
    return attachment(ranking_xlsx(result), ranking_filename(result))


def _ticket_url(ticket_id: int) -> str:
    try:
        return reverse("web:ticket_detail", args=[ticket_id])
    except NoReverseMatch:
        return ""


@login_required
def drilldown(request: HttpRequest, department_id: int) -> HttpResponse:
    department = selectors.department_for_drilldown(actor=request.user, department_id=department_id)
    period, error = _period_or_default(request)
    figure = request.GET.get("figure", "received")
    outcome = request.GET.get("outcome", "")
    try:
        whistles = selectors.drilldown_for(
            actor=request.user, department=department, period=period, figure=figure, outcome=outcome
        )
    except ValidationError as exc:
        error = "; ".join(exc.messages)
        figure, outcome = "received", ""
        whistles = selectors.drilldown_for(
            actor=request.user, department=department, period=period, figure=figure
        )
    page = Paginator(whistles, DRILL_PER_PAGE).get_page(request.GET.get("page"))
    items = [{"w": w, "url": _ticket_url(w.ticket_id)} for w in page.object_list]
    context = {
        "department": department,
        "period": period,
        "figure": figure,
        "figure_label": selectors.FIGURES[figure],
        "outcome": outcome,
        "outcome_label": selectors.OUTCOMES[outcome],
        "figures": [(k, v) for k, v in selectors.FIGURES.items()],
        "page": page,
        "items": items,
        "error": error,
        "frozen": selectors.bulletin_for_period(period) is not None,
        # The list is live; the ranking's figure it came from is as of the rollup's last catch-up.
        "data_as_of": selectors.rollup_synced_at(),
    }
    return render(request, "web/assessment/drilldown.html", context)


@login_required
@require_POST
def bulletin_publish(request: HttpRequest) -> HttpResponse:
    raw = request.POST.get("period", "")
    try:
        period = parse_period(raw)
        bulletin = services.bulletin_publish(
            actor=request.user,
            period=period,
            title=request.POST.get("title", ""),
            note=request.POST.get("note", ""),
        )
    except ValidationError as exc:
        messages.error(request, "; ".join(exc.messages))
        return redirect(reverse("web:assessment_ranking") + f"?period={raw[:10]}")
    messages.success(request, _("已发布：%(t)s") % {"t": bulletin.title})
    return redirect("web:assessment_bulletin", bulletin_id=bulletin.pk)


@login_required
def bulletin_list(request: HttpRequest) -> HttpResponse:
    bulletins = selectors.bulletin_list_for(actor=request.user)
    page = Paginator(bulletins, 30).get_page(request.GET.get("page"))
    return render(request, "web/assessment/bulletins.html", {"page": page})


@login_required
def bulletin_detail(request: HttpRequest, bulletin_id: int) -> HttpResponse:
    bulletin = selectors.bulletin_get_for(actor=request.user, bulletin_id=bulletin_id)
    period = parse_period(bulletin.period)
    rows = selectors.bulletin_rows(bulletin)
    context = {
        "bulletin": bulletin,
        "period": period,
        "rows": _display(rows, actor=request.user, period=period),
        "chart": _chart(rows),
        "rules": [line for line in Rules.from_dict(bulletin.settings).describe() if line],
    }
    return render(request, "web/assessment/bulletin.html", context)
