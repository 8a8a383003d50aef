"""Bulk import of 12345 hotline work orders: what a good row becomes, idempotent re-import, bad rows
by row and column, all-or-nothing versus --valid-only, the command, and the fast deadlines."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import F

from quanyu.catalog.calendar import WorkCalendar, deadline_after
from quanyu.catalog.models import Holiday
from quanyu.core.clock import LOCAL_TZ
from quanyu.core.pii import pii_hash
from quanyu.core.spreadsheets import read_errors
from quanyu.tickets.imports import HOTLINE_COLUMNS, FastDeadlines, hotline_import, hotline_write_template
from quanyu.tickets.models import Channel, EventKind, Ticket, TicketEvent
from quanyu.tickets.services._base import deadlines_from
from tests.factories import make_user
from tests.tickets.factories import GRID_111, GRID_211, OUTSIDE
from tests.tickets.factories import HOTLINE_HEADERS as HEADERS
from tests.tickets.factories import hotline_row as row
from tests.tickets.factories import write_hotline_csv as write_csv

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(city):
    return city.users["district_admin"]


def test_good_rows_become_located_categorised_tickets(city, cat, admin, tmp_path):
    from quanyu.core.geo import wgs84_to_gcj02

    gx, gy = wgs84_to_gcj02(GRID_211[0], GRID_211[1])
    source = write_csv(
        tmp_path / "h.csv",
        [
            row("A1"),
            row("A2", "电梯坏了", point=(float(gx), float(gy)), 坐标系="GCJ02", 诉求类别="电梯故障"),
            row("A3", "路灯不亮", 诉求类别="0101", 联系电话="", 联系人=""),
        ],
    )
    result = hotline_import(actor=admin, source=source)
    assert (result.total, result.valid, result.written, result.errors) == (3, 3, 3, [])
    a1, a2, a3 = (Ticket.objects.get(external_ref=r) for r in ("A1", "A2", "A3"))
    assert {a1.channel, a2.channel, a3.channel} == {Channel.HOTLINE}
    assert (a1.grid_id, a1.community_id, a1.street_id) == (
        city.grids[0].pk,
        city.communities[0].pk,
        city.streets[0].pk,
    )
    assert a1.suggested_category == cat["stalls"] and a1.category is None and a1.tier == "grid"
    assert a2.grid_id == city.grids[4].pk and a2.category == cat["lift"]
    assert a2.tier == "street" and a2.handling_area_id == city.streets[1].pk
    assert abs(a2.lon - GRID_211[0]) < 1e-6 and abs(a2.lat - GRID_211[1]) < 1e-6
    assert a3.category == cat["stalls"] and a3.contact_phone == ""
    received = dt.datetime(2024, 6, 3, 9, 30, tzinfo=LOCAL_TZ)
    assert a1.created_at == received
    response, completion = deadlines_from(received, cat["lift"])
    assert (a2.response_due, a2.completion_due) == (response.at, completion.at)
    assert a1.contact_phone == "13800001111" and a1.contact_phone_hash == pii_hash("phone", "13800001111")
    with connection.cursor() as cursor:
        cursor.execute("SELECT contact_phone, contact_name FROM tickets_ticket WHERE id = %s", [a1.pk])
        raw_phone, raw_name = cursor.fetchone()
    assert raw_phone.startswith("enc1:") and raw_name.startswith("enc1:")
    events = TicketEvent.objects.filter(ticket__in=[a1, a2, a3])
    assert events.count() == 3 and {e.kind for e in events} == {EventKind.CREATED}
    event = events.get(ticket=a2)
    assert (event.from_status, event.to_status, event.at, event.actor) == ("", "new", a2.created_at, admin)
    assert event.payload["category"] == "0201" and event.payload["channel"] == "hotline"


def test_text_with_tabs_newlines_and_backslashes_arrives_intact(city, cat, admin, tmp_path):
    """PostgreSQL writes the rows in COPY's text format by hand: the escapes must round-trip."""
    text = "第一行\t制表\n第二行 C:\\路径\\N \\t 结尾\r\n"
    source = write_csv(
        tmp_path / "h.csv", [row("T1", text, 联系人="王\t先生\\", 地址="某路\n1号\\N", 诉求类别="0101")]
    )
    result = hotline_import(actor=admin, source=source)
    assert result.written == 1, result.errors
    ticket = Ticket.objects.get(external_ref="T1")
    assert ticket.text == text.strip()
    assert ticket.address == "某路\n1号\\N"
    assert ticket.contact_name == "王\t先生\\"
    assert ticket.materials == [] and ticket.idempotency_key is None and ticket.resolution == ""
    assert ticket.deadline_estimated is False and ticket.suggestion_score is None
    event = ticket.events.get()
    assert event.actor_name and event.payload == {
        "channel": "hotline",
        "tier": "grid",
        "handling_area": city.grids[0].pk,
        "category": "0101",
        "imported": True,
    }


def test_reimport_skips_existing_work_orders(city, cat, admin, tmp_path):
    source = write_csv(tmp_path / "h.csv", [row("B1"), row("B2")])
    hotline_import(actor=admin, source=source)
    before = (Ticket.objects.count(), TicketEvent.objects.count())
    again = hotline_import(
        actor=admin, source=write_csv(tmp_path / "h2.csv", [row("B1"), row("B2"), row("B3")])
    )
    assert (again.written, again.skipped, again.valid) == (1, 2, 3)
    assert (Ticket.objects.count(), TicketEvent.objects.count()) == (before[0] + 1, before[1] + 1)


BAD_ROWS = [
    (row("", "x"), "工单编号"),
    (row("C2", ""), "诉求内容"),
    (row("C3", "长" * 2001), "诉求内容"),
    (row("C4", 来电时间="昨天"), "来电时间"),
    (row("C5", 来电时间="2999-01-01 00:00:00"), "来电时间"),
    (row("C6", 联系电话="12ab"), "联系电话"),
    (row("C7", 经度="abc"), "经度"),
    (row("C8", 纬度=""), "纬度"),
    (row("C9", point=OUTSIDE), "经度"),
    (row("C10", 坐标系="epsg3857"), "坐标系"),
    (row("C11", 诉求类别="不存在的类别"), "诉求类别"),
    (row("C12", 诉求类别="01"), "诉求类别"),  # a top-level category, not an item
]


def test_bad_rows_name_row_and_column_and_nothing_is_written(city, cat, admin, tmp_path):
    rows = [row("OK1")] + [r for r, _col in BAD_ROWS] + [row("OK1")]
    source = write_csv(tmp_path / "bad.csv", rows)
    before = (Ticket.objects.count(), TicketEvent.objects.count())
    result = hotline_import(actor=admin, source=source, chunk_size=4)
    found = {(e.row, e.column) for e in result.errors}
    expected = {(i + 3, col) for i, (_r, col) in enumerate(BAD_ROWS)} | {(len(rows) + 1, "工单编号")}
    assert found == expected
    assert result.written == 0 and result.bad_rows == len(BAD_ROWS) + 1
    assert (Ticket.objects.count(), TicketEvent.objects.count()) == before


def test_valid_only_imports_the_good_rows(city, cat, admin, tmp_path):
    source = write_csv(
        tmp_path / "mixed.csv", [row("D1"), row("D2", ""), row("D3", point=OUTSIDE), row("D4")]
    )
    result = hotline_import(actor=admin, source=source, valid_only=True, chunk_size=2)
    assert result.written == 2 and result.bad_rows == 2
    assert set(Ticket.objects.values_list("external_ref", flat=True)) == {"D1", "D4"}
    assert TicketEvent.objects.count() == 2


@pytest.mark.parametrize("valid_only", [False, True])
def test_a_row_that_fails_to_locate_after_its_neighbours_were_sent(city, cat, admin, tmp_path, valid_only):
    """A row that fails only at locating, late in a chunk of a multi-chunk file, leaves nothing
    (all or nothing) or exactly the good rows, each with its own event (valid_only)."""
    stream_rows = 500

    n = stream_rows * 2 + 200
    late = stream_rows + 100  # in the middle of the first chunk
    rows = [row(f"S{i}", point=OUTSIDE if i == late else GRID_111) for i in range(n)]
    source = write_csv(tmp_path / "stream.csv", rows)
    result = hotline_import(actor=admin, source=source, valid_only=valid_only, chunk_size=stream_rows * 2)
    assert [(e.row, e.column) for e in result.errors] == [(late + 2, "经度")]
    if not valid_only:
        assert result.written == 0
        assert (Ticket.objects.count(), TicketEvent.objects.count()) == (0, 0)
        return
    assert result.written == n - 1 == Ticket.objects.count() == TicketEvent.objects.count()
    assert not Ticket.objects.filter(external_ref=f"S{late}").exists()
    mismatched = TicketEvent.objects.exclude(at=F("ticket__created_at"))
    assert not mismatched.exists()
    assert sorted(TicketEvent.objects.values_list("ticket__external_ref", flat=True)) == sorted(
        f"S{i}" for i in range(n) if i != late
    )


def test_dry_run_writes_nothing(city, cat, admin, tmp_path):
    result = hotline_import(actor=admin, source=write_csv(tmp_path / "h.csv", [row("E1")]), dry_run=True)
    assert result.valid == 1 and result.written == 0 and Ticket.objects.count() == 0


def test_scope_and_role(city, cat, tmp_path):
    from quanyu.core.roles import Role

    source = write_csv(tmp_path / "h.csv", [row("F1"), row("F2", point=GRID_211)])
    with pytest.raises(PermissionDenied):
        hotline_import(actor=city.users["community_x"], source=source)
    street1 = city.users["street_staff"]  # street staff may register hotline tickets in street 1
    result = hotline_import(actor=street1, source=source, valid_only=True)
    assert result.written == 1 and [(e.row, e.column) for e in result.errors] == [(3, "经度")]
    assert "管辖范围" in result.errors[0].message
    dept = make_user("org_dept", Role.ORG_DEPARTMENT, city.district)
    assert hotline_import(actor=dept, source=source).written == 1  # F1 was imported before


def test_xlsx_import(city, cat, admin, tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(HEADERS)
    sheet.append(["X1", dt.datetime(2024, 6, 3, 9, 30), "摆摊占道", "", "", "", 121.32, 37.52, "", "0101"])
    book.save(tmp_path / "h.xlsx")
    result = hotline_import(actor=admin, source=tmp_path / "h.xlsx")
    assert result.written == 1
    assert Ticket.objects.get().created_at == dt.datetime(2024, 6, 3, 9, 30, tzinfo=LOCAL_TZ)


def test_command_reports_errors_and_writes_the_report(city, cat, admin, tmp_path, capsys):
    source = write_csv(tmp_path / "bad.csv", [row("G1"), row("G2", "")])
    errors_out = tmp_path / "errors.xlsx"
    with pytest.raises(CommandError, match="未导入任何数据"):
        call_command(
            "import_hotline", str(source), "--errors-out", str(errors_out), "--actor", admin.username
        )
    assert Ticket.objects.count() == 0
    assert [(e.row, e.column) for e in read_errors(errors_out)] == [(3, "诉求内容")]
    call_command("import_hotline", str(source), "--valid-only", "--actor", admin.username)
    assert "已导入 1 行" in capsys.readouterr().out
    template = tmp_path / "template.xlsx"
    call_command("import_hotline", "--template", str(template))
    hotline_write_template(tmp_path / "t2.xlsx")
    from quanyu.core.spreadsheets import read_rows

    assert [r["external_ref"] for _n, r in read_rows(template, HOTLINE_COLUMNS)] == ["12345-20240601-000001"]


def test_command_missing_columns_and_file(city, cat, admin, tmp_path):
    bad = tmp_path / "cols.csv"
    bad.write_text("工单编号,诉求内容\nA,b\n", encoding="utf-8")
    with pytest.raises(CommandError, match="缺少必填列"):
        call_command("import_hotline", str(bad), "--actor", admin.username)
    with pytest.raises(CommandError, match="文件不存在"):
        call_command("import_hotline", str(tmp_path / "nope.csv"))


def test_fast_deadlines_equal_the_calendar(db):
    # The holiday table is seeded from chinese-calendar (2024: National Day and its 调休 workdays).
    assert Holiday.objects.filter(date=dt.date(2024, 10, 1), kind=Holiday.Kind.HOLIDAY).exists()
    fast = FastDeadlines()
    cal = WorkCalendar()
    rng = random.Random(7)
    base = dt.datetime(2024, 9, 20, tzinfo=dt.UTC)
    for _i in range(400):
        start = base + dt.timedelta(minutes=rng.randrange(0, 60 * 24 * 40))
        if rng.random() < 0.1:
            start = start.replace(year=2031)  # a year without a holiday table
        hours, days, working = (
            rng.choice([2, 4, 24, 48, 72, 0]),
            rng.choice([0, 1, 3, 5, 15]),
            rng.random() < 0.9,
        )
        for kwargs in ({"hours": hours}, {"days": days}):
            expected = deadline_after(start, working=working, calendar=cal, **kwargs)
            got = fast.deadline_after(start, working=working, **kwargs)
            assert got == (expected.at, expected.estimated), (start, kwargs, working)


def test_call_times_parsed_as_a_column_equal_the_row_by_row_parse(city, cat, admin):
    """``_received_column`` parses the export's own format with numpy; every other cell, a time out
    of range, and a chunk with an impossible date go through ``_received``: the same instants and
    the same messages either way."""
    from quanyu.tickets.imports.deadlines import EPOCH_UTC, US
    from quanyu.tickets.imports.rows import Context, _received, _received_column

    ctx = Context(admin, dt.datetime(2026, 12, 3, 4, 5, 6, 789000, tzinfo=dt.UTC), copy=True)
    assert ctx.table is not None  # Beijing time: one offset, so the column path is taken
    cells = [
        "2024-06-01 09:30:00",
        "",
        " 2024-06-01 09:30:00 ",
        "2024/06/01 09:30",
        "2024-06-01T09:30:00",
        "2024-06-01 09:30:00+08:00",
        "2024-06-01",
        "2030-01-01 00:00:00",  # future
        "2016-12-01 00:00:00",  # more than ten years ago
        "2016-12-10 12:00:00",
        "2026-12-03 12:05:06",  # now, in Beijing time
        "2026-12-03 12:05:07",  # a second later
        "2024-06-01 24:00:00",
        "garbage",
        dt.datetime(2024, 6, 1, 9, 30),
        dt.date(2024, 6, 1),
    ]

    def by_rows(values):
        out, bad = [], []
        for i, v in enumerate(values):
            at = _received(v, ctx.now, ctx.local_now)
            if isinstance(at, str):
                out.append(0)
                bad.append((i, at))
            else:
                out.append((at - EPOCH_UTC) // US)
        return out, bad

    for values in (cells, [*cells, "2024-02-30 10:00:00"]):
        got, bad = _received_column(values, ctx)
        expected, expected_bad = by_rows(values)
        assert sorted(bad) == sorted(expected_bad)
        failed = {i for i, _m in bad}
        assert [g for i, g in enumerate(got.tolist()) if i not in failed] == [
            e for i, e in enumerate(expected) if i not in failed
        ]


def test_the_community_and_street_of_a_ticket_stay_protected(city, cat, admin, tmp_path):
    """community/street have no database constraint (copies of the grid's ancestors, see
    docs/ARCHITECTURE.md): deleting either through the ORM still meets PROTECT."""
    from django.db.models.deletion import Collector, ProtectedError

    hotline_import(actor=admin, source=write_csv(tmp_path / "h.csv", [row("P1")]))
    ticket = Ticket.objects.get()
    assert ticket.community_id is not None and ticket.street_id is not None
    for area in (ticket.community, ticket.street):
        with pytest.raises(ProtectedError):
            Collector(using="default").collect([area])
