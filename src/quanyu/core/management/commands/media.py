"""``quanyu media orphans [--dry-run] [--grace-hours H]``: remove uploaded files no row holds
(core.media)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from quanyu.core.media import GRACE_HOURS, media_orphans


class Command(BaseCommand):
    help = "删除没有任何记录引用的上传文件（残留信息清除）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["orphans"])
        parser.add_argument("--dry-run", action="store_true", help="只列出，不删除")
        parser.add_argument("--grace-hours", type=float, default=GRACE_HOURS, metavar="H")

    def handle(self, *args: Any, **options: Any) -> None:
        report = media_orphans(grace_hours=options["grace_hours"], dry_run=options["dry_run"])
        for name in report.removed:
            self.stdout.write(name)
        verb = "would remove" if options["dry_run"] else "removed"
        counts = f"{report.files} files: {report.held} held, {report.young} too recent"
        self.stdout.write(f"{counts}, {verb} {len(report.removed)}")
