"""The hotline import's fast paths: the working-day table answers as the calendar does, building a
chunk asks the database nothing (it runs in a thread beside the writer), and with valid_only on
PostgreSQL the chunks written by two connections at once are exactly the good rows, in order."""

from __future__ import annotations

import datetime as dt
import random
import threading

import numpy as np
import pytest
from django.db import connection
from django.db.models import F

from quanyu.catalog.calendar import WorkCalendar, deadline_after
from quanyu.core.spreadsheets import SpreadsheetError, read_rows
from quanyu.tickets.imports import HOTLINE_COLUMNS, WorkingDayTable, hotline_import
from quanyu.tickets.imports.deadlines import EPOCH_UTC, US
from quanyu.tickets.imports.rows import Context, prepare
from quanyu.tickets.models import EventKind, Ticket, TicketEvent
from tests.factories import make_city, make_personas
from tests.tickets.factories import GRID_111, GRID_211, OUTSIDE, make_catalog
from tests.tickets.factories import hotline_row as row
from tests.tickets.factories import write_hotline_csv as write_csv


@pytest.mark.django_db
def test_working_day_table_equals_the_calendar():
    """Across National Day 2024 and its 调休 workdays, and into years without a holiday table
    (only weekends skipped, ``estimated``), for working hours, working days and calendar time."""
    cal = WorkCalendar()
    assert cal.year_known(2024) and not cal.year_known(2031)
    table = WorkingDayTable(cal, dt.date(2024, 9, 1), dt.date(2031, 12, 31), 30, dt.timedelta(hours=8))
    rng = random.Random(11)
    base = dt.datetime(2024, 9, 20, tzinfo=dt.UTC)
    starts = [base + dt.timedelta(minutes=rng.randrange(0, 60 * 24 * 45)) for _i in range(300)]
    starts += [s.replace(year=rng.choice([2026, 2027, 2031])) for s in starts[:100]]
    starts += [
        dt.datetime(2024, 9, 30, 16, 0, tzinfo=dt.UTC),
        dt.datetime(2024, 10, 7, 15, 59, 59, tzinfo=dt.UTC),
    ]
    micros = [(s - EPOCH_UTC) // US for s in starts]
    array = np.array(micros, dtype=np.int64)
    assert table.covers(array)
    for hours, days, working in [(24, 0, True), (2, 0, True), (0, 0, True), (72, 0, True), (4, 0, False)] + [
        (0, d, w) for d in (1, 3, 5, 15, 30) for w in (True, False)
    ]:
        due, estimated = table.deadline(array, hours=hours, days=days, working=working)
        for start, got, est in zip(starts, due.tolist(), estimated.tolist(), strict=True):
            expected = deadline_after(start, hours=hours, days=days, working=working, calendar=cal)
            assert (EPOCH_UTC + dt.timedelta(microseconds=got), est) == (expected.at, expected.estimated), (
                start,
                hours,
                days,
                working,
            )


@pytest.mark.django_db
def test_building_a_chunk_asks_the_database_nothing(city, cat, tmp_path, django_assert_num_queries):
    source = write_csv(
        tmp_path / "h.csv",
        [
            row(f"Q{i}", point=GRID_211 if i % 2 else GRID_111, 诉求类别="0101" if i % 3 else "")
            for i in range(40)
        ]
        + [row("QX", point=OUTSIDE), row("QY", 来电时间="昨天")],
    )
    ctx = Context(
        city.users["district_admin"], dt.datetime.now(dt.UTC), copy=connection.vendor == "postgresql"
    )
    chunk = list(read_rows(source, HOTLINE_COLUMNS))
    with django_assert_num_queries(0):
        prepared = prepare(chunk, ctx, set(), build=True)
    assert len(prepared.kept) == 40 and [(e.row, e.column) for e in prepared.errors] == [(43, "来电时间")]
    assert [(ref, e.row) for ref, e in prepared.late] == [("QX", 42)]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_valid_only_with_two_writers_writes_exactly_the_good_rows(tmp_path):
    """Committed data (so both connections see it), chunks of 7 rows over two connections: the
    good rows each once with their event, the bad ones reported in file order, the work orders
    imported before skipped."""
    if connection.vendor != "postgresql":
        pytest.skip("the writer threads serve COPY on PostgreSQL only")
    city = make_city()
    make_personas(city)
    make_catalog(city)
    admin = city.users["district_admin"]
    n = 120
    bad = {5: OUTSIDE, 33: OUTSIDE, 90: OUTSIDE}
    rows = [row(f"P{i}", point=bad.get(i, GRID_211 if i % 2 else GRID_111)) for i in range(n)]
    rows[61]["诉求内容"] = ""
    before = hotline_import(actor=admin, source=write_csv(tmp_path / "a.csv", rows[10:20]), valid_only=True)
    assert before.written == 10
    result = hotline_import(
        actor=admin, source=write_csv(tmp_path / "b.csv", rows), valid_only=True, chunk_size=7
    )
    assert [(e.row, e.column) for e in result.errors] == [
        (7, "经度"),
        (35, "经度"),
        (63, "诉求内容"),
        (92, "经度"),
    ]
    assert (result.total, result.skipped, result.written, result.valid) == (n, 10, n - 14, n - 4)
    good = {f"P{i}" for i in range(n)} - {"P5", "P33", "P90", "P61"}
    assert set(Ticket.objects.values_list("external_ref", flat=True)) == good
    assert TicketEvent.objects.filter(kind=EventKind.CREATED).count() == len(good)
    assert not TicketEvent.objects.exclude(at=F("ticket__created_at")).exists()
    again = hotline_import(actor=admin, source=tmp_path / "b.csv", valid_only=True, chunk_size=7)
    assert (again.written, again.skipped) == (0, len(good))


@pytest.mark.django_db
def test_an_error_in_the_building_thread_is_raised_and_the_thread_ends(city, cat, tmp_path):
    bad = tmp_path / "cols.csv"
    bad.write_text("工单编号,诉求内容\nA,b\n", encoding="utf-8")
    with pytest.raises(SpreadsheetError, match="缺少必填列"):
        hotline_import(actor=city.users["district_admin"], source=bad)
    assert not [t for t in threading.enumerate() if t.name.startswith("hotline-import")]


@pytest.mark.django_db
def test_a_blank_call_time_is_the_import_time_to_the_microsecond(city, cat, tmp_path):
    """The import's own time (with microseconds) as the call time, and deadlines counted from it
    as the per-ticket service counts them; an aware time in another zone keeps its instant."""
    from quanyu.tickets.services._base import deadlines_from

    source = write_csv(
        tmp_path / "h.csv",
        [row("N1", 来电时间="", 诉求类别="0201"), row("N2", 来电时间="2024-09-29T09:30:00+00:00")],
    )
    before = dt.datetime.now(dt.UTC)
    result = hotline_import(actor=city.users["district_admin"], source=source)
    after = dt.datetime.now(dt.UTC)
    assert result.written == 2, result.errors
    n1, n2 = Ticket.objects.get(external_ref="N1"), Ticket.objects.get(external_ref="N2")
    assert before <= n1.created_at <= after
    response, completion = deadlines_from(n1.created_at, cat["lift"])
    assert (n1.response_due, n1.completion_due) == (response.at, completion.at)
    assert n2.created_at == dt.datetime(2024, 9, 29, 9, 30, tzinfo=dt.UTC)
    response, completion = deadlines_from(n2.created_at, n2.suggested_category)
    assert (n2.response_due, n2.completion_due) == (response.at, completion.at)
