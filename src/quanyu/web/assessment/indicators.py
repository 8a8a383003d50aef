"""Pages of indicator-based assessment: the sets (list, create), a set (indicators, publish,
periods with compute and freeze, hand-scored entries with their evidence), a period's ranking
with every figure opening its records, and those records. Thin: parse, call a selector or a
service, render; a refused step shows the page again with the message and the map's status."""

from __future__ import annotations

import mimetypes
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from quanyu.areas.models import Area, AreaKind
from quanyu.assessment.indicators import access, registry, selectors, services, submissions
from quanyu.assessment.indicators.exports import ranking_xlsx
from quanyu.assessment.models import (
    Direction,
    EntryStatus,
    IndicatorSet,
    Level,
    ManualEntry,
    ScoreRule,
    SetStatus,
    Source,
)
from quanyu.assessment.periods import Period, current_month, parse_period
from quanyu.core.downloads import attachment
from quanyu.core.pdf import PDF, html_to_pdf
from quanyu.core.permissions import has_role
from quanyu.core.scoping import scope
from quanyu.core.workflow import TransitionError, http_status_for
from quanyu.orgs.models import Unit

ROWS_PER_PAGE = 50


def _message(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return "; ".join(exc.messages)
    return str(exc) or _("操作未完成")


def _owner_areas(actor: Any) -> list[Area]:
    """Districts and streets the actor may open a set at (the service checks again)."""
    areas = scope(Area.objects.filter(kind__in=[AreaKind.DISTRICT, AreaKind.STREET]), actor=actor)
    return list(areas.order_by("path")[:200])


@login_required
def set_list(request: HttpRequest) -> HttpResponse:
    sets = selectors.set_list_for(actor=request.user)
    # The menu shows this page to every role in VIEWERS: none of them is refused (an empty list
    # says there is nothing yet); anyone else is.
    if not has_role(request.user, access.VIEWERS) and not sets:
        raise PermissionDenied(_("您没有查看考核指标的权限"))
    return render(
        request,
        "web/assessment/sets.html",
        {
            "sets": sets,
            "levels": Level.choices,
            "areas": _owner_areas(request.user),
            "year": current_month().year,
        },
    )


@login_required
@require_POST
def set_create(request: HttpRequest) -> HttpResponse:
    try:
        area = Area.objects.filter(pk=int(request.POST.get("area", "0") or 0)).first()
        if area is None:
            raise ValidationError({"area": _("请选择考核主体区域")})
        year = request.POST.get("year", "")
        if not (year.isascii() and year.isdigit()):
            raise ValidationError({"year": _("年度须为数字")})
        s = services.indicator_set_create(
            actor=request.user,
            year=int(year),
            level=request.POST.get("level", ""),
            area=area,
            name=request.POST.get("name", ""),
            list_size=request.POST.get("list_size", "3") or "3",
        )
    except (ValidationError, PermissionDenied) as exc:
        context = {
            "sets": selectors.set_list_for(actor=request.user),
            "levels": Level.choices,
            "areas": _owner_areas(request.user),
            "year": current_month().year,
            "error": _message(exc),
        }
        return render(request, "web/assessment/sets.html", context, status=http_status_for(exc) or 400)
    return redirect("web:assessment_set", set_id=s.pk)


def _set_context(request: HttpRequest, s: IndicatorSet) -> dict[str, Any]:
    kind = registry.UNIT if s.level == Level.UNIT else registry.AREA
    from quanyu.assessment.indicators.compute import targets_for

    now = timezone.now()
    entries = list(selectors.entry_list_for(actor=request.user, indicator_set=s)[:200])
    return {
        "set": s,
        "indicators": selectors.indicators_of(s),
        "periods": selectors.periods_of(s),
        "entries": entries,
        # entries whose files the viewer may still take back (not scored, theirs to submit)
        "unfilable": {
            e.pk
            for e in entries
            if e.status != EntryStatus.SCORED
            and access.can_submit(
                request.user,
                s,
                area_path=e.target_area.path if e.target_area else None,
                unit_id=e.target_unit_id,
            )
        },
        "targets": targets_for(s),
        "providers": registry.all_providers(kind),
        "can_edit": access.can_edit(request.user, s),
        "draft": s.status == SetStatus.DRAFT,
        "published": s.status == SetStatus.PUBLISHED,
        "rules": ScoreRule.choices,
        "directions": Direction.choices,
        "sources": Source.choices,
        "submitted": EntryStatus.SUBMITTED,
        "deadlines": [
            {"period": d.period, "last_day": submissions.last_day(d), "passed": d.due_at <= now}
            for d in s.deadlines.order_by("due_at", "period")
        ],
        "overdue": submissions.overdue_for(s, now=now),
        "default_period": f"{s.year}",
    }


def _set_page(request: HttpRequest, s: IndicatorSet, *, error: str = "", status: int = 200) -> HttpResponse:
    context = _set_context(request, s)
    context["error"] = error
    return render(request, "web/assessment/set.html", context, status=status)


@login_required
def set_detail(request: HttpRequest, set_id: int) -> HttpResponse:
    return _set_page(request, selectors.set_get_for(actor=request.user, set_id=set_id))


STEPS = {
    "add",
    "remove",
    "publish",
    "compute",
    "freeze",
    "submit",
    "score",
    "return",
    "deduct",
    "deadline",
    "lists",
    "unfile",
}


def _target_kwargs(s: IndicatorSet, raw: str) -> dict[str, Any]:
    if not (raw.isascii() and raw.isdigit()):
        raise ValidationError({"target": _("请选择考核对象")})
    target = selectors.target_of(s, raw)
    if target.kind == registry.UNIT:
        return {"target_unit": Unit.objects.get(pk=target.pk)}
    return {"target_area": Area.objects.get(pk=target.pk)}


def _entry(request: HttpRequest, s: IndicatorSet) -> ManualEntry:
    entry = selectors.entry_get_for(actor=request.user, entry_id=request.POST.get("entry"))
    if entry.indicator.indicator_set_id != s.pk:
        raise Http404
    return entry


def _run(request: HttpRequest, s: IndicatorSet, step: str) -> str:
    """Run one step; answer the success message."""
    p = request.POST
    actor = request.user
    if step == "add":
        services.indicator_add(
            actor=actor,
            indicator_set=s,
            name=p.get("name", ""),
            weight=p.get("weight", ""),
            source=p.get("source", ""),
            provider=p.get("provider", ""),
            rule=p.get("rule", ScoreRule.LINEAR),
            direction=p.get("direction", Direction.HIGHER),
            floor=p.get("floor") or None,
            target=p.get("target") or None,
            thresholds=_thresholds(p.get("thresholds", "")),
            category=p.get("category", ""),
        )
        return _("已添加指标")
    if step == "remove":
        services.indicator_remove(
            actor=actor, indicator=selectors.indicator_get_for(actor=actor, indicator_id=p.get("indicator"))
        )
        return _("已删除指标")
    if step == "lists":
        s = services.indicator_set_lists(actor=actor, indicator_set=s, list_size=p.get("list_size", ""))
        return _("红黑榜人数已设为 %(n)d") % {"n": s.list_size}
    if step == "publish":
        services.indicator_set_publish(actor=actor, indicator_set=s)
        return _("指标体系已发布")
    period = parse_period(p.get("period", ""))
    if step == "deadline":
        d = submissions.deadline_set(actor=actor, indicator_set=s, period=period, due_on=p.get("due_on", ""))
        return _("已设定 %(p)s 的提交期限：%(d)s") % {
            "p": period.label,
            "d": submissions.last_day(d).isoformat(),
        }
    if step == "compute":
        services.period_compute(actor=actor, indicator_set=s, period=period)
        return _("已计算 %(p)s 的得分") % {"p": period.label}
    if step in ("freeze", "deduct"):
        sp = selectors.period_of(s, period)
        if sp is None:
            raise ValidationError({"period": _("该期间尚未计算得分")})
        if step == "freeze":
            services.period_freeze(actor=actor, score_period=sp, note=p.get("note", ""))
            return _("%(p)s 的考核结果已冻结并发布通报") % {"p": period.label}
        services.deduction_record(
            actor=actor,
            score_period=sp,
            points=p.get("points") or 0,
            veto=p.get("veto") == "on",
            reason=p.get("reason", ""),
            **_target_kwargs(s, p.get("target", "")),
        )
        return _("已登记，重新计算后生效")
    if step == "submit":
        indicator = selectors.indicator_get_for(actor=actor, indicator_id=p.get("indicator"))
        if indicator.indicator_set_id != s.pk:
            raise Http404
        services.entry_submit(
            actor=actor,
            indicator=indicator,
            period=period,
            statement=p.get("statement", ""),
            evidence=request.FILES.getlist("evidence"),
            **_target_kwargs(s, p.get("target", "")),
        )
        return _("自评材料已提交")
    raise Http404


def _thresholds(raw: str) -> list[list[str]]:
    """``0.9:1, 0.8:0.6`` → [[0.9, 1], [0.8, 0.6]]."""
    out = []
    for part in (raw or "").replace("，", ",").split(","):
        if part.strip():
            level, _sep, share = part.replace("：", ":").partition(":")
            out.append([level.strip(), share.strip()])
    return out


@login_required
@require_POST
def set_step(request: HttpRequest, set_id: int, step: str) -> HttpResponse:
    s = selectors.set_get_for(actor=request.user, set_id=set_id)
    if step not in STEPS:
        raise Http404
    try:
        if step == "unfile":
            ev = selectors.evidence_get_for(actor=request.user, evidence_id=request.POST.get("evidence"))
            if ev.entry.indicator.indicator_set_id != s.pk:
                raise Http404
            submissions.evidence_remove(actor=request.user, evidence=ev)
            message = _("已撤回佐证文件「%(n)s」") % {"n": ev.name}
        elif step in ("score", "return"):
            entry = _entry(request, s)
            if step == "score":
                services.entry_score(
                    actor=request.user,
                    entry=entry,
                    score=request.POST.get("score", ""),
                    comment=request.POST.get("comment", ""),
                )
                message = _("已评分")
            else:
                services.entry_return(
                    actor=request.user, entry=entry, comment=request.POST.get("comment", "")
                )
                message = _("已退回")
        else:
            message = _run(request, s, step)
    except (ValidationError, PermissionDenied, TransitionError) as exc:
        s.refresh_from_db()
        return _set_page(request, s, error=_message(exc), status=http_status_for(exc) or 400)
    from django.contrib import messages

    messages.success(request, message)
    return redirect("web:assessment_set", set_id=s.pk)


def _period(request: HttpRequest, s: IndicatorSet) -> tuple[Period, str]:
    raw = request.GET.get("period", "")
    if not raw:
        latest = selectors.periods_of(s)
        return (parse_period(latest[0].period) if latest else parse_period(str(s.year))), ""
    try:
        return parse_period(raw), ""
    except ValidationError as exc:
        return parse_period(str(s.year)), "; ".join(exc.messages)


@login_required
def set_ranking(request: HttpRequest, set_id: int) -> HttpResponse:
    s = selectors.set_get_for(actor=request.user, set_id=set_id)
    period, error = _period(request, s)
    ranking = selectors.ranking_for(actor=request.user, indicator_set=s, period=period)
    chart = {
        "names": [r.name for r in ranking.rows] if ranking else [],
        "scores": [float(r.total) for r in ranking.rows] if ranking else [],
        "label": _("总分"),
    }
    return render(
        request,
        "web/assessment/set_ranking.html",
        {
            "set": s,
            "period": period,
            "ranking": ranking,
            "error": error,
            "chart": chart,
            "periods": selectors.periods_of(s),
        },
    )


@login_required
def set_ranking_export(request: HttpRequest, set_id: int) -> HttpResponse:
    s = selectors.set_get_for(actor=request.user, set_id=set_id)
    period, error = _period(request, s)
    ranking = selectors.ranking_for(actor=request.user, indicator_set=s, period=period)
    if error or ranking is None:
        return HttpResponse(
            error or _("该期间尚未计算得分"),
            status=400 if error else 404,
            content_type="text/plain; charset=utf-8",
        )
    return attachment(ranking_xlsx(ranking), f"ranking-{s.pk}-{period.key}.xlsx")


@login_required
def evidence_file(request: HttpRequest, evidence_id: int) -> FileResponse:
    """One evidence file of a hand-scored entry, for those who may see its set."""
    ev = selectors.evidence_get_for(actor=request.user, evidence_id=evidence_id)
    kind = mimetypes.guess_type(ev.name)[0] or "application/octet-stream"
    response = FileResponse(ev.file.open("rb"), content_type=kind, as_attachment=True, filename=ev.name)
    response["Cache-Control"] = "no-store"
    return response


def _url(url_name: str, args: list[Any]) -> str:
    if not url_name:
        return ""
    try:
        return reverse(url_name, args=args)
    except NoReverseMatch:
        return ""


@login_required
def indicator_rows(request: HttpRequest, indicator_id: int) -> HttpResponse:
    indicator = selectors.indicator_get_for(actor=request.user, indicator_id=indicator_id)
    s = indicator.indicator_set
    period, error = _period(request, s)
    target, rows = selectors.drilldown_for(
        actor=request.user, indicator=indicator, target_id=request.GET.get("target"), period=period
    )
    provider = registry.get(indicator.provider)
    page = Paginator(rows.order_by("pk"), ROWS_PER_PAGE).get_page(request.GET.get("page"))
    items = []
    for obj in page.object_list:
        text, url_name, args = (
            provider.describe(obj) if provider and provider.describe else (str(obj), "", [])
        )
        items.append({"text": text, "url": _url(url_name, args)})
    context = {
        "set": s,
        "indicator": indicator,
        "target": target,
        "period": period,
        "page": page,
        "items": items,
        "error": error,
    }
    return render(request, "web/assessment/rows.html", context)


@login_required
def set_bulletin(request: HttpRequest, set_id: int) -> HttpResponse:
    """The printable bulletin (red header, A4): a draft until the period is frozen."""
    from quanyu.assessment.indicators.bulletin import bulletin_of

    s = selectors.set_get_for(actor=request.user, set_id=set_id)
    period, error = _period(request, s)
    ranking = selectors.ranking_for(actor=request.user, indicator_set=s, period=period)
    if error or ranking is None:
        return HttpResponse(
            error or _("该期间尚未计算得分"),
            status=400 if error else 404,
            content_type="text/plain; charset=utf-8",
        )
    context = {"b": bulletin_of(ranking), "set": s}
    if request.GET.get("format") == "pdf":
        html = render_to_string("web/assessment/bulletin_print.html", context, request=request)
        response = HttpResponse(html_to_pdf(html), content_type=PDF)
        response["Content-Disposition"] = f'attachment; filename="bulletin-{s.pk}-{period.key}.pdf"'
        return response
    return render(request, "web/assessment/bulletin_print.html", context)
