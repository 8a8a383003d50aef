"""Back-office view of early warning: alerts and the districts' heat formulas, read-only (alerts
are raised by the sweep, formulas chosen on the board through ``services.heat_formula_set``,
which audits the change)."""

from __future__ import annotations

from django.contrib import admin

from quanyu.analytics.models import Alert, HeatSetting
from quanyu.core.admin_scoping import ReadOnlyAdmin


@admin.register(Alert)
class AlertAdmin(ReadOnlyAdmin):
    list_display = ("raised_at", "kind", "title", "area", "notified")
    list_filter = ("kind",)
    search_fields = ("title", "key")
    date_hierarchy = "raised_at"


@admin.register(HeatSetting)
class HeatSettingAdmin(ReadOnlyAdmin):
    list_display = ("district", "formula", "changed_at", "changed_by")
