"""Every wishes list exports to xlsx: the desk (names masked, one audit entry), the wall (public
fields only) and a holder's claims; pages and API."""

from __future__ import annotations

import io

from django.test import Client
from openpyxl import load_workbook

from quanyu.core.models import AuditEntry
from tests.people.helpers import logged_in
from tests.wishes.factories import (
    RESIDENT_NAME,
    RESIDENT_PHONE,
    behalf_wish,
    claimed,
    published,
    resident_wish,
)


def rows(response) -> list[tuple]:
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).active
    return [tuple(r) for r in sheet.iter_rows(values_only=True)]


def test_the_desk_export_masks_the_wisher_and_is_audited(world, city):
    wish = behalf_wish(world)
    resident_wish(city)
    staff = logged_in(city.users["community_x"])
    before = AuditEntry.objects.count()
    table = rows(staff.get("/wishes/manage/export.xlsx?status=all"))
    assert table[0][0] == "编号" and len(table) == 3
    flat = repr(table)
    assert RESIDENT_NAME not in flat and RESIDENT_PHONE not in flat
    assert RESIDENT_NAME[0] + "*" in flat
    assert AuditEntry.objects.count() == before + 1
    api = rows(staff.get("/api/wishes/export/"))
    assert {r[0] for r in api[1:]} >= {wish.pk}
    assert logged_in(city.users["resident"]).get("/wishes/manage/export.xlsx").status_code == 403
    other = rows(logged_in(city.users["community_y"]).get("/api/wishes/export/"))
    assert len(other) == 1  # headers only: nothing of another community


def test_the_wall_export_carries_public_fields_only(world, city):
    published(behalf_wish(world), city)
    for response in (Client().get("/wishes/wall/export.xlsx"), Client().get("/api/wish-wall/export/")):
        table = rows(response)
        assert len(table) == 2 and "某小区" in table[1][2]
        assert RESIDENT_NAME not in repr(table) and RESIDENT_PHONE not in repr(table)


def test_a_holder_exports_the_claims(world, city):
    claim = claimed(world, published(resident_wish(city), city))
    member = logged_in(world.member_users[0])
    for url in ("/wishes/claims/export.xlsx", "/api/wish-claims/export/"):
        table = rows(member.get(url))
        assert [r[0] for r in table[1:]] == [claim.pk]
    assert rows(logged_in(world.member_users[1]).get("/wishes/claims/export.xlsx"))[1:] == []
