"""Uploaded files that no row points to any more, removed (等保: residual information).

A photo is written to storage when its row is saved inside a service's transaction; when the
transaction then rolls back (a later check fails, the database goes away, a race is lost), the row
is gone but the file stays, and with it the picture of somebody's door or face. The same happens
when a row is deleted by a cascade. ``media_orphans`` walks the upload directory, reads the file
names every ``FileField`` of every installed model holds, and removes the files nobody holds that
are older than a grace period (an upload being written right now is not yet committed; the
default grace is a day). Each run that removes something is audited with the count. Celery beat
runs it daily (``quanyu.core.media_orphans``); ``quanyu media orphans [--dry-run]`` by hand.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import models

from quanyu.core.audit import audit_record

GRACE_HOURS = 24


@dataclass
class OrphanReport:
    files: int = 0
    held: int = 0
    removed: list[str] = field(default_factory=list)
    young: int = 0


def held_names() -> set[str]:
    """Every file name a ``FileField`` of an installed model holds (names only, one query per
    field)."""
    names: set[str] = set()
    for model in apps.get_models():
        for f in model._meta.concrete_fields:
            if isinstance(f, models.FileField):
                names.update(n for n in model._default_manager.values_list(f.attname, flat=True) if n)
    return names


def _files(root: Path) -> Iterator[Path]:
    for folder, _dirs, files in os.walk(root):
        for name in files:
            yield Path(folder) / name


def media_orphans(*, grace_hours: float = GRACE_HOURS, dry_run: bool = False) -> OrphanReport:
    root = Path(settings.MEDIA_ROOT)
    report = OrphanReport()
    if not root.is_dir():
        return report
    held = held_names()
    cutoff = time.time() - grace_hours * 3600
    for path in _files(root):
        report.files += 1
        name = path.relative_to(root).as_posix()
        if name in held:
            report.held += 1
            continue
        try:
            if path.stat().st_mtime > cutoff:
                report.young += 1
                continue
            if not dry_run:
                path.unlink()
        except FileNotFoundError:
            continue
        report.removed.append(name)
    if report.removed and not dry_run:
        audit_record(
            actor=None,
            action="media.orphans_removed",
            target_type="media",
            detail={"removed": len(report.removed), "grace_hours": grace_hours},
        )
    return report
