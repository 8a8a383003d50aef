"""The shared command behind ``quanyu import members`` and ``quanyu import residents``."""

from __future__ import annotations

from collections.abc import Callable
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
from quanyu.core.spreadsheets import Column, SpreadsheetError, write_template
from quanyu.people.services.imports import ImportResult


class ImportCommand(BaseCommand):
    columns: list[Column]
    title: str
    importer: Callable[..., ImportResult]

    def add_arguments(self, parser: CommandParser) -> None:
        add_import_arguments(parser, file_help="要导入的 .xlsx 或 .csv 文件", actor_required=True)
        parser.add_argument("--valid-only", action="store_true", help="导入合格行，报告错误行")

    def handle(self, *args: Any, **options: Any) -> None:
        path = import_path(self, options, write_template=self.write_template)
        if path is None:
            return
        actor = actor_from_options(options, required=True)
        with progress_bar(self, estimated_rows(path), self.title) as advance:
            try:
                result = type(self).importer(
                    actor=actor,
                    source=path,
                    dry_run=options["dry_run"],
                    valid_only=options["valid_only"],
                    progress=advance,
                )
            except (SpreadsheetError, PermissionDenied) as exc:
                raise CommandError(str(exc)) from None
        self.report(result, options)

    def write_template(self, target: str) -> None:
        write_template(target, self.columns, title=self.title)

    def report(self, result: ImportResult, options: dict[str, Any]) -> None:
        report_errors(self, result.errors, options["errors_out"])
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
