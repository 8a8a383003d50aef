"""The embedded default's stand-in for ``celery beat``.

Without a broker (``CELERY_BROKER_URL`` unset, tasks eager) nothing would run the periodic work of
``quanyu.celery``: the deadline sweep, the rollup catch-up and refresh, the notification outbox
drain. ``Scheduler`` runs that same beat schedule in a daemon thread of the serving process
(``quanyu demo serve`` starts it), each task eagerly at its interval, one at a time. Every task
on the schedule is idempotent and safe beside concurrent runs, so a second server or a cron
``quanyu sweep`` next to it does no harm. With a broker, run ``celery beat`` instead.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from celery import Celery
from django.db import close_old_connections, connection, connections

logger = logging.getLogger("quanyu.scheduler")

FIRST_DELAY = 5.0  # seconds after start before the first round (let the server come up)


@dataclass
class Entry:
    name: str
    task: str
    every: float
    due: float
    args: tuple[Any, ...] = ()
    kwargs: dict[str, Any] = field(default_factory=dict)


def _seconds(schedule: Any) -> float:
    if isinstance(schedule, int | float):
        return float(schedule)
    if isinstance(schedule, dt.timedelta):
        return schedule.total_seconds()
    run_every = getattr(schedule, "run_every", None)
    if isinstance(run_every, dt.timedelta):
        return run_every.total_seconds()
    raise ValueError(f"the in-process scheduler runs interval schedules only, not {schedule!r}")


class Scheduler:
    """The beat schedule of ``app`` on a monotonic ``clock``. Each entry first runs
    ``first_delay`` seconds after construction (or at its interval, if shorter), then every
    interval counted from the end of its previous run."""

    def __init__(
        self,
        app: Celery | None = None,
        *,
        first_delay: float = FIRST_DELAY,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if app is None:
            from quanyu.celery import app as default_app

            app = default_app
        self.app = app
        self.clock = clock
        app.loader.import_default_modules()  # the tasks modules register the scheduled tasks
        start = clock()
        self.entries = []
        for name, spec in sorted(app.conf.beat_schedule.items()):
            every = _seconds(spec["schedule"])
            self.entries.append(
                Entry(
                    name=name,
                    task=spec["task"],
                    every=every,
                    due=start + min(first_delay, every),
                    args=tuple(spec.get("args") or ()),
                    kwargs=dict(spec.get("kwargs") or {}),
                )
            )

    def run_pending(self) -> list[str]:
        """Run every entry that is due; answers their names."""
        ran = []
        for entry in self.entries:
            if entry.due <= self.clock():
                self._run(entry)
                entry.due = self.clock() + entry.every
                ran.append(entry.name)
        return ran

    def _run(self, entry: Entry) -> None:
        try:
            # Called, not applied: the task body runs here, and no result backend is involved.
            self.app.tasks[entry.task](*entry.args, **entry.kwargs)
        except Exception:
            logger.exception("scheduled task %s (%s) failed", entry.name, entry.task)
        finally:
            if not connection.in_atomic_block:
                close_old_connections()

    def seconds_to_next(self) -> float:
        if not self.entries:
            return 60.0
        return max(0.0, min(e.due for e in self.entries) - self.clock())

    def run_forever(self, stop: threading.Event) -> None:
        try:
            while not stop.is_set():
                self.run_pending()
                stop.wait(min(self.seconds_to_next(), 60.0))
        finally:
            connections.close_all()


def start_in_background(app: Celery | None = None) -> threading.Event:
    """Start the scheduler in a daemon thread; set the returned event to stop it."""
    stop = threading.Event()
    scheduler = Scheduler(app)
    thread = threading.Thread(
        target=scheduler.run_forever, args=(stop,), name="quanyu-scheduler", daemon=True
    )
    thread.start()
    logger.info("in-process scheduler started: %s", ", ".join(e.name for e in scheduler.entries))
    return stop
