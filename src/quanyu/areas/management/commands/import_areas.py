"""quanyu import areas FILE — load the area tree from xlsx/CSV or GeoJSON (all or nothing)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from quanyu.areas.imports import (
    AREA_COLUMNS,
    area_import_validate,
    area_import_write,
    area_records_from_file,
    area_write_template,
    counts_text,
)
from quanyu.areas.imports.report import errors_with_values, write_error_report
from quanyu.core.management.importing import (
    actor_from_options,
    add_import_arguments,
    fail_with_errors,
    import_path,
    progress_bar,
    read_source,
    write_or_fail,
    write_status,
)


class Command(BaseCommand):
    help = (
        "导入区域树（市、区、街道、社区、网格、楼栋）。FILE 为 .xlsx/.csv（第一行为表头：层级、名称、代码、"
        "上级代码或上级名称、人口、户数、经度、纬度、边界(GeoJSON)；用 --template 生成模板）或 GeoJSON "
        "FeatureCollection（properties: kind、name、code、parent_code 或 parent_path、population、"
        "households；面要素为边界，点要素为楼栋位置）。先校验全部行，有任何错误则什么都不写入，逐行报告"
        "行号、列和原因，退出码非零；全部正确时在一个事务中导入。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_import_arguments(parser, file_help="要导入的 .xlsx、.csv 或 .geojson 文件")

    def handle(self, *args: Any, **options: Any) -> None:
        path = import_path(self, options, write_template=area_write_template)
        if path is None:
            return
        source = read_source(self, path, options["errors_out"], area_records_from_file)
        actor = actor_from_options(options)
        with progress_bar(self, len(source.records), _("校验")) as advance:
            plan = area_import_validate(actor=actor, source=source, progress=advance)
        if not plan.ok:
            columns = {"": AREA_COLUMNS}

            def report(target: str) -> None:  # the original row beside each error, as the page's
                write_error_report(
                    target, errors_with_values(plan.errors, {"": source.records}, columns), columns
                )

            fail_with_errors(self, plan.errors, options["errors_out"], report)
        total = len(plan.nodes)
        if options["dry_run"]:
            self.stdout.write(
                _("校验通过（试运行，未写入）：共%(n)d个区域（%(what)s）")
                % {"n": total, "what": counts_text(plan.counts)}
            )
            return
        with write_or_fail(), write_status(self, total, _("正在写入%(n)d个区域…") % {"n": total}):
            area_import_write(actor=actor, plan=plan, source_name=path.name)
        self.stdout.write(
            self.style.SUCCESS(
                _("已导入%(n)d个区域（%(what)s）") % {"n": total, "what": counts_text(plan.counts)}
            )
        )
