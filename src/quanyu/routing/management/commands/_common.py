"""What the routing commands share: the acting user and phase-by-phase progress."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from quanyu.core.management.importing import import_actor


def actor_or_fail(username: str | None) -> Any:
    try:
        return import_actor(username)
    except LookupError as exc:
        raise CommandError(str(exc)) from None


@contextmanager
def phases(command: BaseCommand, total: int) -> Iterator[Callable[[str], None]]:
    """A rich progress bar over the named phases of a long job (on a terminal only)."""
    console = Console(file=getattr(command.stdout, "_out", None))
    if not console.is_terminal:
        yield lambda _phase: None
        return
    columns = (TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task("…", total=total)
        started = [False]

        def step(phase: str) -> None:
            if started[0]:
                progress.advance(task, 1)
            started[0] = True
            progress.update(task, description=phase)

        yield step
