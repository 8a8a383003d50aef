"""quanyu import orgs FILE.xlsx — units, party organisations and part-time members (all or nothing)."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from quanyu.areas.imports.report import errors_with_values, write_error_report
from quanyu.core.management.importing import (
    actor_from_options,
    add_import_arguments,
    fail_with_errors,
    import_path,
    read_source,
    write_or_fail,
    write_status,
)
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
        add_import_arguments(
            parser,
            file_help="要导入的 .xlsx（单表时也可 .csv）文件",
            template_help="写出带中文表头和示例行的空模板（三张表；与 --kind 一起用时只写该表），然后退出",
            errors_help="把错误报告（表、行号、列、原因）写入该文件",
        )
        parser.add_argument(
            "--kind",
            choices=sorted(COLUMNS),
            help="单表文件的内容：units（单位）、orgs（党组织）、part-time（兼职委员）；不填则按表名读取",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        kind = options["kind"]
        path = import_path(self, options, write_template=partial(org_write_template, kind=kind))
        if path is None:
            return
        source = read_source(self, path, options["errors_out"], partial(org_records_from_file, kind=kind))
        actor = actor_from_options(options)
        plan = org_import_validate(actor=actor, source=source)
        if not plan.ok:
            fail_with_errors(self, plan.errors, options["errors_out"], partial(_report, source, plan))
        read = "、".join(SHEETS[k] for k in source.sheets)
        if options["dry_run"]:
            self.stdout.write(
                _("校验通过（试运行，未写入）：%(what)s（读取：%(read)s）")
                % {"what": plan.summary(), "read": read}
            )
            return
        total = len(plan.units) + len(plan.org_nodes) + len(plan.members)
        with write_or_fail(), write_status(self, total, _("正在写入…")):
            org_import_write(actor=actor, plan=plan)
        self.stdout.write(self.style.SUCCESS(_("已导入%(what)s") % {"what": plan.summary()}))


def _report(source: Any, plan: Any, target: str) -> None:
    """The error report with the original row beside each error (as the upload page's), one
    worksheet per sheet of the source."""

    def sheet(key: str) -> str:
        return "" if source.single else SHEETS[key]

    columns = {sheet(k): COLUMNS[k] for k in source.sheets}
    records = {sheet(k): found for k, found in source.sheets.items()}
    write_error_report(target, errors_with_values(plan.errors, records, columns), columns)
