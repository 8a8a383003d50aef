"""述职评议 (the secretaries' annual report-and-review): each assessed area's party secretary
reports on the year (their statement plus the figures the platform computed for the area, kept as
submitted), and the reviewers grade the report 好 / 较好 / 一般 / 差. The grades enter the set
through the ``assessment.duty_review`` indicator provider."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from quanyu.areas.models import Area
from quanyu.assessment.models.indicators import IndicatorSet


class Grade(models.TextChoices):
    GOOD = "good", _("好")
    FAIRLY_GOOD = "fairly_good", _("较好")
    AVERAGE = "average", _("一般")
    POOR = "poor", _("差")


# The points of each grade in the review's figure (the average over the reviewers).
GRADE_POINTS: dict[str, Decimal] = {
    Grade.GOOD: Decimal("1"),
    Grade.FAIRLY_GOOD: Decimal("0.8"),
    Grade.AVERAGE: Decimal("0.6"),
    Grade.POOR: Decimal("0"),
}


class DutyReport(models.Model):
    """One secretary's annual report for one assessed area of a set."""

    scope_path_field = "area__path"

    indicator_set = models.ForeignKey(
        IndicatorSet, verbose_name=_("指标体系"), on_delete=models.CASCADE, related_name="duty_reports"
    )
    area = models.ForeignKey(Area, verbose_name=_("述职区域"), on_delete=models.PROTECT, related_name="+")
    secretary = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("述职人"), on_delete=models.PROTECT, related_name="+"
    )
    statement = models.TextField(_("述职报告"), max_length=10000)
    figures = models.JSONField(_("平台数据"), default=dict, blank=True)
    # The secretary-led projects (书记领办) of the area and the year as they stood at submission:
    # [{"id", "title", "status", "status_label", "schedule", "schedule_label", "final_rating",
    # "final_rating_label"}].
    projects = models.JSONField(_("书记领办项目"), default=list, blank=True)
    submitted_at = models.DateTimeField(_("提交时间"))

    class Meta:
        verbose_name = _("述职报告")
        verbose_name_plural = _("述职报告")
        ordering = ["indicator_set_id", "area__path"]
        constraints = [
            models.UniqueConstraint(fields=["indicator_set", "area"], name="assessment_duty_report_once")
        ]

    def __str__(self) -> str:
        return f"{self.indicator_set_id} {self.area_id}"


class DutyReview(models.Model):
    """One reviewer's grade of a report (one per reviewer; grading again replaces it)."""

    report = models.ForeignKey(DutyReport, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("评议人"), on_delete=models.PROTECT, related_name="+"
    )
    grade = models.CharField(_("评议等次"), max_length=12, choices=Grade.choices)
    comment = models.CharField(_("评议意见"), max_length=500, blank=True)
    reviewed_at = models.DateTimeField(_("评议时间"))

    class Meta:
        verbose_name = _("述职评议")
        verbose_name_plural = _("述职评议")
        ordering = ["report_id", "reviewed_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["report", "reviewer"], name="assessment_duty_review_once")
        ]

    def __str__(self) -> str:
        return f"{self.report_id} {self.grade}"
