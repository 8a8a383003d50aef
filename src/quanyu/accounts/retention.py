"""Log-in records kept only as long as the law asks (网络安全法 art. 21: network logs at least six
months), then deleted: django-axes' access log, failure log and open attempts hold a username
and an address for every log-in. They outlive the account's anonymisation on purpose (they are
the security log of who got in and who tried), and go when their period ends.

Registered with ``core.retention`` as ``login_records``; the period is ``QUANYU_LOGIN_RECORD_DAYS``
(180, never less than 180: a shorter ``--days`` is refused). The audit log's own entries are kept
by their own rule (``quanyu audit archive``), not here.
"""

from __future__ import annotations

import datetime as dt

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from quanyu.core.audit import audit_record
from quanyu.core.retention import add_rule

LEGAL_MINIMUM_DAYS = 180
MODELS = (AccessLog, AccessFailureLog, AccessAttempt)


def forget_login_records(*, days: int | None = None, dry_run: bool = False) -> dict[str, list[int]]:
    """Delete (or, on a dry run, list) each log-in table's rows older than the period; one audit
    entry with the counts. Answers the ids per table."""
    if days is None:
        days = getattr(settings, "QUANYU_LOGIN_RECORD_DAYS", LEGAL_MINIMUM_DAYS)
    kept = int(days)
    if kept < LEGAL_MINIMUM_DAYS:
        raise ValueError(f"登录记录至少保存{LEGAL_MINIMUM_DAYS}天（网络安全法第二十一条），不能设为{kept}天")
    cutoff = timezone.now() - dt.timedelta(days=kept)
    with transaction.atomic():
        due = {
            model._meta.label_lower: list(
                model.objects.filter(attempt_time__lt=cutoff).order_by("pk").values_list("pk", flat=True)
            )
            for model in MODELS
        }
        if dry_run or not any(due.values()):
            return due
        for model in MODELS:
            model.objects.filter(pk__in=due[model._meta.label_lower]).delete()
        audit_record(
            actor=None,
            action="anonymise",
            target_type="axes.accesslog",
            fields="username,ip_address,user_agent",
            reason=f"登录记录保存满{kept}天，删除",
            detail={"days": kept, **{label: len(ids) for label, ids in due.items()}},
        )
    return due


def _rule(days: int | None, dry_run: bool) -> list[int]:
    found = forget_login_records(days=days, dry_run=dry_run)
    return [pk for ids in found.values() for pk in ids]


def register() -> None:
    add_rule("login_records", label=_("登录记录"), setting="QUANYU_LOGIN_RECORD_DAYS", run=_rule)
