"""Issue 13 point 13: the member and resident registers list names in pinyin order (安 before 陈
before 李 before 欧阳 before 王 before 张), not in code-point order (安 张 李 欧 王 陈), on the
page, in the API and in the xlsx exports, sorted and paginated by the database on a stored key;
and a page costs the same number of queries however many people the register holds."""

from __future__ import annotations

import importlib
import io
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from quanyu.accounts.models import User
from quanyu.people import services
from quanyu.people.models import PartyMember, Resident, name_sort_key
from quanyu.people.services import ResidentSpec
from tests.people.helpers import add_member, logged_in, make_id, phone

pytestmark = pytest.mark.django_db

# Inserted in this order, which is neither the pinyin order nor the code-point order.
NAMES = ["张伟", "李娜", "安雅", "王芳", "陈静", "欧阳明"]
PINYIN = ["安雅", "陈静", "李娜", "欧阳明", "王芳", "张伟"]


def _xlsx_names(content: bytes) -> list[str]:
    rows = list(load_workbook(io.BytesIO(content), read_only=True).active.iter_rows(values_only=True))
    column = list(rows[0]).index("姓名")
    return [row[column] for row in rows[1:]]


@pytest.fixture
def members(city, branches):
    return [add_member(city, branches, seq, name=name) for seq, name in enumerate(NAMES, start=1)]


@pytest.fixture
def residents(city):
    # Through the bulk writer (the import's and the demo's path), which bypasses Model.save.
    services.residents_bulk_create(
        actor=city.users["district_admin"],
        residents=[
            ResidentSpec(name=name, id_number=make_id(seq), community=city.communities[0], phone=phone(seq))
            for seq, name in enumerate(NAMES, start=1)
        ],
    )


def test_the_code_point_order_is_not_the_pinyin_order():
    assert sorted(NAMES) != PINYIN
    assert sorted(NAMES, key=name_sort_key) == PINYIN


def test_members_page_api_and_export_in_pinyin_order(members, city):
    client = logged_in(city.users["community_x"])
    page = client.get("/people/members/")
    assert [m.name for m in page.context["page"].object_list] == PINYIN
    api = [client.get(f"/api/members/?page_size=2&page={n}").json() for n in (1, 2, 3)]
    assert [m["name"] for body in api for m in body["results"]] == PINYIN
    assert _xlsx_names(client.get("/people/members/export.xlsx").content) == PINYIN
    assert _xlsx_names(client.get("/api/members/export/").content) == PINYIN
    User.objects.filter(pk=city.users["community_x"].pk).update(is_staff=True)
    admin = logged_in(User.objects.get(pk=city.users["community_x"].pk)).get("/admin/people/partymember/")
    assert [m.name for m in admin.context["cl"].result_list] == PINYIN


def test_residents_page_api_and_export_in_pinyin_order(residents, city):
    client = logged_in(city.users["community_x"])
    page = client.get("/people/residents/")
    assert [r.name for r, _phone, _tags in page.context["rows"]] == PINYIN
    api = [client.get(f"/api/residents/?page_size=4&page={n}").json() for n in (1, 2)]
    assert [r["name"] for body in api for r in body["results"]] == PINYIN
    assert _xlsx_names(client.get("/api/residents/export/").content) == PINYIN


def test_the_key_follows_the_name(members, city):
    """Every write keeps the key: the service's save, and anonymisation's new name."""
    assert all(m.name_key == name_sort_key(m.name) for m in PartyMember.objects.all())
    assert all(r.name_key == name_sort_key(r.name) for r in Resident.objects.all())
    zhang = PartyMember.objects.get(name="张伟")
    services.person_anonymise(actor=city.users["district_admin"], person=zhang, reason="保存期满")
    zhang.refresh_from_db()
    assert zhang.name_key == name_sort_key(zhang.name) != name_sort_key("张伟")


def test_a_page_costs_the_same_queries_for_more_people(members, city, branches):
    client = logged_in(city.users["community_x"])
    client.get("/people/members/")  # warm the session and per-process caches

    def cost() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as page:
            assert client.get("/people/members/").status_code == 200
        with CaptureQueriesContext(connection) as api:
            assert client.get("/api/members/?page_size=50").status_code == 200
        return len(page), len(api)

    few = cost()
    for seq in range(10, 40):
        add_member(city, branches, seq, name=f"{'赵钱孙李周吴郑王'[seq % 8]}{seq}")
    assert cost() == few


def test_the_migration_fills_the_keys_of_existing_rows(members, residents):
    """Rows written before the column existed get their key from the migration's batched UPDATEs."""
    PartyMember.objects.update(name_key="")
    Resident.objects.update(name_key="")
    migration = importlib.import_module("quanyu.people.migrations.0006_name_key")
    migration.fill_keys(apps, SimpleNamespace(connection=connection))
    for model in (PartyMember, Resident):
        assert [p.name for p in model.objects.order_by("name_key", "id")] == PINYIN
        assert all(p.name_key == name_sort_key(p.name) for p in model.objects.all())
