"""quanyu export areas OUT.xlsx [--root CODE] — the area tree with the import template's columns."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from quanyu.areas.imports import area_export
from quanyu.areas.models import Area
from quanyu.core.management.importing import actor_from_options, add_actor_argument
from quanyu.core.scoping import scope


class Command(BaseCommand):
    help = (
        "导出区域树到 .xlsx，列与导入模板相同（层级、名称、代码、上级代码、上级名称、人口、户数、经度、纬度、"
        "边界(GeoJSON)），导出的文件可以直接再导入。只导出执行用户管辖范围内的区域。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("out", help="输出的 .xlsx 文件")
        parser.add_argument("--root", metavar="CODE", help="只导出代码为 CODE 的区域及其下级")
        add_actor_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        actor = actor_from_options(options)
        root = None
        if options["root"]:
            root = (
                scope(Area.objects.filter(code=options["root"]), actor=actor)
                .order_by("depth", "path")
                .first()
            )
            if root is None:
                raise CommandError(
                    _("代码为“%(code)s”的区域不存在或不在您的管辖范围内") % {"code": options["root"]}
                )
        count = area_export(actor=actor, target=options["out"], root=root)
        self.stdout.write(
            self.style.SUCCESS(_("已导出%(n)d个区域到 %(path)s") % {"n": count, "path": options["out"]})
        )
