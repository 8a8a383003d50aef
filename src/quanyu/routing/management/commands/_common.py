"""What the routing commands share beyond core.management.importing: phase-by-phase progress."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.core.management.base import BaseCommand
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn


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
