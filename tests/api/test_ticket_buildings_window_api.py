"""The tickets API for building heads (scope by building: list, detail, intake, 403 on handling),
the one-window notice and supplement steps (``notice/``, ``materials/``, ``notice_missing`` at
intake) and the contact e-mail (validated, stored encrypted, masked in every answer)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client

from quanyu.areas.models import AreaKind
from quanyu.core.roles import Role
from quanyu.tickets.models import Channel, EventKind, Ticket, TicketEvent
from tests.factories import add_area, make_user
from tests.tickets.factories import GRID_111, make_catalog, new_ticket

pytestmark = pytest.mark.django_db

URL = "/api/tickets/"


@pytest.fixture
def cat(city):
    return make_catalog(city)


@pytest.fixture
def block(city):
    grid = city.grids[0]
    b = add_area(grid, AreaKind.BUILDING, f"{grid.name}-2号楼", lon=GRID_111[0], lat=GRID_111[1])
    make_user("louzhang_a", Role.BUILDING_HEAD, city.buildings[0])
    make_user("louzhang_b", Role.BUILDING_HEAD, b)
    return {"a": city.buildings[0], "b": b}


@pytest.fixture
def as_user(api_client):
    clients: dict[str, Client] = {}

    def get(name: str) -> Client:
        if name not in clients:
            clients[name] = api_client(name)
        return clients[name]

    return get


def post(client: Client, url: str, data: dict | None = None):
    return client.post(url, data or {}, content_type="application/json")


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def counts() -> tuple[int, int]:
    return Ticket.objects.count(), TicketEvent.objects.count()


# ---------------------------------------------------------------- building heads


def test_building_head_reports_through_the_api_and_it_is_located(city, cat, block, as_user):
    head = as_user("louzhang_a")
    response = post(head, URL, {"text": "楼道灯坏了", "channel": "patrol", "building": block["a"].pk})
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["building"] == {"id": block["a"].pk, "name": block["a"].name}
    assert data["grid"]["id"] == city.grids[0].pk and data["community"]["id"] == city.communities[0].pk
    assert data["tier"] == "grid" and data["channel"] == "patrol"
    # With a point instead, their own building is recorded.
    response = post(
        head, URL, {"text": "单元门坏了", "channel": "patrol", "lon": GRID_111[0], "lat": GRID_111[1]}
    )
    assert response.status_code == 201 and response.json()["building"]["id"] == block["a"].pk


def test_building_head_cannot_report_for_the_neighbour(city, cat, block, as_user):
    before = counts()
    response = post(
        as_user("louzhang_a"), URL, {"text": "外墙脱落", "channel": "patrol", "building": block["b"].pk}
    )
    assert response.status_code == 403
    response = post(as_user("louzhang_a"), URL, {"text": "外墙脱落", "channel": "patrol", "building": 999999})
    assert response.status_code == 400 and "building" in response.json()
    response = post(
        as_user("louzhang_a"), URL, {"text": "外墙脱落", "channel": "patrol", "building": city.grids[0].pk}
    )
    assert response.status_code == 400 and "building" in response.json()
    assert counts() == before


def test_building_head_scope_matrix(city, cat, block, as_user):
    own = post(
        as_user("louzhang_a"), URL, {"text": "1号楼楼道堆物", "channel": "patrol", "building": block["a"].pk}
    )
    theirs = post(
        as_user("louzhang_b"), URL, {"text": "2号楼水管漏水", "channel": "patrol", "building": block["b"].pk}
    )
    own_id, theirs_id = own.json()["id"], theirs.json()["id"]
    elsewhere = new_ticket(city, text="路口有人摆摊").pk
    head = as_user("louzhang_a")
    assert ids(head.get(URL)) == {own_id}
    assert ids(as_user("louzhang_b").get(URL)) == {theirs_id}
    assert ids(head.get(f"{URL}?mine=true")) == {own_id}
    assert head.get(f"{URL}{own_id}/").status_code == 200
    for other in (theirs_id, elsewhere):
        assert head.get(f"{URL}{other}/").status_code == 404
        assert post(head, f"{URL}{other}/escalate/", {"reason": "x"}).status_code == 404
    # Visible but not theirs to handle: 403, nothing written.
    before = counts()
    assert post(head, f"{URL}{own_id}/accept/").status_code == 403
    assert counts() == before
    # The grid worker sees and handles both.
    worker = as_user("grid_worker")
    assert {own_id, theirs_id, elsewhere} <= ids(worker.get(URL))
    assert post(worker, f"{URL}{own_id}/accept/").status_code == 200
    events = head.get(f"{URL}{own_id}/").json()["events"]
    assert [e["kind"] for e in events] == ["created", "accepted"]


# ---------------------------------------------------------------- one-window notice


def window_body(cat, city, **extra) -> dict:
    body = {
        "text": "【装修备案】",
        "channel": "window",
        "area": city.communities[0].pk,
        "category": cat["permit"].code,
        "contact_name": "张三",
        "contact_phone": "13912345678",
        "materials": ["身份证"],
    }
    body.update(extra)
    return body


def test_window_intake_with_missing_materials_is_400_unless_noticed(city, cat, as_user):
    desk = as_user("community_x")
    before = counts()
    response = post(desk, URL, window_body(cat, city))
    assert response.status_code == 400 and "房产证" in str(response.json()["materials"])
    assert counts() == before
    response = post(desk, URL, window_body(cat, city, notice_missing=True))
    assert response.status_code == 201, response.content
    detail = desk.get(f"{URL}{response.json()['id']}/").json()
    assert detail["missing_materials"] == ["房产证"] and detail["materials_notice_at"]
    assert detail["response_due"] is None and detail["completion_due"] is None
    assert [e["kind"] for e in detail["events"]] == ["created", "window_notice"]
    assert detail["events"][1]["payload"]["missing"] == ["房产证"]


def test_notice_and_materials_steps(city, cat, as_user):
    desk = as_user("community_x")
    created = post(desk, URL, window_body(cat, city, materials=["身份证", "房产证"])).json()
    url = f"{URL}{created['id']}"
    # Out of scope: 404; in scope without the desk role: 403; nothing written.
    before = counts()
    assert post(as_user("community_y"), f"{url}/notice/", {"missing": ["房产证"]}).status_code == 404
    assert post(as_user("grid_worker"), f"{url}/notice/", {"missing": ["房产证"]}).status_code == 404
    assert post(as_user("street_staff"), f"{url}/notice/", {"missing": ["户口本"]}).status_code == 400
    assert post(desk, f"{url}/notice/", {"missing": "房产证"}).status_code == 400
    assert counts() == before
    response = post(desk, f"{url}/notice/", {"missing": ["房产证"], "note": "复印件不清晰"})
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["missing_materials"] == ["房产证"] and data["events"][-1]["kind"] == "window_notice"
    assert data["completion_due"] is None
    assert post(desk, f"{url}/accept/").status_code == 409
    assert post(desk, f"{url}/materials/", {"materials": []}).status_code == 400
    response = post(desk, f"{url}/materials/", {"materials": ["房产证"]})
    assert response.status_code == 200
    data = response.json()
    assert data["missing_materials"] == [] and data["materials_notice_at"] is None
    assert data["completion_due"] is not None and data["events"][-1]["kind"] == "materials_received"
    assert post(desk, f"{url}/accept/").status_code == 200
    assert post(desk, f"{url}/notice/", {"missing": ["房产证"]}).status_code == 409
    assert TicketEvent.objects.filter(ticket_id=created["id"], kind=EventKind.WINDOW_NOTICE).count() == 1


def test_notice_and_materials_are_in_the_schema(city, as_user):
    schema = Client().get("/api/schema/?format=json")
    if schema.status_code != 200:
        schema = as_user("district_admin").get("/api/schema/?format=json")
    paths = schema.json()["paths"]
    assert "post" in paths["/api/tickets/{id}/notice/"]
    assert "post" in paths["/api/tickets/{id}/materials/"]
    create = paths["/api/tickets/"]["post"]["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    component = schema.json()["components"]["schemas"][create.rsplit("/", 1)[-1]]
    assert {"building", "contact_email", "notice_missing"} <= set(component["properties"])


# ---------------------------------------------------------------- contact e-mail


def test_contact_email_is_validated_stored_encrypted_and_masked(city, cat, as_user):
    client = as_user("resident")
    body = {
        "lon": GRID_111[0],
        "lat": GRID_111[1],
        "text": "路灯不亮",
        "contact_email": "Zhang.San@Example.COM",
    }
    response = post(client, URL, body)
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["contact_email"] == "Z***@example.com"
    ticket = Ticket.objects.get(pk=data["id"])
    assert ticket.contact_email == "Zhang.San@example.com"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT contact_email FROM {Ticket._meta.db_table} WHERE id = %s", [ticket.pk])
        stored = cursor.fetchone()[0]
    assert stored.startswith("enc1:") and "example" not in stored
    detail = client.get(f"{URL}{ticket.pk}/").json()
    assert detail["contact_email"] == "Z***@example.com"
    listed = client.get(URL).json()["results"]
    assert listed[0]["contact_email"] == "Z***@example.com"
    assert "Zhang.San" not in str(detail) + str(listed)


@pytest.mark.parametrize("bad", ["not-an-email", "a@b", "两个@@example.com", "x" * 250 + "@example.com"])
def test_bad_contact_email_is_a_400_naming_the_field(city, cat, as_user, bad):
    before = counts()
    body = {"lon": GRID_111[0], "lat": GRID_111[1], "text": "路灯不亮", "contact_email": bad}
    response = post(as_user("resident"), URL, body)
    assert response.status_code == 400 and "contact_email" in response.json()
    assert counts() == before


def test_window_desk_channel_keeps_the_email_too(city, cat, as_user):
    response = post(
        as_user("community_x"),
        URL,
        window_body(cat, city, materials=["身份证", "房产证"], contact_email="li@example.org"),
    )
    assert response.status_code == 201
    ticket = Ticket.objects.get(pk=response.json()["id"])
    assert ticket.contact_email == "li@example.org" and ticket.channel == Channel.WINDOW
