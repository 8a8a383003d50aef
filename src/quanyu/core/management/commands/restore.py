"""``quanyu restore IN.tar --yes``: replace the database and the uploaded files with an archive's
(core.backup). Every checksum is checked before anything changes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from quanyu.core.audit import audit_record
from quanyu.core.backup import BackupError, restore


class Command(BaseCommand):
    help = "从备份恢复数据库和上传的文件（覆盖现有数据）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", help="quanyu backup 写出的备份文件")
        parser.add_argument("--yes", action="store_true", help="确认覆盖当前数据库和上传的文件")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["yes"]:
            raise CommandError("恢复会覆盖当前数据库和上传的文件；确认请加 --yes")
        source = Path(options["archive"])
        try:
            manifest = restore(source)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        audit_record(
            actor=None,
            action="import",
            target_type="backup",
            target_id=source.name,
            detail={"from": manifest["created_at"]},
        )
        self.stdout.write(f"restored {source} (made {manifest['created_at']})")
