"""Building the demo city: the layout, then every step of ``quanyu.demo.steps.STEPS`` in one
transaction, acting as the superuser ``admin``; and the demo accounts file.

``quanyu demo build`` needs an empty database (a fresh ``quanyu migrate``). ``--reset`` empties
the whole database first (Django's ``flush``: every table, not only the demo's), which is what a
demo database is for; both refuse to run unless ``DEBUG`` (or the test settings) is on, so a
production database is never filled with accounts whose password is printed on the screen.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from rich.console import Console
from rich.panel import Panel
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from quanyu.accounts.models import User
from quanyu.areas.models import Area
from quanyu.core.roles import Role
from quanyu.demo.context import DemoAccount, DemoContext, NullReporter, Reporter, Task
from quanyu.demo.layout import build_layout
from quanyu.demo.steps import STEPS

DEFAULT_SEED = 2024
# One password for every demo account. Demo only: printed on screen and written to a file.
DEMO_PASSWORD = "quanyu-demo"  # noqa: S105
ADMIN_USERNAME = "admin"
ACCOUNTS_FILE = "demo-accounts.json"


class DemoError(Exception):
    pass


def demo_allowed() -> bool:
    return bool(settings.DEBUG or getattr(settings, "TESTING", False))


def default_accounts_path() -> Path:
    return Path(settings.VAR_DIR) / ACCOUNTS_FILE


def database_is_empty() -> bool:
    return not Area.objects.exists() and not User.objects.exists()


def reset_database() -> None:
    """Empty every table (``flush``); the schema stays. The process's caches of the old city
    (grid index, catalogue matcher, holiday years, intake areas) trust their revision for a
    couple of seconds, and a rebuild reuses the same ids: they are dropped here, or a city built
    right after the reset would be located against the old grids."""
    from quanyu.core.memo import forget_all

    call_command("flush", interactive=False, verbosity=0)
    forget_all()  # every core.memo of this process


def build_demo(
    *,
    seed: int = DEFAULT_SEED,
    scale: float = 1.0,
    reporter: Reporter | None = None,
    password: str = DEMO_PASSWORD,
) -> DemoContext:
    """Generate the demo city into the (empty) database; returns the context with the lookups
    and the demo accounts. All or nothing: one transaction."""
    if not demo_allowed():
        raise DemoError("演示数据只能在 DEBUG=1 时生成")
    if not database_is_empty():
        raise DemoError("数据库中已有数据：请在空数据库上生成演示城市，或使用 --reset 先清空数据库")
    reporter = reporter or NullReporter()
    task = reporter.start("几何 geometry", total=1)
    layout = build_layout(seed, scale)
    task.advance()
    with _build_connection(), transaction.atomic():
        admin = User.objects.create_superuser(
            ADMIN_USERNAME, email="", password=password, display_name="系统管理员"
        )
        ctx = DemoContext(
            seed=seed, scale=scale, password=password, layout=layout, actor=admin, reporter=reporter
        )
        for step in STEPS:
            name = step.__name__.rsplit(".", 1)[-1]
            ctx.begin_step(name)
            started = time.perf_counter()
            step.run(ctx)
            ctx.timings[name] = time.perf_counter() - started
    return ctx


@contextmanager
def _build_connection() -> Iterator[None]:
    """The connection as the build wants it, for the build only.

    - No query log: DEBUG keeps every statement's SQL (Django's debug cursor; on SQLite a second
      query per statement to quote its parameters), and the build runs some 150,000 statements
      that nobody reads.
    - On SQLite, outside a transaction (``quanyu demo build``, not the tests' in-memory database):
      a rollback journal instead of the WAL while the one big transaction writes a fresh database
      (WAL would write every page twice, once to the log and once at the checkpoint; a rollback
      journal for new pages is nearly empty, and a failed build still rolls back), no sync at the
      commit (a crash mid-build leaves a demo database to build again, nothing else), and a larger
      page cache. The WAL and the settings' sync come back afterwards.
    """
    connection.ensure_connection()
    tuned = connection.vendor == "sqlite" and not connection.in_atomic_block
    if tuned:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode=DELETE")
            cursor.execute("PRAGMA synchronous=OFF")
            cursor.execute("PRAGMA cache_size=-262144")  # KiB: 256 MiB
    connection.make_debug_cursor = connection.make_cursor  # type: ignore[method-assign,assignment]
    try:
        yield
    finally:
        del connection.make_debug_cursor
        if tuned:
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA cache_size=-2000")
                cursor.execute("PRAGMA journal_mode=WAL")
                cursor.execute("PRAGMA synchronous=NORMAL")  # as quanyu.dbsettings sets it


# --- the accounts file and its table --------------------------------------------------------------


def write_accounts(path: Path, accounts: list[DemoAccount]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps([a.as_dict() for a in accounts], ensure_ascii=False, indent=2)
    path.write_text(text + "\n", encoding="utf-8")


def read_accounts(path: Path) -> list[DemoAccount]:
    rows = json.loads(path.read_text(encoding="utf-8"))
    return [
        DemoAccount(**{k: str(row[k]) for k in ("username", "password", "role", "scope")}) for row in rows
    ]


def accounts_table(accounts: list[DemoAccount]) -> Table:
    """The accounts, one row each; the shared password is shown by ``password_banner``."""
    table = Table(title="演示账号 Demo accounts（密码见下 password below）", header_style="bold")
    table.add_column("用户名 username", style="cyan", no_wrap=True)
    table.add_column("角色 role", no_wrap=True)
    table.add_column("范围 scope", overflow="fold")
    labels = dict(Role.choices)
    for a in accounts:
        table.add_row(a.username, f"{labels.get(a.role, a.role)} {a.role}", a.scope)
    return table


def password_banner(password: str) -> Panel:
    return Panel(
        f"[bold]所有演示账号的密码 / password of every demo account:[/bold] [bold red]{password}[/bold red]\n"
        "仅供本机演示 — DEMO ONLY: never use this database or password in production.\n"
        "其余账号按同样规则命名（jiedao_*、shequ_*、wangge_1…、louzhang_1…、bumen_*），密码相同。",
        title="演示专用 DEMO ONLY",
        border_style="red",
    )


# --- progress on the console ----------------------------------------------------------------------


class _RichTask:
    def __init__(self, progress: Progress, task_id: object) -> None:
        self.progress = progress
        self.task_id = task_id

    def advance(self, amount: int = 1) -> None:
        self.progress.advance(self.task_id, amount)  # type: ignore[arg-type]


class RichReporter:
    def __init__(self, progress: Progress) -> None:
        self.progress = progress

    def start(self, description: str, total: int) -> Task:
        return _RichTask(self.progress, self.progress.add_task(description, total=max(total, 1)))


@contextmanager
def rich_reporter(console: Console) -> Iterator[RichReporter]:
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console) as progress:
        yield RichReporter(progress)
