"""quanyu import catalog FILE.xlsx — load the request catalogue (事项目录), all or nothing."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from quanyu.catalog.imports import (
    catalog_import_validate,
    catalog_import_write,
    catalog_records_from_file,
    catalog_write_template,
)
from quanyu.core.management.importing import (
    actor_from_options,
    add_import_arguments,
    fail_with_errors,
    import_path,
    read_source,
    write_or_fail,
)


class Command(BaseCommand):
    help = (
        "导入事项目录。FILE 为 .xlsx/.csv，第一行为表头：大类、小类(事项名称)、事项编码、责任部门（多个用“、”"
        "或“;”分隔，第一个为主办部门）、首办层级（网格/社区/街道）、响应时限(小时)、办结时限(工作日)、计时方式"
        "（工作日/自然日）、一窗受理（是/否）、申请材料（用“、”分隔）、Open311发布（是/否）、Open311服务编码、"
        "关键词，可选大类编码、说明、启用；用 --template 生成模板。已有的事项编码更新该事项，新编码新增事项。"
        "先校验全部行，有任何错误则什么都不写入，逐行报告行号、列和原因，退出码非零。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_import_arguments(parser, file_help="要导入的 .xlsx 或 .csv 文件")

    def handle(self, *args: Any, **options: Any) -> None:
        path = import_path(self, options, write_template=catalog_write_template)
        if path is None:
            return
        records = read_source(self, path, options["errors_out"], catalog_records_from_file)
        actor = actor_from_options(options)
        try:
            plan = catalog_import_validate(actor=actor, records=records)
        except PermissionDenied:
            raise CommandError(_("用户“%(name)s”无权维护事项目录") % {"name": actor.username}) from None
        if not plan.ok:
            fail_with_errors(self, plan.errors, options["errors_out"])
        if options["dry_run"]:
            self.stdout.write(_("校验通过（试运行，未写入）：%(what)s") % {"what": plan.summary()})
            return
        with write_or_fail():
            catalog_import_write(actor=actor, plan=plan, source_name=path.name)
        self.stdout.write(self.style.SUCCESS(_("已导入事项目录：%(what)s") % {"what": plan.summary()}))
