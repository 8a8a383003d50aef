"""Writes to the catalogue and the holiday table. Categories are edited in the Django admin (and
imported from xlsx); the holiday table is seeded from chinese_calendar and extended each year."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from quanyu.accounts.permissions import require_role
from quanyu.accounts.roles import Role
from quanyu.catalog.holidays import package_rows
from quanyu.catalog.models import Holiday


def holidays_seed_from_package(*, years: set[int] | None = None) -> int:
    """Insert the chinese_calendar schedule into ``Holiday`` (rows already there are kept as the
    administrator left them). Returns the number of rows added. Used by the data migration and the
    ``holidays_seed`` command."""
    existing = set(Holiday.objects.values_list("date", flat=True))
    new = [Holiday(date=d, kind=k, name=n) for d, k, n in package_rows(years) if d not in existing]
    with transaction.atomic():
        Holiday.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


def holiday_set(*, actor: Any, date: dt.date, kind: str, name: str = "") -> Holiday:
    """Enter or change one day of a year's schedule (administrators and the organisation
    department)."""
    require_role(actor, {Role.ADMIN, Role.ORG_DEPARTMENT})
    if kind not in Holiday.Kind.values:
        raise ValidationError({"kind": _("类型必须是法定节假日或调休工作日")})
    with transaction.atomic():
        holiday, _created = Holiday.objects.update_or_create(date=date, defaults={"kind": kind, "name": name})
    return holiday


def holiday_delete(*, actor: Any, date: dt.date) -> int:
    """Remove one day from the schedule; answers how many rows went (0 or 1)."""
    require_role(actor, {Role.ADMIN, Role.ORG_DEPARTMENT})
    with transaction.atomic():
        deleted, _rows = Holiday.objects.filter(date=date).delete()
    return deleted
