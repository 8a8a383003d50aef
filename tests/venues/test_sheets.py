"""The register as xlsx: export, import back (all or nothing) and errors per row; the bulk writers'
checks."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied
from openpyxl import Workbook

from quanyu.core.workflow import ConflictError
from quanyu.venues.models import Booking, Venue
from quanyu.venues.selectors import office_venues_for
from quanyu.venues.services.bulk import PastBooking, VenueSpec, bookings_bulk_record, venues_bulk_create
from quanyu.venues.services.sheets import COLUMNS, venues_export, venues_import
from tests.asserts import nothing_written
from tests.venues.factories import SIX, make_venue, slot


def sheet(rows: list[list]) -> io.BytesIO:
    wb = Workbook()
    ws = wb.active
    ws.append([c.header for c in COLUMNS])
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    return out


def test_export_then_import_round_trip(city):
    make_venue(city, city.communities[0], functions=SIX[:2])
    out = io.BytesIO()
    assert venues_export(venues=office_venues_for(city.users["district_admin"]), target=out) == 1
    out.seek(0)
    Venue.objects.all().delete()
    result = venues_import(actor=city.users["community_x"], source=out)
    assert (result.rows, result.created, result.errors) == (1, 1, [])
    venue = Venue.objects.get()
    assert venue.area == city.communities[0] and venue.rooms.count() == 2
    assert str(venue.floor_area) == "1200.0"


def test_errors_per_row_and_nothing_written(city):
    code0, code2 = city.communities[0].code, city.communities[2].code
    rows = [
        [
            "甲中心",
            "社区党群服务中心",
            code0,
            "使用中",
            1000,
            600,
            "",
            "",
            "",
            "",
            "是",
            "议事厅|协商议事中心|30",
        ],
        ["", "社区党群服务中心", code0, "", 1000, 600],
        ["乙中心", "宫殿", code0],
        ["丙中心", "社区党群服务中心", "nope"],
        ["丁中心", "社区党群服务中心", code2],  # community_x may not manage community 2
        ["戊中心", "社区党群服务中心", code0, "", 100, 200],
        ["己中心", "社区党群服务中心", code0, "", 100, 50, "", "", "", "", "", "书屋"],
    ]
    result = venues_import(actor=city.users["community_x"], source=sheet(rows))
    assert result.created == 0 and not Venue.objects.exists()
    found = {(e.row, e.column) for e in result.errors}
    assert found == {
        (3, "名称"),
        (4, "类型"),
        (5, "所属区域代码"),
        (6, "所属区域代码"),
        (7, "一层面积"),
        (8, "功能室"),
    }
    assert venues_import(actor=city.users["community_x"], source=sheet(rows[:1])).created == 1


def test_bulk_register_checks_the_editor(city):
    spec = VenueSpec(kind="station", area=city.communities[2], name="驿站")
    with nothing_written(city.communities[2]), pytest.raises(PermissionDenied):
        venues_bulk_create(actor=city.users["community_x"], specs=[spec])


def test_bulk_bookings_refuse_overlaps(city, place):
    start, end = slot(-3)
    row = PastBooking(
        room=place.meeting,
        booker=city.users["resident"],
        starts_at=start,
        ends_at=end,
        purpose="x",
        status="used",
        attendance=9,
    )
    made = bookings_bulk_record(actor=city.users["community_x"], rows=[row])
    assert [e.kind for e in made[0].events.order_by("id")] == ["requested", "approved", "used"]
    later = PastBooking(**{**row.__dict__, "starts_at": start + dt.timedelta(minutes=30)})
    with pytest.raises(ConflictError):
        bookings_bulk_record(actor=city.users["community_x"], rows=[later])
    with pytest.raises(ConflictError):
        bookings_bulk_record(
            actor=city.users["community_x"],
            rows=[
                PastBooking(
                    **{
                        **row.__dict__,
                        "starts_at": start + dt.timedelta(days=1),
                        "ends_at": end + dt.timedelta(days=1),
                    }
                ),
                PastBooking(
                    **{
                        **row.__dict__,
                        "starts_at": start + dt.timedelta(days=1, minutes=5),
                        "ends_at": end + dt.timedelta(days=1),
                    }
                ),
            ],
        )
    with pytest.raises(PermissionDenied):
        bookings_bulk_record(actor=city.users["community_y"], rows=[later])
    assert Booking.objects.count() == 1
