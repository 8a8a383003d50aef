"""``quanyu demo accounts``: print the demo accounts written by ``quanyu demo build``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from quanyu.demo.build import accounts_table, default_accounts_path, password_banner, read_accounts
from quanyu.demo.management.commands.demo_build import console_for


class Command(BaseCommand):
    help = "列出演示账号（读取 var/demo-accounts.json）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--accounts-file", default="", help="演示账号文件，默认 var/demo-accounts.json")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["accounts_file"]) if options["accounts_file"] else default_accounts_path()
        if not path.exists():
            raise CommandError(f"未找到 {path}：请先运行 `quanyu demo build`")
        try:
            accounts = read_accounts(path)
        except (ValueError, KeyError, TypeError) as exc:
            raise CommandError(f"{path} 不是有效的演示账号文件：{exc}") from exc
        console = console_for(self)
        console.print(accounts_table(accounts))
        passwords = sorted({a.password for a in accounts})
        if passwords:
            console.print(password_banner("、".join(passwords)))
