"""The audit log's hash chain: sealed entries verify; a changed, deleted or re-ordered entry is
named by ``quanyu audit verify``; archiving keeps 180 days, writes the old entries out and leaves
an anchor from which the rest still verifies."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from quanyu.core.audit import audit_record
from quanyu.core.auditchain import audit_archive, audit_seal, audit_verify
from quanyu.core.models import AuditChainHead, AuditEntry

pytestmark = pytest.mark.django_db


def _entries(n: int) -> list[AuditEntry]:
    return [audit_record(actor=None, action="export", target_id=str(i), reason=f"第{i}次") for i in range(n)]


def test_sealed_entries_verify_and_a_change_is_found(capsys):
    entries = _entries(5)
    assert audit_seal() == 5 and audit_seal() == 0
    call_command("audit", "verify")
    assert "verified 5 entries" in capsys.readouterr().out
    AuditEntry.objects.filter(pk=entries[2].pk).update(reason="改过的事由")
    result = audit_verify()
    assert result.problems == [f"entry 3 (id {entries[2].pk}) was changed after it was sealed"]
    with pytest.raises(CommandError, match="does not verify"):
        call_command("audit", "verify")


def test_a_deleted_entry_in_the_middle_or_at_the_end_is_found():
    entries = _entries(5)
    audit_seal()
    AuditEntry.objects.filter(pk=entries[1].pk).delete()
    assert audit_verify().problems == ["entries 2..2 are missing (deleted)"]
    AuditEntry.objects.filter(pk=entries[4].pk).delete()
    assert audit_verify().problems[-1] == "the newest entries 5..5 are missing (deleted)"


def test_entries_written_later_continue_the_chain():
    _entries(2)
    audit_seal()
    _entries(3)
    audit_seal()
    assert audit_verify().checked == 5 and audit_verify().ok
    assert list(AuditEntry.objects.order_by("seal_seq").values_list("seal_seq", flat=True)) == [1, 2, 3, 4, 5]


def test_archiving_keeps_the_retention_and_the_rest_still_verifies(tmp_path):
    entries = _entries(4)
    old = timezone.now() - dt.timedelta(days=200)
    AuditEntry.objects.filter(pk__in=[entries[0].pk, entries[1].pk]).update(at=old)
    audit_seal()
    with pytest.raises(ValueError, match="180"):
        audit_archive(target=tmp_path / "a.jsonl", older_than_days=30)
    assert audit_archive(target=tmp_path / "a.jsonl") == 2
    lines = [json.loads(line) for line in (tmp_path / "a.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [row["seal_seq"] for row in lines] == [1, 2]
    assert AuditEntry.objects.count() == 2
    assert AuditChainHead.objects.get().anchor_seq == 2
    assert audit_verify().ok and audit_verify().checked == 2
