"""``quanyu retention [--dry-run] [--only KEY] [--days N]``: run the retention rules the apps
registered (core.retention): personal data past its period cleared, each clearing audited."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from quanyu.core.retention import rules, run_rules


class Command(BaseCommand):
    help = "按保存期限清除到期的个人信息（残留信息清除）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="只列出，不清除")
        parser.add_argument("--only", metavar="KEY", help="只运行这一条规则")
        parser.add_argument(
            "--days", type=int, default=None, metavar="N", help="保存天数（默认按各规则的设置）"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        known = [rule.key for rule in rules()]
        if options["only"] is not None and options["only"] not in known:
            raise CommandError(f"--only：没有规则“{options['only']}”（可选：{'、'.join(known)}）")
        if options["days"] is not None and options["days"] < 1:
            raise CommandError("--days：保存天数至少为 1 天")
        done = run_rules(only=options["only"], days=options["days"], dry_run=options["dry_run"])
        labels = {rule.key: rule.label for rule in rules()}
        verb = "would clear" if options["dry_run"] else "cleared"
        for key, ids in done.items():
            if options["dry_run"]:
                for pk in ids:
                    self.stdout.write(f"{key} #{pk}")
            self.stdout.write(f"{key} ({labels[key]}): {verb} {len(ids)}")
