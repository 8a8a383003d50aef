"""What the import and export commands share: the acting user, progress bars, error reports."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from quanyu.areas.imports import import_actor
from quanyu.core.spreadsheets import RowError, write_errors

# Files with more rows than this get a progress bar (on a terminal).
PROGRESS_THRESHOLD = 1000


def add_actor_argument(parser: CommandParser) -> None:
    parser.add_argument(
        "--actor",
        metavar="USERNAME",
        help="以该用户的权限执行（只能写入其管辖范围）；默认是编号最小的超级用户",
    )


def actor_from_options(options: dict[str, Any]) -> Any:
    try:
        return import_actor(options.get("actor"))
    except LookupError as exc:
        raise CommandError(str(exc)) from None


@contextmanager
def progress_bar(command: BaseCommand, total: int, description: str) -> Iterator[Callable[[int], None]]:
    """A rich progress bar on the command's stdout when it is a terminal and the work is large;
    yields the callback that advances it."""
    console = Console(file=getattr(command.stdout, "_out", None))
    if total < PROGRESS_THRESHOLD or not console.is_terminal:
        yield lambda _n: None
        return
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task(description, total=total)
        yield lambda n: progress.advance(task, n)


@contextmanager
def write_status(command: BaseCommand, total: int, text: str) -> Iterator[None]:
    """A spinner while one large transaction runs (on a terminal)."""
    console = Console(file=getattr(command.stdout, "_out", None))
    if total < PROGRESS_THRESHOLD or not console.is_terminal:
        yield
        return
    with console.status(text):
        yield


@contextmanager
def busy(command: BaseCommand, text: str) -> Iterator[None]:
    """A spinner while a file is read (on a terminal)."""
    console = Console(file=getattr(command.stdout, "_out", None))
    if not console.is_terminal:
        yield
        return
    with console.status(text):
        yield


def fail_with_errors(command: BaseCommand, errors: Sequence[RowError], errors_out: str | None) -> None:
    """Print one line per error, write them to ``errors_out`` (xlsx) if asked, and stop with a
    non-zero exit status."""
    for error in errors:
        command.stderr.write(str(error))
    if errors_out:
        write_errors(errors_out, errors)
        command.stderr.write(_("错误报告已写入 %(path)s") % {"path": errors_out})
    raise CommandError(_("发现%(n)d处错误，未导入任何数据") % {"n": len(errors)})
