"""``quanyu import hotline FILE.(xlsx|csv) [--dry-run] [--valid-only] [--errors-out ERR.xlsx]
[--template OUT.xlsx] [--actor USER] [--chunk-size N]`` — bulk intake of 12345 work orders."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from quanyu.core.management.importing import (
    actor_from_options,
    add_import_arguments,
    estimated_rows,
    import_path,
    progress_bar,
    report_errors,
)
from quanyu.core.spreadsheets import SpreadsheetError
from quanyu.tickets.imports import DEFAULT_CHUNK, hotline_import, hotline_write_template


class Command(BaseCommand):
    help = (
        "导入 12345 热线工单（xlsx 或 csv，第一行为表头：工单编号、来电时间、诉求内容、联系人、联系电话、"
        "地址、经度、纬度、坐标系、诉求类别；用 --template 生成模板）。每行定位到网格并按规则分类，渠道为"
        "12345热线；已导入的工单编号跳过。默认全部成功才导入（有错误则什么都不写入，逐行报告行号、列和原因）；"
        "--valid-only 按块（每块一个事务）导入合格行并报告错误行。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_import_arguments(parser, file_help="要导入的 .xlsx 或 .csv 文件")
        parser.add_argument("--valid-only", action="store_true", help="导入合格行，报告错误行")
        parser.add_argument("--chunk-size", type=int, default=DEFAULT_CHUNK, help="每块行数")

    def handle(self, *args: Any, **options: Any) -> None:
        path = import_path(self, options, write_template=hotline_write_template)
        if path is None:
            return
        if not path.exists():
            raise CommandError(_("文件不存在：%(path)s") % {"path": path})
        if options["chunk_size"] < 1:
            raise CommandError(_("--chunk-size 必须是正整数"))
        actor = actor_from_options(options)
        try:
            with progress_bar(
                self, estimated_rows(path), _("正在导入 %(name)s") % {"name": path.name}
            ) as advance:
                result = hotline_import(
                    actor=actor,
                    source=path,
                    dry_run=options["dry_run"],
                    valid_only=options["valid_only"],
                    chunk_size=options["chunk_size"],
                    progress=advance,
                )
        except (SpreadsheetError, PermissionDenied) as exc:
            raise CommandError(str(exc)) from None
        report_errors(self, result.errors, options["errors_out"])
        summary = _(
            "共 %(t)d 行，合格 %(v)d 行，有误 %(b)d 行，已导入 %(w)d 行，"
            "此前已导入（跳过）%(s)d 行，用时 %(sec).1f 秒"
        ) % {
            "t": result.total,
            "v": result.valid,
            "b": result.bad_rows,
            "w": result.written,
            "s": result.skipped,
            "sec": result.seconds,
        }
        if result.dry_run:
            summary += _("（试运行，未写入）")
        self.stdout.write(summary)
        if result.errors and not options["valid_only"]:
            raise CommandError(
                _("存在错误行，未导入任何数据（可改正后重试，或用 --valid-only 仅导入合格行）")
            )
