"""``quanyu demo build [--seed N] [--scale 1.0] [--reset] [--accounts-file PATH]``."""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError
from rich.console import Console

from quanyu.accounts.models import User
from quanyu.areas.models import Area, AreaKind
from quanyu.demo.build import (
    DEFAULT_SEED,
    DemoError,
    accounts_table,
    build_demo,
    database_is_empty,
    default_accounts_path,
    demo_allowed,
    password_banner,
    reset_database,
    rich_reporter,
    write_accounts,
)
from quanyu.orgs.models import PartTimeMember, PartyOrg, Unit


def console_for(command: BaseCommand) -> Console:
    """A rich console writing where the command writes (stdout, or the test's buffer)."""
    return Console(file=getattr(command.stdout, "_out", None), highlight=False)


class Command(BaseCommand):
    help = (
        "生成演示城市（芝罘区规模：12 个街道、约 150 个社区、约 1,024 个网格、"
        "楼栋、党组织、单位和各角色账号），并把演示账号写入 var/demo-accounts.json。"
        "--reset 先清空整个数据库。仅限 DEBUG=1。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="随机种子（相同种子生成相同数据）")
        parser.add_argument("--scale", type=float, default=1.0, help="规模，1.0 = 芝罘区；测试可用 0.05")
        parser.add_argument("--reset", action="store_true", help="先清空整个数据库（flush，所有表）再生成")
        parser.add_argument("--accounts-file", default="", help="演示账号文件，默认 var/demo-accounts.json")

    def handle(self, *args: Any, **options: Any) -> None:
        if not demo_allowed():
            raise CommandError("演示数据只能在 DEBUG=1 时生成（它会创建密码公开的账号）")
        scale = options["scale"]
        if not 0 < scale <= 4:
            raise CommandError("--scale 必须在 0 到 4 之间（1.0 = 芝罘区规模）")
        path = Path(options["accounts_file"]) if options["accounts_file"] else default_accounts_path()
        console = console_for(self)
        try:
            empty = database_is_empty()
        except DatabaseError as exc:
            raise CommandError(f"数据库尚未初始化（{exc}）：请先运行 `quanyu migrate`") from exc
        if options["reset"]:
            reset_database()
            path.unlink(missing_ok=True)
            console.print("已清空数据库 (flush)。")
        elif not empty:
            raise CommandError(
                "数据库中已有数据。演示城市只在空数据库上生成：用 `quanyu demo build --reset` 清空后重建，"
                "或用 `quanyu demo accounts` 查看已有的演示账号。"
            )
        started = time.perf_counter()
        try:
            with rich_reporter(console) as reporter:
                ctx = build_demo(seed=options["seed"], scale=scale, reporter=reporter)
        except DemoError as exc:
            raise CommandError(str(exc)) from exc
        elapsed = time.perf_counter() - started
        write_accounts(path, ctx.accounts)

        kinds = Counter(Area.objects.values_list("kind", flat=True))
        console.print(
            f"[bold green]演示城市已生成[/]（种子 {ctx.seed}，规模 {ctx.scale:g}，用时 {elapsed:.1f} 秒）："
            f"{kinds[AreaKind.STREET]} 个街道、{kinds[AreaKind.COMMUNITY]} 个社区、"
            f"{kinds[AreaKind.GRID]} 个网格、"
            f"{kinds[AreaKind.BUILDING]} 栋楼，常住人口 {ctx.layout.population:,}；"
            f"{Unit.objects.count()} 个单位、{PartyOrg.objects.count()} 个党组织、"
            f"{PartTimeMember.objects.count()} 名兼职委员、{User.objects.count()} 个账号。"
        )
        steps = "、".join(f"{name} {seconds:.1f}" for name, seconds in ctx.timings.items())
        console.print(f"各步用时（秒）per-step seconds: {steps}")
        console.print(accounts_table(ctx.accounts))
        console.print(password_banner(ctx.password))
        console.print(f"账号清单已写入 {path}")
