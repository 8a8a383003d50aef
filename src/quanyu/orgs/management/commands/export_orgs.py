"""quanyu export orgs OUT.xlsx — units, party organisations and part-time members, re-importable."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from quanyu.core.management.importing import actor_from_options, add_actor_argument
from quanyu.orgs.imports import org_export


class Command(BaseCommand):
    help = (
        "导出执行用户管辖范围内的单位、党组织和兼职委员到一个 .xlsx（“单位”“党组织”“兼职委员”三张表，"
        "列与导入模板相同），可直接再导入。联系电话仅在该用户有权查看明文时完整导出（并记入审计日志），否则打码。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("out", help="输出的 .xlsx 文件")
        add_actor_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        actor = actor_from_options(options)
        units, orgs, members = org_export(actor=actor, target=options["out"])
        self.stdout.write(
            self.style.SUCCESS(
                _("已导出单位%(u)d个、党组织%(o)d个、兼职委员%(m)d名到 %(path)s")
                % {"u": units, "o": orgs, "m": members, "path": options["out"]}
            )
        )
