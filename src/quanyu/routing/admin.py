"""Back-office view of routing model versions: read-only (activation and rollback go through
``routing.services``, from ``quanyu routing activate`` / ``rollback``); the artefact is shown by
its size and SHA-256, never downloaded."""

from __future__ import annotations

from django.contrib import admin

from quanyu.core.admin_scoping import ReadOnlyAdmin
from quanyu.routing.models import RoutingModel


@admin.register(RoutingModel)
class RoutingModelAdmin(ReadOnlyAdmin):
    list_display = (
        "version",
        "target",
        "is_active",
        "created_at",
        "source",
        "samples",
        "data_from",
        "data_to",
        "size_bytes",
    )
    list_filter = ("target", "is_active", "source")
    exclude = ("artefact",)
    readonly_fields = (
        "version",
        "target",
        "is_active",
        "activated_at",
        "created_at",
        "created_by",
        "source",
        "source_name",
        "data_from",
        "data_to",
        "samples",
        "labels",
        "metrics",
        "train_seconds",
        "size_bytes",
        "sha256",
    )
