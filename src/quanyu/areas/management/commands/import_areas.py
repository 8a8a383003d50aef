"""quanyu import areas FILE — load the area tree from xlsx/CSV or GeoJSON (all or nothing)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import IntegrityError
from django.utils.translation import gettext as _

from quanyu.areas.imports import (
    area_import_validate,
    area_import_write,
    area_records_from_file,
    area_write_template,
    counts_text,
)
from quanyu.areas.management.importing import (
    actor_from_options,
    add_actor_argument,
    busy,
    fail_with_errors,
    progress_bar,
    write_status,
)
from quanyu.core.spreadsheets import RowError, SpreadsheetError


class Command(BaseCommand):
    help = (
        "导入区域树（市、区、街道、社区、网格、楼栋）。FILE 为 .xlsx/.csv（第一行为表头：层级、名称、代码、"
        "上级代码或上级名称、人口、户数、经度、纬度、边界(GeoJSON)；用 --template 生成模板）或 GeoJSON "
        "FeatureCollection（properties: kind、name、code、parent_code 或 parent_path、population、"
        "households；面要素为边界，点要素为楼栋位置）。先校验全部行，有任何错误则什么都不写入，逐行报告"
        "行号、列和原因，退出码非零；全部正确时在一个事务中导入。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", help="要导入的 .xlsx、.csv 或 .geojson 文件")
        parser.add_argument("--dry-run", action="store_true", help="只校验并报告，不写入")
        parser.add_argument("--template", metavar="OUT.xlsx", help="写出带中文表头和示例行的空模板，然后退出")
        parser.add_argument("--errors-out", metavar="ERR.xlsx", help="把错误报告（行号、列、原因）写入该文件")
        add_actor_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["template"]:
            area_write_template(options["template"])
            self.stdout.write(_("模板已写入 %(path)s") % {"path": options["template"]})
            return
        if not options["file"]:
            raise CommandError(_("请指定要导入的文件，或用 --template 生成模板"))
        path = Path(options["file"])
        try:
            with busy(self, _("正在读取 %(name)s…") % {"name": path.name}):
                source = area_records_from_file(path)
        except SpreadsheetError as exc:
            if options["errors_out"]:
                fail_with_errors(self, [RowError(1, "", str(exc))], options["errors_out"])
            raise CommandError(str(exc)) from None
        actor = actor_from_options(options)
        with progress_bar(self, len(source.records), _("校验")) as advance:
            plan = area_import_validate(actor=actor, source=source, progress=advance)
        if not plan.ok:
            fail_with_errors(self, plan.errors, options["errors_out"])
        total = len(plan.nodes)
        if options["dry_run"]:
            self.stdout.write(
                _("校验通过（试运行，未写入）：共%(n)d个区域（%(what)s）")
                % {"n": total, "what": counts_text(plan.counts)}
            )
            return
        try:
            with write_status(self, total, _("正在写入%(n)d个区域…") % {"n": total}):
                area_import_write(actor=actor, plan=plan, source_name=path.name)
        except (IntegrityError, PermissionDenied, ValidationError) as exc:
            raise CommandError(_("写入失败，未导入任何数据：%(err)s") % {"err": exc}) from None
        self.stdout.write(
            self.style.SUCCESS(
                _("已导入%(n)d个区域（%(what)s）") % {"n": total, "what": counts_text(plan.counts)}
            )
        )
