"""``quanyu backup OUT.tar``: the database and the uploaded files in one archive (core.backup)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from quanyu.core.audit import audit_record
from quanyu.core.backup import BackupError, backup


class Command(BaseCommand):
    help = "备份数据库和上传的文件（含清单与校验和）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", help="写入的备份文件（.tar）")

    def handle(self, *args: Any, **options: Any) -> None:
        target = Path(options["archive"])
        try:
            manifest = backup(target)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        rows = sum(manifest["tables"].values())
        audit_record(
            actor=None, action="export", target_type="backup", target_id=target.name, detail={"rows": rows}
        )
        self.stdout.write(
            f"{target}: {len(manifest['tables'])} tables, {rows} rows, {len(manifest['members']) - 1} files"
        )
