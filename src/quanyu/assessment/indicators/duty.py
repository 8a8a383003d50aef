"""述职评议: the services and selectors of the secretaries' annual reports and their reviews.

* ``duty_report_submit`` — the assessed area's own staff (or the assessor) submits the secretary's
  statement; the platform's figures for the area and the set's year (every area indicator) and the
  area's secretary-led projects of that year (``secretary_projects``) are kept with it as
  submitted. Resubmitting replaces it until the first grade; then it is final.
* ``duty_review_grade`` — an assessor of the set (its editors) grades a report 好 / 较好 / 一般 /
  差 with a comment; grading again replaces the reviewer's grade. Nobody grades their own report.
* ``duty_reports_for`` — the set's reports with their grades, for those who may see the set;
  ``duty_targets_for`` — the areas whose report an actor may submit; ``duty_summary`` — the
  grades per report as the bulletin prints them.

The grades enter the set through the ``assessment.duty_review`` provider (the average points of
the grades, ``GRADE_POINTS``). Each step writes an event of the set in its transaction."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from quanyu.assessment.indicators import access, events, registry
from quanyu.assessment.indicators.compute import targets_for
from quanyu.assessment.indicators.registry import AREA, Target
from quanyu.assessment.models import (
    GRADE_POINTS,
    DutyReport,
    DutyReview,
    Grade,
    IndicatorSet,
    Level,
    SetStatus,
)
from quanyu.assessment.periods import year
from quanyu.cogov.models import SecretaryProject
from quanyu.cogov.services.projects import schedule_status
from quanyu.cogov.states import ProjectStatus
from quanyu.core.workflow import lock
from quanyu.core.workflow.errors import TransitionError

MAX_STATEMENT = 10000
MAX_COMMENT = 500
DUTY_PROVIDER = "assessment.duty_review"


def _num(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def platform_figures(target: Target, set_year: int) -> dict[str, dict[str, Any]]:
    """Every area indicator's figure for ``target`` and the year, as the report keeps them."""
    period = year(set_year)
    shared: dict[str, Any] = {}
    out: dict[str, dict[str, Any]] = {}
    for provider in registry.all_providers(AREA):
        if provider.key == DUTY_PROVIDER:
            continue
        figure = provider.compute([target], period, shared).get(target.pk)
        if figure is None:
            continue
        out[provider.key] = {
            "label": str(provider.label),
            "unit": provider.unit,
            "numerator": _num(figure.numerator),
            "denominator": _num(figure.denominator),
            "value": _num(figure.value),
        }
    return out


SCHEDULE_LABELS = {"done": _l("已完成"), "behind": _l("滞后"), "on_track": _l("正常")}


def secretary_projects(area_id: int, set_year: int) -> list[dict[str, Any]]:
    """The secretary-led projects (书记领办) of the area itself and the year, not cancelled, as the
    report keeps them: title, status, on-schedule state (``schedule_status`` today) and the final
    rating (blank until the final evaluation)."""
    rows = (
        SecretaryProject.objects.filter(area_id=area_id, year=set_year)
        .exclude(status=ProjectStatus.CANCELLED)
        .prefetch_related("milestones")
        .order_by("id")
    )
    out = []
    for p in rows:
        schedule = schedule_status(p)
        out.append(
            {
                "id": p.pk,
                "title": p.title,
                "status": p.status,
                "status_label": str(p.get_status_display()),
                "schedule": schedule,
                "schedule_label": str(SCHEDULE_LABELS[schedule]),
                "final_rating": p.final_rating,
                "final_rating_label": str(p.get_final_rating_display()) if p.final_rating else "",
            }
        )
    return out


def _target(indicator_set: IndicatorSet, area_id: Any) -> Target:
    try:
        pk = int(area_id)
    except (TypeError, ValueError):
        raise ValidationError({"area": _("请指定述职的街道或社区")}) from None
    for t in targets_for(indicator_set):
        if t.pk == pk:
            return t
    raise Http404


def duty_report_submit(
    *, actor: Any, indicator_set: IndicatorSet, area_id: Any, statement: str
) -> DutyReport:
    statement = (statement or "").strip()
    if not statement or len(statement) > MAX_STATEMENT:
        raise ValidationError({"statement": _("请填写述职报告（不超过 10000 字）")})
    with transaction.atomic():
        locked = lock(IndicatorSet.objects).select_related("area").get(pk=indicator_set.pk)
        if locked.level == Level.UNIT:
            raise ValidationError({"indicator_set": _("述职评议只适用于街道、社区的考核")})
        target = _target(locked, area_id)
        access.require_submitter(actor, locked, area_path=target.path, unit_id=None)
        if locked.status != SetStatus.PUBLISHED:
            raise ValidationError({"indicator_set": _("指标体系发布后才能提交述职报告")})
        report = lock(DutyReport.objects).filter(indicator_set=locked, area_id=target.pk).first()
        if report is not None and report.reviews.exists():
            raise TransitionError(_("述职报告已开始评议，不能再修改"))
        now = timezone.now()
        figures = platform_figures(target, locked.year)
        projects = secretary_projects(target.pk, locked.year)
        if report is None:
            report = DutyReport.objects.create(
                indicator_set=locked,
                area_id=target.pk,
                secretary=actor,
                statement=statement,
                figures=figures,
                projects=projects,
                submitted_at=now,
            )
        else:
            report.secretary = actor
            report.statement = statement
            report.figures = figures
            report.projects = projects
            report.submitted_at = now
            report.save(update_fields=["secretary", "statement", "figures", "projects", "submitted_at"])
        events.duty_submitted_event(report=report, actor=actor)
    return report


def duty_review_grade(*, actor: Any, report: DutyReport, grade: str, comment: str = "") -> DutyReview:
    comment = (comment or "").strip()
    if grade not in Grade.values:
        raise ValidationError({"grade": _("评议等次须为 好、较好、一般、差 之一")})
    if len(comment) > MAX_COMMENT:
        raise ValidationError({"comment": _("评议意见不能超过 500 字")})
    with transaction.atomic():
        locked = lock(DutyReport.objects).select_related("indicator_set__area").get(pk=report.pk)
        access.require_editor(actor, locked.indicator_set)
        if locked.secretary_id == getattr(actor, "pk", None):
            raise PermissionDenied(_("不能评议本人的述职报告"))
        review, _created = DutyReview.objects.update_or_create(
            report=locked,
            reviewer=actor,
            defaults={"grade": grade, "comment": comment, "reviewed_at": timezone.now()},
        )
        events.duty_reviewed_event(report=locked, actor=actor, grade=grade)
    return review


def duty_reports_for(*, actor: Any, indicator_set: IndicatorSet) -> QuerySet[DutyReport]:
    """The set's reports (with their reviews), for those who may see the set."""
    if not access.can_view(actor, indicator_set):
        raise Http404
    reviews = DutyReview.objects.select_related("reviewer").order_by("reviewed_at", "id")
    return (
        DutyReport.objects.filter(indicator_set=indicator_set)
        .select_related("area", "secretary")
        .prefetch_related(Prefetch("reviews", queryset=reviews))
        .order_by("area__path")
    )


def duty_report_get_for(*, actor: Any, report_id: Any) -> DutyReport:
    """One report, for those who may see its set (404 otherwise)."""
    try:
        pk = int(report_id)
    except (TypeError, ValueError):
        raise Http404 from None
    report = DutyReport.objects.select_related("indicator_set__area", "area").filter(pk=pk).first()
    if report is None or not access.can_view(actor, report.indicator_set):
        raise Http404
    return report


def duty_targets_for(*, actor: Any, indicator_set: IndicatorSet) -> list[Target]:
    """The set's assessed areas whose report ``actor`` may submit (none for a unit set or a set
    not published)."""
    if indicator_set.level == Level.UNIT or indicator_set.status != SetStatus.PUBLISHED:
        return []
    return [
        t
        for t in targets_for(indicator_set)
        if access.can_submit(actor, indicator_set, area_path=t.path, unit_id=None)
    ]


def _average(points: list[Decimal]) -> Decimal | None:
    if not points:
        return None
    return (sum(points, Decimal(0)) / len(points)).quantize(Decimal("0.01"))


def overall_grade(average: Decimal | None) -> str:
    """The grade an average of grade points stands for: the best grade whose points it reaches
    (好 1, 较好 0.8, 一般 0.6, 差 0)."""
    if average is None:
        return ""
    for grade, points in sorted(GRADE_POINTS.items(), key=lambda kv: -kv[1]):
        if average >= points:
            return str(Grade(grade).label)
    return str(Grade.POOR.label)


def duty_summary(reports: Any) -> list[dict[str, Any]]:
    """Per report (with its reviews prefetched): the area, the secretary, how many reviewers gave
    each grade, the average points and the grade it stands for — what the bulletin prints (kept
    in the digest when a period is frozen, so it never changes afterwards)."""
    out = []
    for r in reports:
        reviews = list(r.reviews.all())
        counts = {str(label): 0 for _value, label in Grade.choices}
        for review in reviews:
            counts[str(Grade(review.grade).label)] += 1
        average = _average([GRADE_POINTS[x.grade] for x in reviews])
        out.append(
            {
                "area": r.area.name,
                "secretary": r.secretary.get_full_name() or r.secretary.get_username(),
                "reviewers": len(reviews),
                "counts": [{"grade": g, "count": n} for g, n in counts.items()],
                "average": None if average is None else str(average),
                "grade": overall_grade(average),
            }
        )
    return out


def duty_summary_of(indicator_set: IndicatorSet) -> list[dict[str, Any]]:
    """``duty_summary`` of every report of the set (for the bulletin; the caller has checked the
    viewer may see the set)."""
    reviews = DutyReview.objects.order_by("reviewed_at", "id")
    reports = (
        DutyReport.objects.filter(indicator_set=indicator_set)
        .select_related("area", "secretary")
        .prefetch_related(Prefetch("reviews", queryset=reviews))
        .order_by("area__path")
    )
    return duty_summary(reports)
