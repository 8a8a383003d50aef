"""core.memo: the one style of per-process memory. A RevisedMemo is trusted within the recheck
window, re-validated by its table's revision after it, forgotten when that changed; saves here
forget at once; writes without signals forget through ``forget_models``."""

from __future__ import annotations

import pytest

from quanyu.areas.models import Area
from quanyu.core.memo import RevisedMemo, forget_all, forget_models, recheck_seconds


class Table:
    """A stand-in for a table: its revision and how often it was read."""

    def __init__(self) -> None:
        self.version = 1
        self.revisions_read = 0
        self.builds = 0

    def revision(self) -> int:
        self.revisions_read += 1
        return self.version

    def build(self) -> str:
        self.builds += 1
        return f"built from v{self.version}"


@pytest.fixture
def table():
    return Table()


def test_one_recheck_setting(settings):
    settings.QUANYU_REVISION_RECHECK_SECONDS = 7
    assert recheck_seconds() == 7.0


def test_trusted_within_the_window(table, settings):
    settings.QUANYU_REVISION_RECHECK_SECONDS = 3600
    memo = RevisedMemo("test.window", table.revision)
    assert memo.value("k", table.build) == "built from v1"
    table.version = 2
    assert memo.value("k", table.build) == "built from v1"  # inside the window: not even read
    assert (table.revisions_read, table.builds) == (1, 1)


def test_after_the_window_the_revision_decides(table, settings):
    settings.QUANYU_REVISION_RECHECK_SECONDS = 0
    memo = RevisedMemo("test.revision", table.revision)
    memo.value("k", table.build)
    assert memo.value("k", table.build) == "built from v1"  # revision read, unchanged: kept
    assert (table.revisions_read, table.builds) == (2, 1)
    table.version = 2
    assert memo.value("k", table.build) == "built from v2"  # changed: rebuilt
    assert table.builds == 2


def test_recheck_keeps_values_of_an_unchanged_table_and_forget_drops_them(table, settings):
    settings.QUANYU_REVISION_RECHECK_SECONDS = 3600
    memo = RevisedMemo("test.recheck", table.revision)
    memo.value("k", table.build)
    memo.recheck()
    memo.value("k", table.build)
    assert (table.revisions_read, table.builds) == (2, 1)
    memo.forget()
    memo.value("k", table.build)
    assert table.builds == 2


@pytest.mark.django_db
def test_saves_here_and_bulk_writes_forget(table, settings, city):
    settings.QUANYU_REVISION_RECHECK_SECONDS = 3600
    memo = RevisedMemo("test.areas", table.revision)
    memo.forget_when_changed(Area)
    memo.value("k", table.build)
    city.grids[0].save()  # a save in this process: forgotten at once
    memo.value("k", table.build)
    assert table.builds == 2
    forget_models(Area)  # what a bulk write says
    memo.value("k", table.build)
    assert table.builds == 3
    forget_models("catalog.Holiday")  # a model the memo does not watch
    memo.value("k", table.build)
    assert table.builds == 3
    forget_all()
    memo.value("k", table.build)
    assert table.builds == 4
