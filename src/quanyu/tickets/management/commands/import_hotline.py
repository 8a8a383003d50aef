"""``quanyu import hotline FILE.(xlsx|csv) [--dry-run] [--valid-only] [--errors-out ERR.xlsx]
[--template OUT.xlsx] [--actor USER] [--chunk-size N]`` — bulk intake of 12345 work orders."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from quanyu.areas.imports import import_actor
from quanyu.core.spreadsheets import SpreadsheetError, write_errors
from quanyu.tickets.imports import DEFAULT_CHUNK, hotline_import, hotline_write_template

MAX_ERRORS_SHOWN = 50


class Command(BaseCommand):
    help = (
        "导入 12345 热线工单（xlsx 或 csv，第一行为表头：工单编号、来电时间、诉求内容、联系人、联系电话、"
        "地址、经度、纬度、坐标系、诉求类别；用 --template 生成模板）。每行定位到网格并按规则分类，渠道为"
        "12345热线；已导入的工单编号跳过。默认全部成功才导入（有错误则什么都不写入，逐行报告行号、列和原因）；"
        "--valid-only 按块（每块一个事务）导入合格行并报告错误行。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", help="要导入的 .xlsx 或 .csv 文件")
        parser.add_argument("--dry-run", action="store_true", help="只校验（含定位），不写入")
        parser.add_argument("--valid-only", action="store_true", help="导入合格行，报告错误行")
        parser.add_argument("--errors-out", metavar="ERR.xlsx", help="把错误报告（行号、列、原因）写入该文件")
        parser.add_argument("--template", metavar="OUT.xlsx", help="写出空模板然后退出")
        parser.add_argument(
            "--actor", metavar="USERNAME", help="以该用户的权限导入；默认是编号最小的超级用户"
        )
        parser.add_argument("--chunk-size", type=int, default=DEFAULT_CHUNK, help="每块行数")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["template"]:
            hotline_write_template(options["template"])
            self.stdout.write(_("模板已写入 %(path)s") % {"path": options["template"]})
            return
        if not options["file"]:
            raise CommandError(_("请指定要导入的文件，或用 --template 生成模板"))
        path = Path(options["file"])
        if not path.exists():
            raise CommandError(_("文件不存在：%(path)s") % {"path": path})
        if options["chunk_size"] < 1:
            raise CommandError(_("--chunk-size 必须是正整数"))
        try:
            actor = import_actor(options.get("actor"))
        except LookupError as exc:
            raise CommandError(str(exc)) from None
        try:
            result = hotline_import(
                actor=actor,
                source=path,
                dry_run=options["dry_run"],
                valid_only=options["valid_only"],
                chunk_size=options["chunk_size"],
            )
        except (SpreadsheetError, PermissionDenied) as exc:
            raise CommandError(str(exc)) from None
        for error in result.errors[:MAX_ERRORS_SHOWN]:
            self.stderr.write(str(error))
        if len(result.errors) > MAX_ERRORS_SHOWN:
            self.stderr.write(_("……共 %(n)d 条错误") % {"n": len(result.errors)})
        if options["errors_out"] and result.errors:
            write_errors(options["errors_out"], result.errors)
            self.stderr.write(_("错误报告已写入 %(path)s") % {"path": options["errors_out"]})
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
