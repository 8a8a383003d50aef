"""The shared command behind ``quanyu import members`` and ``quanyu import residents``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from quanyu.accounts.models import User
from quanyu.core.spreadsheets import Column, SpreadsheetError, write_errors, write_template
from quanyu.people.services.imports import ImportResult

MAX_ERRORS_SHOWN = 50


def estimated_rows(path: Path) -> int | None:
    """Data rows according to the sheet's dimension record (cheap; None when unknown)."""
    if path.suffix.lower() == ".csv":
        return None
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True)
        rows = workbook.worksheets[0].max_row
        workbook.close()
    except Exception:  # a broken file is reported by the import itself
        return None
    return rows - 1 if rows else None


class ImportCommand(BaseCommand):
    columns: list[Column]
    title: str
    importer: Callable[..., ImportResult]

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", help="xlsx (or csv) file to import")
        parser.add_argument("--dry-run", action="store_true", help="check every row, write nothing")
        parser.add_argument(
            "--valid-only", action="store_true", help="import the good rows, report the bad ones"
        )
        parser.add_argument("--errors-out", metavar="ERR.xlsx", help="write the per-row errors to this file")
        parser.add_argument("--template", metavar="OUT.xlsx", help="write the empty import template and stop")
        parser.add_argument("--actor", metavar="USERNAME", help="the account the import runs as (its scope)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["template"]:
            write_template(options["template"], self.columns, title=self.title)
            self.stdout.write(_("模板已写入 %(f)s") % {"f": options["template"]})
            return
        if not options["file"]:
            raise CommandError(_("请指定要导入的文件（或用 --template 生成模板）"))
        path = Path(options["file"])
        if not path.exists():
            raise CommandError(_("文件不存在：%(f)s") % {"f": path})
        if not options["actor"]:
            raise CommandError(_("请用 --actor 指定以哪个账号的权限导入"))
        actor = User.objects.filter(username=options["actor"]).first()
        if actor is None:
            raise CommandError(_("账号不存在：%(u)s") % {"u": options["actor"]})
        total = estimated_rows(path)
        with Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            disable=options.get("verbosity", 1) == 0,
        ) as bar:
            task = bar.add_task(self.title, total=total)
            try:
                result = type(self).importer(
                    actor=actor,
                    source=path,
                    dry_run=options["dry_run"],
                    valid_only=options["valid_only"],
                    progress=lambda n: bar.advance(task, n),
                )
            except SpreadsheetError as exc:
                raise CommandError(str(exc)) from None
            except PermissionDenied as exc:
                raise CommandError(str(exc)) from None
        self.report(result, options)

    def report(self, result: ImportResult, options: dict[str, Any]) -> None:
        for error in result.errors[:MAX_ERRORS_SHOWN]:
            self.stderr.write(str(error))
        if len(result.errors) > MAX_ERRORS_SHOWN:
            self.stderr.write(_("……共 %(n)d 条错误") % {"n": len(result.errors)})
        if options["errors_out"] and result.errors:
            write_errors(options["errors_out"], result.errors)
            self.stderr.write(_("错误报告已写入 %(f)s") % {"f": options["errors_out"]})
        summary = _("共 %(t)d 行，合格 %(v)d 行，有误 %(b)d 行，已导入 %(w)d 行") % {
            "t": result.total,
            "v": result.valid,
            "b": result.bad_rows,
            "w": result.written,
        }
        if result.dry_run:
            summary += _("（试运行，未写入）")
        self.stdout.write(summary)
        if result.errors and not options["valid_only"]:
            raise CommandError(
                _("存在错误行，未导入任何数据（可改正后重试，或用 --valid-only 仅导入合格行）")
            )
