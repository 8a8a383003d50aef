"""Back-office editing: the scoring rules (through the service, so the change is checked and
audited), and read-only views of bulletins and the rollup."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from quanyu.assessment import services
from quanyu.assessment.access import can_publish
from quanyu.assessment.models import (
    Bulletin,
    BulletinRow,
    Deduction,
    DepartmentDayStat,
    EntryEvidence,
    Indicator,
    IndicatorEvent,
    IndicatorSet,
    ManualEntry,
    Score,
    ScorePeriod,
    ScoringConfig,
    SubmissionDeadline,
)
from quanyu.core.admin_scoping import ReadOnlyAdmin


@admin.register(ScoringConfig)
class ScoringConfigAdmin(admin.ModelAdmin):
    list_display = (
        "__str__",
        "weight_response",
        "weight_completion",
        "weight_satisfaction",
        "basically_counts",
        "no_rating_policy",
        "updated_at",
        "updated_by",
    )
    fields = (
        "weight_response",
        "weight_completion",
        "weight_satisfaction",
        "basically_counts",
        "no_rating_policy",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return can_publish(request.user) and not ScoringConfig.objects.exists()

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can_publish(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: ScoringConfig, form: Any, change: bool) -> None:
        saved = services.scoring_config_update(
            actor=request.user,
            weight_response=obj.weight_response,
            weight_completion=obj.weight_completion,
            weight_satisfaction=obj.weight_satisfaction,
            basically_counts=obj.basically_counts,
            no_rating_policy=obj.no_rating_policy,
        )
        obj.pk = saved.pk


class BulletinRowInline(admin.TabularInline):
    model = BulletinRow
    extra = 0
    can_delete = False
    fields = (
        "position",
        "rank",
        "department_name",
        "received",
        "response_rate",
        "completion_rate",
        "satisfaction_rate",
        "score",
    )
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Bulletin)
class BulletinAdmin(ReadOnlyAdmin):
    list_display = ("title", "period", "published_at", "published_by")
    list_filter = ("period_kind",)
    inlines = [BulletinRowInline]


@admin.register(DepartmentDayStat)
class DepartmentDayStatAdmin(ReadOnlyAdmin):
    list_display = (
        "day",
        "department",
        "received",
        "responded_in_time",
        "resolved_in_time",
        "rated",
        "returned",
    )
    list_select_related = ("department",)
    date_hierarchy = "day"


# --- indicator-based assessment: read-only (every change goes through the services and their
# events; the admin would bypass both) ------------------------------------------------------------


class IndicatorInline(admin.TabularInline):
    model = Indicator
    extra = 0
    can_delete = False
    fields = ("position", "name", "weight", "source", "provider", "rule", "direction", "floor", "target")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(IndicatorSet)
class IndicatorSetAdmin(ReadOnlyAdmin):
    list_display = ("name", "year", "level", "area", "status", "list_size", "published_at")
    list_filter = ("year", "level", "status")
    list_select_related = ("area",)
    inlines = [IndicatorInline]


@admin.register(ScorePeriod)
class ScorePeriodAdmin(ReadOnlyAdmin):
    list_display = ("indicator_set", "period", "status", "computed_at", "frozen_at")
    list_filter = ("status",)
    list_select_related = ("indicator_set",)


@admin.register(Score)
class ScoreAdmin(ReadOnlyAdmin):
    list_display = ("score_period", "target_name", "indicator", "value", "score", "rank")
    list_select_related = ("score_period", "indicator")


class EntryEvidenceInline(admin.TabularInline):
    model = EntryEvidence
    extra = 0
    can_delete = False
    fields = ("name", "size", "uploaded_by", "uploaded_at")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ManualEntry)
class ManualEntryAdmin(ReadOnlyAdmin):
    list_display = ("indicator", "period", "target_area", "target_unit", "status", "score", "submitted_at")
    list_filter = ("status",)
    list_select_related = ("indicator", "target_area", "target_unit")
    inlines = [EntryEvidenceInline]


@admin.register(SubmissionDeadline)
class SubmissionDeadlineAdmin(ReadOnlyAdmin):
    list_display = ("indicator_set", "period", "due_at", "set_by", "set_at", "overdue_told")
    list_select_related = ("indicator_set", "set_by")


@admin.register(Deduction)
class DeductionAdmin(ReadOnlyAdmin):
    list_display = ("score_period", "target_area", "target_unit", "points", "veto", "reason", "created_at")
    list_select_related = ("score_period", "target_area", "target_unit")


@admin.register(IndicatorEvent)
class IndicatorEventAdmin(ReadOnlyAdmin):
    list_display = ("at", "indicator_set", "kind", "actor_name")
    list_filter = ("kind",)
    list_select_related = ("indicator_set",)
