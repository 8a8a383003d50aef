"""quanyu export catalog OUT.xlsx — the request catalogue with the import template's columns."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from quanyu.catalog.imports import catalog_export
from quanyu.core.management.importing import actor_from_options, add_actor_argument


class Command(BaseCommand):
    help = (
        "导出事项目录到 .xlsx（含停用事项），列与导入模板相同（大类、小类(事项名称)、事项编码、"
        "责任部门、首办层级、响应时限、办结时限、计时方式、一窗受理、申请材料、Open311发布、"
        "Open311服务编码、关键词、大类编码、说明、启用），导出的文件修改后可以直接再导入。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("out", help="输出的 .xlsx 文件")
        add_actor_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        actor = actor_from_options(options)
        count = catalog_export(actor=actor, target=options["out"])
        self.stdout.write(
            self.style.SUCCESS(_("已导出%(n)d个事项到 %(path)s") % {"n": count, "path": options["out"]})
        )
