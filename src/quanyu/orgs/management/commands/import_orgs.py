"""quanyu import orgs FILE.xlsx — units, party organisations and part-time members (all or nothing)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import IntegrityError
from django.utils.translation import gettext as _

from quanyu.areas.management.importing import (
    actor_from_options,
    add_actor_argument,
    busy,
    fail_with_errors,
    write_status,
)
from quanyu.core.spreadsheets import RowError, SpreadsheetError
from quanyu.orgs.imports import (
    COLUMNS,
    SHEETS,
    org_import_validate,
    org_import_write,
    org_records_from_file,
    org_write_template,
)


class Command(BaseCommand):
    help = (
        "导入单位、党组织和兼职委员。FILE 为 .xlsx：一个工作簿里可有三张表——“单位”（类型、名称、"
        "统一社会信用代码、所在区域代码、地址、联系人、联系电话、职工人数、党员人数…）、“党组织”（组织类型、"
        "组织名称、组织代码、上级组织代码、所属区域代码、所在单位、书记、党员人数…）、“兼职委员”（姓名、"
        "所在单位、单位职务、兼职党组织代码、兼任职务、任期…），按表名识别，可只有其中几张，表之间可以互相引用。"
        "只有一张表的文件（或 .csv）用 --kind units|orgs|part-time 指明内容。用 --template 生成模板。"
        "先校验全部行，有任何错误则什么都不写入，逐行报告表、行号、列和原因，退出码非零。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", help="要导入的 .xlsx（单表时也可 .csv）文件")
        parser.add_argument(
            "--kind",
            choices=sorted(COLUMNS),
            help="单表文件的内容：units（单位）、orgs（党组织）、part-time（兼职委员）；不填则按表名读取",
        )
        parser.add_argument("--dry-run", action="store_true", help="只校验并报告，不写入")
        parser.add_argument(
            "--template",
            metavar="OUT.xlsx",
            help="写出带中文表头和示例行的空模板（三张表；与 --kind 一起用时只写该表），然后退出",
        )
        parser.add_argument(
            "--errors-out", metavar="ERR.xlsx", help="把错误报告（表、行号、列、原因）写入该文件"
        )
        add_actor_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        kind = options["kind"]
        if options["template"]:
            org_write_template(options["template"], kind=kind)
            self.stdout.write(_("模板已写入 %(path)s") % {"path": options["template"]})
            return
        if not options["file"]:
            raise CommandError(_("请指定要导入的文件，或用 --template 生成模板"))
        path = Path(options["file"])
        try:
            with busy(self, _("正在读取 %(name)s…") % {"name": path.name}):
                source = org_records_from_file(path, kind=kind)
        except SpreadsheetError as exc:
            if options["errors_out"]:
                fail_with_errors(self, [RowError(1, "", str(exc))], options["errors_out"])
            raise CommandError(str(exc)) from None
        actor = actor_from_options(options)
        plan = org_import_validate(actor=actor, source=source)
        if not plan.ok:
            fail_with_errors(self, plan.errors, options["errors_out"])
        read = "、".join(SHEETS[k] for k in source.sheets)
        if options["dry_run"]:
            self.stdout.write(
                _("校验通过（试运行，未写入）：%(what)s（读取：%(read)s）")
                % {"what": plan.summary(), "read": read}
            )
            return
        total = len(plan.units) + len(plan.org_nodes) + len(plan.members)
        try:
            with write_status(self, total, _("正在写入…")):
                org_import_write(actor=actor, plan=plan)
        except (IntegrityError, PermissionDenied, ValidationError) as exc:
            raise CommandError(_("写入失败，未导入任何数据：%(err)s") % {"err": exc}) from None
        self.stdout.write(self.style.SUCCESS(_("已导入%(what)s") % {"what": plan.summary()}))
