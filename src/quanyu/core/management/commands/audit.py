"""``quanyu audit seal | verify | archive FILE.jsonl [--older-than DAYS]``: the audit log's hash
chain (core.auditchain). ``verify`` exits non-zero when an entry was changed or deleted."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from quanyu.core.auditchain import RETENTION_DAYS, audit_archive, audit_seal, audit_verify


class Command(BaseCommand):
    help = "审计日志的哈希链：封存、校验、归档"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["seal", "verify", "archive"])
        parser.add_argument("file", nargs="?", help="archive：追加写入的 JSON Lines 文件")
        parser.add_argument("--older-than", type=int, default=RETENTION_DAYS, metavar="DAYS")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "seal":
            self.stdout.write(f"sealed {audit_seal()} entries")
        elif action == "verify":
            audit_seal()
            result = audit_verify()
            for problem in result.problems:
                self.stderr.write(problem)
            if not result.ok:
                raise CommandError(f"the audit log does not verify ({len(result.problems)} problems)")
            self.stdout.write(f"verified {result.checked} entries")
        else:
            if not options["file"]:
                raise CommandError("archive needs the file to write the entries to")
            try:
                count = audit_archive(target=Path(options["file"]), older_than_days=options["older_than"])
            except ValueError as exc:
                raise CommandError(str(exc)) from None
            self.stdout.write(f"archived {count} entries to {options['file']}")
