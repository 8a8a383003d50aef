"""What the ``quanyu import …`` and ``quanyu export …`` commands share: the common arguments, the
acting user, reading a file, progress on a terminal, per-row error reports and a failed write.

An all-or-nothing import command reads like this::

    def handle(self, *args, **options):
        path = import_path(self, options, write_template=area_write_template)
        if path is None:
            return  # --template: the template was written
        source = read_source(self, path, options["errors_out"], area_records_from_file)
        actor = actor_from_options(options)
        plan = area_import_validate(actor=actor, source=source)
        if not plan.ok:
            fail_with_errors(self, plan.errors, options["errors_out"])
        with write_or_fail():
            area_import_write(actor=actor, plan=plan)
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn, TypeVar

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import IntegrityError
from django.utils.translation import gettext as _
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from quanyu.core.sheetlimits import raise_limits_for_command
from quanyu.core.spreadsheets import RowError, SpreadsheetError, write_errors

# Files with more rows than this get a progress bar (on a terminal).
PROGRESS_THRESHOLD = 1000
# Row errors printed on the terminal; the --errors-out report holds them all.
MAX_ERRORS_SHOWN = 50

T = TypeVar("T")


def import_actor(username: str | None) -> Any:
    """The user whose rights an import or export runs with: ``username``, or the first superuser."""
    users = get_user_model().objects.filter(is_active=True)
    if username:
        actor = users.filter(username=username).first()
        if actor is None:
            raise LookupError(_("用户“%(name)s”不存在或已停用") % {"name": username})
        return actor
    actor = users.filter(is_superuser=True).order_by("pk").first()
    if actor is None:
        raise LookupError(_("系统中没有超级用户，请用 --actor 指定执行导入的用户"))
    return actor


def add_actor_argument(parser: CommandParser, *, required: bool = False) -> None:
    """``--actor USERNAME``; without ``required`` it defaults to the first superuser."""
    default = "" if required else "；默认是编号最小的超级用户"
    parser.add_argument(
        "--actor", metavar="USERNAME", help=f"以该用户的权限执行（只能写入其管辖范围）{default}"
    )


def actor_from_options(options: dict[str, Any], *, required: bool = False) -> Any:
    if required and not options.get("actor"):
        raise CommandError(_("请用 --actor 指定以哪个账号的权限导入"))
    try:
        return import_actor(options.get("actor"))
    except LookupError as exc:
        raise CommandError(str(exc)) from None


def add_import_arguments(
    parser: CommandParser,
    *,
    file_help: str,
    template_help: str = "写出带中文表头和示例行的空模板，然后退出",
    errors_help: str = "把错误报告（行号、列、原因）写入该文件",
    actor_required: bool = False,
) -> None:
    """FILE, ``--dry-run``, ``--template OUT.xlsx``, ``--errors-out ERR.xlsx`` and ``--actor``."""
    parser.add_argument("file", nargs="?", help=file_help)
    parser.add_argument("--dry-run", action="store_true", help="只校验并报告，不写入")
    parser.add_argument("--template", metavar="OUT.xlsx", help=template_help)
    parser.add_argument("--errors-out", metavar="ERR.xlsx", help=errors_help)
    parser.add_argument(
        "--max-rows", type=int, metavar="N", help="允许的最大数据行数（默认见 QUANYU_IMPORT_MAX_ROWS）"
    )
    parser.add_argument(
        "--max-mb", type=int, metavar="MB", help="允许的最大文件大小，单位MB（默认见 QUANYU_IMPORT_MAX_MB）"
    )
    add_actor_argument(parser, required=actor_required)


def import_path(
    command: BaseCommand, options: dict[str, Any], *, write_template: Callable[[str], Any]
) -> Path | None:
    """With ``--template``: write the template, say so and answer None. Otherwise the file to
    import (CommandError when none is given)."""
    if options["template"]:
        write_template(options["template"])
        command.stdout.write(_("模板已写入 %(path)s") % {"path": options["template"]})
        return None
    if not options["file"]:
        raise CommandError(_("请指定要导入的文件，或用 --template 生成模板"))
    raise_limits_for_command(max_rows=options.get("max_rows"), max_mb=options.get("max_mb"))
    return Path(options["file"])


def read_source(command: BaseCommand, path: Path, errors_out: str | None, read: Callable[[Path], T]) -> T:
    """``read(path)`` under a spinner; a file that cannot be read stops the command (with a
    one-line error report when ``errors_out`` is asked for)."""
    try:
        with busy(command, _("正在读取 %(name)s…") % {"name": path.name}):
            return read(path)
    except SpreadsheetError as exc:
        if errors_out:
            fail_with_errors(command, [RowError(1, "", str(exc))], errors_out)
        raise CommandError(str(exc)) from None


@contextmanager
def write_or_fail() -> Iterator[None]:
    """Turn a write that failed (and rolled back) into the command's error."""
    try:
        yield
    except (IntegrityError, PermissionDenied, ValidationError) as exc:
        raise CommandError(_("写入失败，未导入任何数据：%(err)s") % {"err": exc}) from None


def estimated_rows(path: Path) -> int | None:
    """Data rows according to an xlsx sheet's dimension record (None when unknown, and for CSV).

    Only the head of the first sheet's XML is read: openpyxl's own lookup scans the whole sheet
    when the record is not at the top (files written in write-only mode), which cost as much as
    reading the rows a second time."""
    if path.suffix.lower() == ".csv":
        return None
    import re
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            sheets = sorted(n for n in archive.namelist() if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", n))
            if not sheets:
                return None
            with archive.open(sheets[0]) as sheet:
                head = sheet.read(4096).decode("utf-8", "replace")
    except (OSError, zipfile.BadZipFile):  # a broken file is reported by the import itself
        return None
    found = re.search(r'<(?:\w+:)?dimension ref="[A-Z]+\d+:[A-Z]+(\d+)"', head)
    return int(found.group(1)) - 1 if found else None


def _console(command: BaseCommand) -> Console:
    return Console(file=getattr(command.stdout, "_out", None))


@contextmanager
def progress_bar(
    command: BaseCommand, total: int | None, description: str
) -> Iterator[Callable[[int], None]]:
    """A rich progress bar on the command's stdout when it is a terminal and the work is large (or
    of unknown size: ``total`` None); yields the callback that advances it."""
    console = _console(command)
    if (total is not None and total < PROGRESS_THRESHOLD) or not console.is_terminal:
        yield lambda _n: None
        return
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task(description, total=total)
        yield lambda n: progress.advance(task, n)


@contextmanager
def write_status(command: BaseCommand, total: int, text: str) -> Iterator[None]:
    """A spinner while one large transaction runs (on a terminal)."""
    if total < PROGRESS_THRESHOLD:
        yield
        return
    with busy(command, text):
        yield


@contextmanager
def busy(command: BaseCommand, text: str) -> Iterator[None]:
    """A spinner while a file is read (on a terminal)."""
    console = _console(command)
    if not console.is_terminal:
        yield
        return
    with console.status(text):
        yield


def report_errors(
    command: BaseCommand,
    errors: Sequence[RowError],
    errors_out: str | None,
    writer: Callable[[str], None] | None = None,
) -> None:
    """Print the first ``MAX_ERRORS_SHOWN`` errors (and how many there are), and write them all to
    ``errors_out`` (xlsx) if asked: by ``writer(path)`` when the import has a richer report (the
    original row beside each error), else row, column and reason."""
    for error in errors[:MAX_ERRORS_SHOWN]:
        command.stderr.write(str(error))
    if len(errors) > MAX_ERRORS_SHOWN:
        command.stderr.write(_("……共 %(n)d 条错误") % {"n": len(errors)})
    if errors_out and errors:
        if writer is not None:
            writer(errors_out)
        else:
            write_errors(errors_out, errors)
        command.stderr.write(_("错误报告已写入 %(path)s") % {"path": errors_out})


def fail_with_errors(
    command: BaseCommand,
    errors: Sequence[RowError],
    errors_out: str | None,
    writer: Callable[[str], None] | None = None,
) -> NoReturn:
    """Report the errors and stop with a non-zero exit status: nothing was imported."""
    report_errors(command, errors, errors_out, writer)
    raise CommandError(_("发现%(n)d处错误，未导入任何数据") % {"n": len(errors)})
