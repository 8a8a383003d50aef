"""Contract pages: the list (filters, pager, xlsx export), the detail with the year cycle's steps,
the feedback letter."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from openpyxl import Workbook

from quanyu.cogov import selectors, services
from quanyu.cogov.access import is_keeper, speaks_for
from quanyu.cogov.models import Contract, ResourceKind
from quanyu.cogov.states import ContractStatus
from quanyu.core.downloads import xlsx_attachment
from quanyu.core.pdf import PDF, html_to_pdf
from quanyu.core.spreadsheets import append_row
from quanyu.web.cogov.views.common import PER_PAGE, int_or_none, run_step


def _filters(request: HttpRequest) -> dict[str, Any]:
    status = request.GET.get("status", "")
    year = int_or_none(request.GET.get("year"))
    return {
        "status": status if status in ContractStatus.values else None,
        "year": year if year and 2000 <= year <= 2100 else None,
    }


@login_required
def contract_list(request: HttpRequest) -> HttpResponse:
    filters = _filters(request)
    contracts = selectors.contract_list_for(actor=request.user, **filters)
    context = {
        "page": Paginator(contracts, PER_PAGE).get_page(request.GET.get("page")),
        "statuses": ContractStatus.choices,
        "status": filters["status"] or "",
        "year": filters["year"] or "",
    }
    return render(request, "web/cogov/contracts.html", context)


@login_required
def contract_export(request: HttpRequest) -> HttpResponse:
    """Every contract of the list as filtered, one row each (xlsx)."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = _("共建契约")
    sheet.append(
        [
            _("年度"),
            _("街道/社区"),
            _("名称"),
            _("共建单位"),
            _("项目数"),
            _("状态"),
            _("总分"),
            _("推荐表彰"),
        ]
    )
    for c in selectors.contract_list_for(actor=request.user, **_filters(request)).iterator(chunk_size=500):
        append_row(
            sheet,
            [
                c.year,
                c.area.name,
                c.title,
                "、".join(u.name for u in c.units.all()),
                c.n_projects,  # type: ignore[attr-defined]
                c.get_status_display(),
                float(c.score_total) if c.score_total is not None else None,
                _("是") if c.commended else "",
            ],
        )
    return xlsx_attachment(book.save, "contracts.xlsx")


def _detail(request: HttpRequest, contract: Contract, error: str = "", status: int = 200) -> HttpResponse:
    unit_ids = [u.pk for u in contract.units.all()]
    keeper = is_keeper(request.user, contract.area.path)
    context = {
        "contract": contract,
        "projects": list(contract.projects.select_related("owner_unit")),
        "timeline": selectors.contract_timeline(contract=contract),
        "keeper": keeper,
        "unit_side": keeper or speaks_for(request.user, unit_ids),
        "indicators": services.EVALUATION_INDICATORS.items(),
        "error": error,
    }
    return render(request, "web/cogov/contract.html", context, status=status)


@login_required
def contract_detail(request: HttpRequest, contract_id: int) -> HttpResponse:
    return _detail(request, selectors.contract_get_for(actor=request.user, contract_id=contract_id))


def _progress(request: HttpRequest, contract: Contract) -> dict[int, Any]:
    return {p.pk: request.POST.get(f"progress_{p.pk}", p.progress) for p in contract.projects.all()}


STEP_DONE = {
    "sign_unit": gettext_lazy("单位已签订"),
    "sign_area": gettext_lazy("街道/社区已签订"),
    "supervise": gettext_lazy("中期督导已记录"),
    "report": gettext_lazy("自评报告已提交"),
    "evaluate": gettext_lazy("年终评估已完成"),
    "renew": gettext_lazy("已续签下一年度契约"),
    "terminate": gettext_lazy("契约已终止"),
    "cancel": gettext_lazy("契约已作废"),
}


@login_required
@require_POST
def contract_step(request: HttpRequest, contract_id: int, step: str) -> HttpResponse:
    contract = selectors.contract_get_for(actor=request.user, contract_id=contract_id)
    p = request.POST
    actor = request.user
    steps = {
        "sign_unit": lambda: services.contract_sign(actor=actor, contract=contract, side="unit"),
        "sign_area": lambda: services.contract_sign(actor=actor, contract=contract, side="area"),
        "supervise": lambda: services.contract_supervise(
            actor=actor, contract=contract, progress=_progress(request, contract), note=p.get("note", "")
        ),
        "report": lambda: services.contract_unit_report(
            actor=actor, contract=contract, report=p.get("report", "")
        ),
        "evaluate": lambda: services.contract_evaluate(
            actor=actor,
            contract=contract,
            scores={k: p.get(f"score_{i}", "") for i, k in enumerate(services.EVALUATION_INDICATORS)},
            feedback=p.get("feedback", ""),
        ),
        "renew": lambda: services.contract_renew(
            actor=actor, contract=contract, carry=[int(x) for x in p.getlist("carry") if x.isdigit()]
        ),
        "terminate": lambda: services.contract_end(
            actor=actor, contract=contract, status="terminated", reason=p.get("reason", "")
        ),
        "cancel": lambda: services.contract_end(
            actor=actor, contract=contract, status="cancelled", reason=p.get("reason", "")
        ),
    }
    if step not in steps:
        return _detail(request, contract, _("未知操作"), 400)
    return run_step(
        request,
        steps[step],
        done=str(STEP_DONE[step]),
        success_url=reverse("web:cogov_contract", args=[contract.pk]),
        again=lambda error, status: _detail(request, contract, error, status),
    )


@login_required
def feedback_letter(request: HttpRequest, contract_id: int) -> HttpResponse:
    """The feedback letter (反馈函) to the units and their party organisations, printable."""
    contract = selectors.contract_get_for(actor=request.user, contract_id=contract_id)
    if contract.status not in (ContractStatus.EVALUATED, ContractStatus.RENEWED):
        return _detail(request, contract, _("契约尚未完成年终评估，没有反馈函"), 409)
    return render(request, "web/cogov/letter.html", {"letter": services.feedback_letter(contract)})


def _pdf(html: str, filename: str) -> HttpResponse:
    response = HttpResponse(html_to_pdf(html), content_type=PDF)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def agreement_pdf(request: HttpRequest, contract_id: int) -> HttpResponse:
    """The agreement (共建协议书) as a PDF with CJK fonts: both sides, offers, needs, projects and
    the signing dates (blank lines while unsigned)."""
    contract = selectors.contract_get_for(actor=request.user, contract_id=contract_id)
    kinds = dict(ResourceKind.choices)
    offers = [
        {"label": kinds.get(o.get("kind", ""), o.get("kind", "")), "text": o.get("text", "")}
        for o in contract.offers
        if isinstance(o, dict)
    ]
    context = {
        "contract": contract,
        "units": list(contract.units.order_by("name")),
        "offers": offers,
        "projects": list(contract.projects.select_related("owner_unit")),
    }
    html = render_to_string("web/cogov/agreement_print.html", context, request=request)
    return _pdf(html, f"agreement-{contract.pk}.pdf")


@login_required
def feedback_letter_pdf(request: HttpRequest, contract_id: int) -> HttpResponse:
    """The year-end feedback letter as a PDF; 409 before the evaluation."""
    contract = selectors.contract_get_for(actor=request.user, contract_id=contract_id)
    if contract.status not in (ContractStatus.EVALUATED, ContractStatus.RENEWED):
        return _detail(request, contract, _("契约尚未完成年终评估，没有反馈函"), 409)
    context = {"letter": services.feedback_letter(contract), "today": timezone.localdate()}
    html = render_to_string("web/cogov/letter_print.html", context, request=request)
    return _pdf(html, f"feedback-{contract.pk}.pdf")
