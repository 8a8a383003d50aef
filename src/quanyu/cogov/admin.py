"""Read-only admin for co-governance: the admin never changes a status (it would bypass the services
and their events)."""

from __future__ import annotations

from django.contrib import admin

from quanyu.cogov.models import (
    AdmissionEvent,
    AdmissionItem,
    AdmissionRequest,
    Body,
    Contract,
    ContractEvent,
    Deliberation,
    DeliberationEvent,
    ProjectEvent,
    Result,
    ResultEvent,
    SecretaryProject,
    Session,
    Task,
    TaskEvent,
)
from quanyu.core.admin_scoping import ReadOnlyAdmin, ScopedModelAdmin


@admin.register(Contract)
class ContractAdmin(ReadOnlyAdmin):
    list_display = ["title", "area", "year", "status", "score_total", "commended"]
    list_filter = ["status", "year", "commended"]
    search_fields = ["title"]
    list_select_related = ["area"]


@admin.register(ContractEvent)
class ContractEventAdmin(ReadOnlyAdmin):
    list_display = ["contract", "kind", "actor_name", "at"]
    list_filter = ["kind"]
    list_select_related = ["contract"]


@admin.register(Body)
class BodyAdmin(ReadOnlyAdmin):
    list_display = ["name", "kind", "area"]
    list_filter = ["kind"]
    list_select_related = ["area"]


@admin.register(Session)
class SessionAdmin(ReadOnlyAdmin):
    list_display = ["title", "body", "held_on", "status"]
    list_filter = ["status", "kind"]
    list_select_related = ["body"]


@admin.register(Task)
class TaskAdmin(ReadOnlyAdmin):
    list_display = ["resolution", "owner_unit", "due", "status", "is_overdue", "progress"]
    list_filter = ["status", "is_overdue"]
    list_select_related = ["owner_unit"]


@admin.register(TaskEvent)
class TaskEventAdmin(ReadOnlyAdmin):
    list_display = ["task", "kind", "actor_name", "at"]
    list_filter = ["kind"]
    list_select_related = ["task"]


@admin.register(SecretaryProject)
class SecretaryProjectAdmin(ReadOnlyAdmin):
    list_display = ["title", "area", "year", "secretary", "status", "final_rating"]
    list_filter = ["status", "year"]
    search_fields = ["title"]
    list_select_related = ["area", "secretary"]


@admin.register(ProjectEvent)
class ProjectEventAdmin(ReadOnlyAdmin):
    list_display = ["project", "kind", "actor_name", "at"]
    list_filter = ["kind"]
    list_select_related = ["project"]


@admin.register(AdmissionItem)
class AdmissionItemAdmin(ScopedModelAdmin):
    """The district's list is reference data: kept here (no status, no workflow)."""

    list_display = ["title", "department", "district", "funding_follows", "active"]
    list_filter = ["active", "funding_follows"]
    search_fields = ["title", "legal_basis"]
    list_select_related = ["department", "district"]
    autocomplete_fields = ["department"]


@admin.register(AdmissionRequest)
class AdmissionRequestAdmin(ReadOnlyAdmin):
    list_display = ["title", "department", "community", "status", "created_at"]
    list_filter = ["status"]
    list_select_related = ["department", "community"]


@admin.register(AdmissionEvent)
class AdmissionEventAdmin(ReadOnlyAdmin):
    list_display = ["request", "kind", "actor_name", "at"]
    list_filter = ["kind"]
    list_select_related = ["request"]


@admin.register(Deliberation)
class DeliberationAdmin(ReadOnlyAdmin):
    list_display = ["title", "community", "method", "status", "created_at"]
    list_filter = ["status", "method"]
    search_fields = ["title"]
    list_select_related = ["community"]


@admin.register(DeliberationEvent)
class DeliberationEventAdmin(ReadOnlyAdmin):
    list_display = ["deliberation", "kind", "actor_name", "at"]
    list_filter = ["kind"]
    list_select_related = ["deliberation"]


@admin.register(Result)
class ResultAdmin(ReadOnlyAdmin):
    list_display = ["title", "deliberation", "owner", "due", "progress", "status"]
    list_filter = ["status"]
    list_select_related = ["deliberation"]


@admin.register(ResultEvent)
class ResultEventAdmin(ReadOnlyAdmin):
    list_display = ["result", "kind", "actor_name", "at"]
    list_filter = ["kind"]
    list_select_related = ["result"]
