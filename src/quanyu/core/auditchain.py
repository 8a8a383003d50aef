"""The audit log's hash chain (等保 level 3, security audit): a changed or deleted entry is found
by ``quanyu audit verify``; entries older than the retention are archived to a file before they
are deleted, leaving an anchor the chain goes on from.

Entries are written freely (``core.audit.audit_record``, inside whatever transaction records the
act) and *sealed* shortly after by ``audit_seal`` (the sweep, Celery beat, ``quanyu audit seal``):
under a lock on the chain's head, each committed unsealed entry in id order gets the next sequence
number, the previous entry's hash and its own, ``sha256(prev_hash + canonical JSON of the entry)``.
Sealing in a job rather than at insert keeps one global lock out of every transaction that audits
(an import holding it for minutes would stop every log-in's audit row); the price is that an entry
can be altered undetected until it is sealed (seconds to minutes; ``QUANYU_SWEEP_SECONDS``).
Sealing by sequence rather than by id also chains an entry whose transaction committed after a
later one had been sealed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from quanyu.core.models import AuditChainHead, AuditEntry
from quanyu.core.workflow import lock_one

HASHED = ("at", "actor_id", "actor_name", "action", "target_type", "target_id", "target_repr", "fields",
          "reason", "ip", "detail")  # fmt: skip
RETENTION_DAYS = 180  # 网络安全法 §21: network logs kept at least six months


def entry_digest(entry: AuditEntry, prev_hash: str) -> str:
    values = {name: getattr(entry, name) for name in HASHED}
    values["at"] = entry.at.astimezone(dt.UTC).isoformat(timespec="microseconds")
    text = json.dumps(values, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256((prev_hash + text).encode("utf-8")).hexdigest()


def _head() -> AuditChainHead:
    AuditChainHead.objects.get_or_create(pk=1)
    return lock_one(AuditChainHead, pk=1)


def audit_seal(*, batch: int = 5000) -> int:
    """Seal every committed unsealed entry (in id order); how many were sealed."""
    sealed = 0
    while True:
        with transaction.atomic():
            head = _head()
            pending = list(AuditEntry.objects.filter(seal_seq__isnull=True).order_by("id")[:batch])
            seq, prev = head.sealed_seq, head.sealed_hash
            for entry in pending:
                seq += 1
                entry.seal_seq, entry.prev_hash = seq, prev
                entry.entry_hash = prev = entry_digest(entry, prev)
            AuditEntry.objects.bulk_update(pending, ["seal_seq", "prev_hash", "entry_hash"])
            head.sealed_seq, head.sealed_hash = seq, prev
            head.save(update_fields=["sealed_seq", "sealed_hash"])
        sealed += len(pending)
        if len(pending) < batch:
            return sealed


@dataclass
class Verification:
    checked: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def audit_verify() -> Verification:
    """Walk the sealed entries from the anchor: each must follow the previous one without a gap,
    name its hash, and have the hash its content gives."""
    head = AuditChainHead.objects.filter(pk=1).first()
    seq, prev = (head.anchor_seq, head.anchor_hash) if head else (0, "")
    result = Verification()
    rows = AuditEntry.objects.filter(seal_seq__isnull=False).order_by("seal_seq")
    for entry in rows.iterator(chunk_size=2000):
        assert entry.seal_seq is not None
        if entry.seal_seq != seq + 1:
            result.problems.append(f"entries {seq + 1}..{entry.seal_seq - 1} are missing (deleted)")
        elif entry.prev_hash != prev:
            result.problems.append(f"entry {entry.seal_seq} does not follow entry {seq}")
        if entry_digest(entry, entry.prev_hash) != entry.entry_hash:
            result.problems.append(f"entry {entry.seal_seq} (id {entry.pk}) was changed after it was sealed")
        seq, prev = entry.seal_seq, entry.entry_hash
        result.checked += 1
    if head and seq != head.sealed_seq:
        result.problems.append(f"the newest entries {seq + 1}..{head.sealed_seq} are missing (deleted)")
    return result


def _as_json(entry: AuditEntry) -> dict[str, Any]:
    row = {name: getattr(entry, name) for name in (*HASHED, "id", "seal_seq", "prev_hash", "entry_hash")}
    row["at"] = entry.at.isoformat()
    return row


def audit_archive(*, target: Path, older_than_days: int = RETENTION_DAYS) -> int:
    """Write the sealed entries older than ``older_than_days`` (at least the retention) to
    ``target`` (JSON lines, with their hashes, so the file verifies on its own) and delete them;
    the chain's anchor moves to the last one archived. How many were archived."""
    if older_than_days < RETENTION_DAYS:
        raise ValueError(f"audit entries are kept at least {RETENTION_DAYS} days")
    cutoff = timezone.now() - dt.timedelta(days=older_than_days)
    with transaction.atomic():
        head = _head()
        old = list(
            AuditEntry.objects.filter(
                seal_seq__isnull=False, seal_seq__gt=head.anchor_seq, at__lt=cutoff
            ).order_by("seal_seq")
        )
        # Only a run from the anchor without a gap: the chain still verifies from the new anchor.
        run: list[AuditEntry] = []
        for entry in old:
            if entry.seal_seq != head.anchor_seq + len(run) + 1:
                break
            run.append(entry)
        if not run:
            return 0
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("a", encoding="utf-8") as fh:
            for entry in run:
                fh.write(json.dumps(_as_json(entry), ensure_ascii=False, default=str) + "\n")
        AuditEntry.objects.filter(pk__in=[e.pk for e in run]).delete()
        head.anchor_seq, head.anchor_hash = run[-1].seal_seq or 0, run[-1].entry_hash
        head.save(update_fields=["anchor_seq", "anchor_hash"])
    return len(run)
