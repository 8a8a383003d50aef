"""Log-in records (django-axes) deleted after their legal period, never before it."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.core.management import call_command
from django.utils import timezone

from quanyu.accounts.retention import forget_login_records
from quanyu.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def _rows(days_ago: int, who: str) -> None:
    at = timezone.now() - dt.timedelta(days=days_ago)
    rows = (
        AccessLog.objects.create(username=who, ip_address="10.0.0.9", user_agent="t"),
        AccessFailureLog.objects.create(username=who, ip_address="10.0.0.9", user_agent="t"),
        AccessAttempt.objects.create(
            username=who, ip_address="10.0.0.9", user_agent="t", failures_since_start=1
        ),
    )
    for row in rows:  # auto_now_add: the time is set after
        type(row).objects.filter(pk=row.pk).update(attempt_time=at)


def test_records_past_the_period_go_and_the_others_stay():
    _rows(200, "wangfang")
    _rows(10, "lisi")
    found = forget_login_records(dry_run=True)
    assert all(len(ids) == 1 for ids in found.values())
    assert AccessLog.objects.count() == 2  # a dry run deletes nothing
    forget_login_records()
    for model in (AccessLog, AccessFailureLog, AccessAttempt):
        assert list(model.objects.values_list("username", flat=True)) == ["lisi"]
    entry = AuditEntry.objects.get(target_type="axes.accesslog")
    assert entry.detail["axes.accesslog"] == 1 and entry.detail["days"] == 180
    assert "wangfang" not in str(entry.detail) + entry.reason


def test_the_period_is_never_shorter_than_the_law_allows():
    _rows(100, "wangfang")
    with pytest.raises(ValueError, match="180"):
        forget_login_records(days=90)
    assert AccessLog.objects.count() == 1


def test_the_retention_command_runs_the_rule():
    _rows(365, "wangfang")
    out = StringIO()
    call_command("retention", "--only", "login_records", stdout=out)
    assert "login_records" in out.getvalue() and "cleared 3" in out.getvalue()
    assert not AccessLog.objects.exists()
