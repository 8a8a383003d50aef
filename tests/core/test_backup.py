"""quanyu backup / restore: a restored copy equals the original row for row (every table), the
uploaded files come back, and a damaged archive changes nothing."""

from __future__ import annotations

import io
import tarfile
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError

from quanyu.core.models import AuditEntry
from quanyu.tickets.models import Ticket
from tests.factories import make_city, make_personas
from tests.tickets.factories import make_catalog, new_ticket


def _everything() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every model, in primary-key order."""
    rows = {}
    for model in apps.get_models():
        fields = [f.attname for f in model._meta.concrete_fields]
        rows[model._meta.label] = list(model._default_manager.order_by("pk").values_list(*fields))
    return rows


@pytest.fixture
def town(transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    city = make_city()
    make_personas(city)
    make_catalog(city)
    for i in range(3):
        new_ticket(city, text=f"楼道灯不亮 {i}")
    photo = Path(settings.MEDIA_ROOT) / "tickets" / "2026" / "p.jpg"
    photo.parent.mkdir(parents=True)
    photo.write_bytes(b"\xff\xd8 a photo")
    return city


def test_a_restored_copy_equals_the_original_row_for_row(town, tmp_path, settings):
    archive = tmp_path / "quanyu.tar"
    call_command("backup", str(archive))
    before = _everything()
    before.pop("core.AuditEntry")  # the backup's own entry is written after the dump
    Ticket.objects.filter(text__endswith="1").delete()
    Ticket.objects.update(text="改过了")
    photo = Path(settings.MEDIA_ROOT) / "tickets" / "2026" / "p.jpg"
    photo.unlink()
    (Path(settings.MEDIA_ROOT) / "stray.txt").write_text("after the backup")

    call_command("restore", str(archive), "--yes")

    after = _everything()
    restored_audit = after.pop("core.AuditEntry")
    assert after == before
    assert [e[0] for e in restored_audit][-1:] == [AuditEntry.objects.latest("pk").pk]
    assert AuditEntry.objects.latest("pk").action == "import"
    assert photo.read_bytes() == b"\xff\xd8 a photo"
    assert not (Path(settings.MEDIA_ROOT) / "stray.txt").exists()


def test_a_damaged_archive_or_a_missing_confirmation_changes_nothing(town, tmp_path):
    archive = tmp_path / "quanyu.tar"
    call_command("backup", str(archive))
    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(archive))
    damaged = tmp_path / "damaged.tar"
    with tarfile.open(archive) as src, tarfile.open(damaged, "w") as dst:
        for member in src.getmembers():
            data = src.extractfile(member)
            if member.name.startswith("media/"):
                member.size = 3
                dst.addfile(member, fileobj=io.BytesIO(b"bad"))
            else:
                dst.addfile(member, data)
    Ticket.objects.update(text="之后的修改")
    with pytest.raises(CommandError, match="damaged"):
        call_command("restore", str(damaged), "--yes")
    assert set(Ticket.objects.values_list("text", flat=True)) == {"之后的修改"}
    with pytest.raises(CommandError, match="not a Quanyu backup"):
        call_command("restore", str(tmp_path / "nothing.tar"), "--yes")
