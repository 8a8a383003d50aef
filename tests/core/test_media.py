"""core.media: an uploaded file whose row was rolled back is removed after the grace period; held
files and files still being written are kept; the run is audited."""

from __future__ import annotations

import os
import time
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import transaction

from quanyu.core.media import media_orphans
from quanyu.core.models import AuditEntry
from quanyu.tickets.models import TicketPhoto
from tests.tickets.factories import Upload, jpeg_bytes, make_catalog, new_ticket

pytestmark = pytest.mark.django_db


class RolledBack(Exception):
    pass


def _age(path: Path, hours: float) -> None:
    then = time.time() - hours * 3600
    os.utime(path, (then, then))


def test_a_rolled_back_photo_is_removed_and_a_held_one_kept(city, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    make_catalog(city)
    kept = new_ticket(city, photos=[Upload(jpeg_bytes(), "门口.jpg")])
    with pytest.raises(RolledBack), transaction.atomic():
        new_ticket(city, photos=[Upload(jpeg_bytes(), "楼道.jpg")])
        raise RolledBack  # a later step of the same transaction failed
    root = Path(settings.MEDIA_ROOT)
    files = sorted(p for p in root.rglob("*") if p.is_file())
    held = Path(root, TicketPhoto.objects.get(ticket=kept).image.name)
    assert len(files) == 2 and held in files  # the rolled-back photo is still on disk
    (orphan,) = [p for p in files if p != held]
    for path in files:
        _age(path, 48)
    young = root / "tickets" / "being-written.jpg"
    young.parent.mkdir(parents=True, exist_ok=True)
    young.write_bytes(b"upload in progress")

    dry = media_orphans(dry_run=True)
    assert dry.removed == [orphan.relative_to(root).as_posix()] and orphan.exists()
    assert not AuditEntry.objects.filter(action="media.orphans_removed").exists()

    out = StringIO()
    call_command("media", "orphans", stdout=out)
    assert not orphan.exists() and held.exists() and young.exists()
    assert "3 files: 1 held, 1 too recent, removed 1" in out.getvalue()
    entry = AuditEntry.objects.get(action="media.orphans_removed")
    assert entry.detail == {"removed": 1, "grace_hours": 24}
    assert media_orphans().removed == []  # nothing left to remove; no second entry
    assert AuditEntry.objects.filter(action="media.orphans_removed").count() == 1


def test_no_upload_directory_is_nothing_to_do(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "absent"
    report = media_orphans()
    assert (report.files, report.removed) == (0, [])
