"""The tickets API: intake (JSON, multipart, idempotency, bad input), the scoped list and detail,
one POST per step with 403/404/409, rating by token, and the catalogue."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from quanyu.tickets.models import Rating, SupervisionOrder, Ticket, TicketEvent, TicketPhoto, Whistle
from tests.tickets.factories import GRID_111, GRID_211, OUTSIDE, jpeg_bytes, make_catalog, new_ticket

pytestmark = pytest.mark.django_db

URL = "/api/tickets/"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()  # the rating throttle counts in the cache


@pytest.fixture
def cat(city):
    return make_catalog(city)


@pytest.fixture
def as_user(api_client):
    clients: dict[str, Client] = {}

    def get(name: str) -> Client:
        if name not in clients:
            clients[name] = api_client(name)
        return clients[name]

    return get


def counts() -> tuple[int, int, int, int, int]:
    return (
        Ticket.objects.count(),
        TicketEvent.objects.count(),
        TicketPhoto.objects.count(),
        Rating.objects.count(),
        Whistle.objects.count(),
    )


def post(client: Client, url: str, data: dict | None = None, **extra):
    return client.post(url, data or {}, content_type="application/json", **extra)


# ---------------------------------------------------------------- create


def test_create_json_locates_and_suggests(city, cat, as_user, django_assert_max_num_queries):
    client = as_user("resident")
    body = {
        "lon": GRID_111[0],
        "lat": GRID_111[1],
        "text": "小区门口有流动摊贩摆摊占道",
        "contact_phone": "13812345678",
    }
    with django_assert_max_num_queries(30):
        response = post(client, URL, body)
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["grid"]["id"] == city.grids[0].pk
    assert data["street"]["id"] == city.streets[0].pk
    assert data["suggested_category"] == cat["stalls"].pk
    assert data["channel"] == "api"
    assert data["contact_phone"] == "138****5678"
    assert data["is_overdue"] is False and data["status"] == "new"
    detail = client.get(f"{URL}{data['id']}/").json()
    assert [e["kind"] for e in detail["events"]] == ["created"]
    assert {k: v for k, v in detail.items() if k in data} == data
    ticket = Ticket.objects.get(pk=data["id"])
    assert ticket.requester == city.users["resident"] and ticket.contact_phone == "13812345678"


def test_create_query_count_is_pinned(city, cat, as_user, django_assert_num_queries):
    """The intake path's queries per warm create: inside one savepoint (SAVEPOINT + RELEASE = 2)
    the ticket and its event (2 inserts) and the in-app rows of the grid's staff (1 insert). The
    token, the grid's staff, category, grid, catalogue rules and holidays come from the
    per-process caches. No outbox row: none of the test staff has an e-mail address or a phone,
    so no channel delivered later reaches anyone (one that does adds 1 insert). The answer is
    built without reading back."""
    client = as_user("resident")
    body = {"lon": GRID_111[0], "lat": GRID_111[1], "text": "路灯不亮", "category": "0101"}
    post(client, URL, body)  # warm the grid index
    with django_assert_num_queries(QUERIES_PER_CREATE):
        response = post(client, URL, body)
    assert response.status_code == 201


QUERIES_PER_CREATE = 5


def test_create_gcj02_and_category_code(city, cat, as_user):
    from quanyu.core.geo import wgs84_to_gcj02

    x, y = wgs84_to_gcj02(GRID_211[0], GRID_211[1])
    response = post(
        as_user("resident"),
        URL,
        {"lon": float(x), "lat": float(y), "crs": "gcj02", "text": "电梯困人", "category": "0201"},
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["grid"]["id"] == city.grids[4].pk
    assert abs(data["lon"] - GRID_211[0]) < 1e-6 and abs(data["lat"] - GRID_211[1]) < 1e-6
    assert data["category"]["code"] == "0201" and data["tier"] == "street"


def test_create_multipart_with_photo(city, cat, as_user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    photo = SimpleUploadedFile("a.jpg", jpeg_bytes(exif=True), content_type="image/jpeg")
    response = as_user("resident").post(
        URL, {"lon": GRID_111[0], "lat": GRID_111[1], "text": "井盖缺失", "photos": [photo]}
    )
    assert response.status_code == 201, response.content
    photos = as_user("resident").get(f"{URL}{response.json()['id']}/").json()["photos"]
    assert len(photos) == 1 and photos[0]["url"] == f"{URL}{response.json()['id']}/photos/{photos[0]['id']}/"
    assert TicketPhoto.objects.get().ticket_id == response.json()["id"]


def test_idempotency_key_replays_the_first_ticket(city, cat, as_user):
    client = as_user("resident")
    body = {"lon": GRID_111[0], "lat": GRID_111[1], "text": "噪音扰民"}
    first = post(client, URL, body, HTTP_IDEMPOTENCY_KEY="k-123")
    before = counts()
    second = post(client, URL, {**body, "text": "重试"}, HTTP_IDEMPOTENCY_KEY="k-123")
    assert (first.status_code, second.status_code) == (201, 200)
    assert second["Idempotency-Replayed"] == "true" and first["Idempotency-Replayed"] == "false"
    assert second.json()["id"] == first.json()["id"] and second.json()["text"] == "噪音扰民"
    assert counts() == before
    # Another account cannot use (or learn about) the same key.
    other = post(as_user("grid_worker"), URL, body, HTTP_IDEMPOTENCY_KEY="k-123")
    assert other.status_code == 400 and "idempotency_key" in other.json()
    assert counts() == before


def _bad_image():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("x.jpg", b"%PDF-1.4 not an image", content_type="image/jpeg")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"text": "没有位置"}, "lon"),
        ({"text": "市外", "lon": OUTSIDE[0], "lat": OUTSIDE[1]}, "lon"),
        ({"text": "只有经度", "lon": GRID_111[0]}, "lat"),
        ({"text": "坏经度", "lon": "abc", "lat": GRID_111[1]}, "lon"),
        ({"text": "未知事项", "lon": GRID_111[0], "lat": GRID_111[1], "category": "9999"}, "category"),
        ({"text": "大类不行", "lon": GRID_111[0], "lat": GRID_111[1], "category": "01"}, "category"),
        ({"text": "上标数字", "lon": GRID_111[0], "lat": GRID_111[1], "category": "¹"}, "category"),
        ({"text": "", "lon": GRID_111[0], "lat": GRID_111[1]}, "text"),
        ({"text": "   ", "lon": GRID_111[0], "lat": GRID_111[1]}, "text"),
        ({"text": "长" * 2001, "lon": GRID_111[0], "lat": GRID_111[1]}, "text"),
        ({"text": "坐标系", "lon": GRID_111[0], "lat": GRID_111[1], "crs": "epsg3857"}, "crs"),
        ({"text": "渠道", "lon": GRID_111[0], "lat": GRID_111[1], "channel": "open311"}, "channel"),
        ({"text": "电话", "lon": GRID_111[0], "lat": GRID_111[1], "contact_phone": "12ab"}, "contact_phone"),
        ({"text": "区域", "area": 999999}, "area"),
        ({"lon": GRID_111[0], "lat": GRID_111[1]}, "text"),
    ],
)
def test_create_bad_input_is_400_naming_the_field(city, cat, as_user, body, field):
    before = counts()
    response = post(as_user("resident"), URL, body)
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert counts() == before


def test_create_non_image_photo_is_400_and_writes_nothing(city, cat, as_user):
    before = counts()
    response = as_user("resident").post(
        URL, {"lon": GRID_111[0], "lat": GRID_111[1], "text": "照片", "photos": [_bad_image()]}
    )
    assert response.status_code == 400 and "photos" in response.json()
    assert "不是支持的图片" in response.json()["photos"][0]
    assert counts() == before


def test_create_staff_channel_needs_the_role(city, cat, as_user):
    body = {"lon": GRID_111[0], "lat": GRID_111[1], "text": "巡查发现垃圾", "channel": "patrol"}
    before = counts()
    assert post(as_user("resident"), URL, body).status_code == 403
    assert post(as_user("community_y"), URL, body).status_code == 403
    assert counts() == before
    assert post(as_user("grid_worker"), URL, body).status_code == 201


def test_create_and_list_need_an_account(city, cat):
    anonymous = Client()
    before = counts()
    assert post(anonymous, URL, {"text": "x", "lon": GRID_111[0], "lat": GRID_111[1]}).status_code == 401
    assert anonymous.get(URL).status_code == 401
    assert counts() == before


# ---------------------------------------------------------------- list / detail scoping


@pytest.fixture
def two_tickets(city, cat):
    """A ticket in community X (grid 1-1-1, street 1) and one in community Y (grid 2-1-1, street 2)
    by the resident, the second whistled to 区城管局."""
    from quanyu.tickets import services

    x = new_ticket(city, text="占道摆摊")
    y = new_ticket(city, text="电梯停运", point=GRID_211)  # an item handled first by the street
    staff2 = _street2_staff(city)
    y = services.ticket_accept(actor=staff2, ticket=y)
    services.ticket_whistle(actor=staff2, ticket=y, departments=[cat["cg"]], lead=cat["cg"])
    return x, y


def _street2_staff(city):
    from quanyu.core.roles import Role
    from tests.factories import make_user

    if "street2" not in city.users:
        city.users["street2"] = make_user("street2", Role.STREET_STAFF, city.streets[1])
    return city.users["street2"]


SCOPE = {
    "district_admin": {"x", "y"},
    "street_staff": {"x"},
    "community_x": {"x"},
    "community_y": {"y"},
    "grid_worker": {"x"},
    "department_handler": {"y"},
    "housing_handler": set(),
    "resident": {"x", "y"},
    "outsider": set(),
}


@pytest.mark.parametrize(("persona", "visible"), list(SCOPE.items()))
def test_list_and_detail_scoping(city, cat, two_tickets, as_user, persona, visible):
    x, y = two_tickets
    ids = {"x": x.pk, "y": y.pk}
    client = as_user(persona)
    response = client.get(URL)
    assert response.status_code == 200
    assert {r["id"] for r in response.json()["results"]} == {ids[k] for k in visible}
    for key, pk in ids.items():
        detail = client.get(f"{URL}{pk}/")
        assert detail.status_code == (200 if key in visible else 404)


def test_list_query_count_does_not_grow(city, cat, as_user, django_assert_max_num_queries):
    for i in range(3):
        new_ticket(city, text=f"摆摊{i}")
    client = as_user("district_admin")
    with django_assert_max_num_queries(8) as small:
        client.get(URL)
    for i in range(30):
        new_ticket(city, text=f"占道{i}", point=GRID_211 if i % 2 else GRID_111)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(URL)
    assert response.json()["count"] == 33


def test_detail_query_count(city, cat, two_tickets, as_user, django_assert_max_num_queries):
    _x, y = two_tickets
    client = as_user("district_admin")
    # token, grants, ticket, whistles, photos, events, ratings
    with django_assert_max_num_queries(7):
        response = client.get(f"{URL}{y.pk}/")
    data = response.json()
    assert [e["kind"] for e in data["events"]][:2] == ["created", "accepted"]
    assert data["whistles"][0]["department_name"] == "区城管局"


def test_list_filters(city, cat, two_tickets, as_user):
    x, y = two_tickets
    client = as_user("district_admin")

    def ids(query: str) -> set[int]:
        response = client.get(URL + "?" + query)
        assert response.status_code == 200, response.content
        return {r["id"] for r in response.json()["results"]}

    assert ids("status=whistled") == {y.pk}
    assert ids("status=new,whistled") == {x.pk, y.pk}
    assert ids(f"area={city.communities[0].pk}") == {x.pk}
    assert ids(f"area={city.streets[1].pk}") == {y.pk}
    assert ids(f"department={cat['cg'].pk}") == {y.pk}
    assert ids("channel=web") == {x.pk, y.pk}
    assert ids("channel=hotline") == set()
    assert ids("overdue=false") == {x.pk, y.pk}
    assert ids("overdue=true") == set()
    Ticket.objects.filter(pk=x.pk).update(response_due=timezone.now() - dt.timedelta(hours=1))
    assert ids("overdue=true") == {x.pk}
    assert ids("q=电梯") == {y.pk}
    future = (timezone.now() + dt.timedelta(days=1)).isoformat()
    assert ids("created_after=" + future.replace("+", "%2B")) == set()
    assert ids("created_before=" + future.replace("+", "%2B")) == {x.pk, y.pk}
    Ticket.objects.filter(pk=x.pk).update(category=cat["stalls"])
    assert ids("category=0101") == {x.pk}
    assert ids(f"category={cat['env'].pk}") == {x.pk}


@pytest.mark.parametrize(
    ("query", "param"),
    [
        ("status=bogus", "status"),
        ("area=abc", "area"),
        ("overdue=maybe", "overdue"),
        ("category=nope", "category"),
        ("category=%C2%B9", "category"),  # "¹": a digit to str.isdigit, not to int()
        ("channel=fax", "channel"),
        ("created_after=yesterday", "created_after"),
        ("page_size=0", "page_size"),
    ],
)
def test_list_bad_filter_is_400(city, cat, as_user, query, param):
    response = as_user("district_admin").get(URL + "?" + query)
    assert response.status_code == 400 and param in response.json()


# ---------------------------------------------------------------- steps


def act(client: Client, ticket_id: int, step: str, data: dict | None = None):
    return post(client, f"{URL}{ticket_id}/{step}/", data)


def test_whole_loop_through_the_api(city, cat, as_user):
    resident = as_user("resident")
    created = post(resident, URL, {"lon": GRID_111[0], "lat": GRID_111[1], "text": "小区门口摆摊占道"})
    tid = created.json()["id"]
    assert act(as_user("grid_worker"), tid, "escalate", {"reason": "需社区协调"}).status_code == 200
    assert act(as_user("community_x"), tid, "escalate", {"reason": "需街道协调"}).json()["tier"] == "street"
    street = as_user("street_staff")
    assert act(street, tid, "accept").json()["status"] == "in_progress"
    response = act(
        street, tid, "whistle", {"departments": [cat["housing"].pk, cat["cg"].pk], "lead": cat["housing"].pk}
    )
    assert response.status_code == 200 and response.json()["status"] == "whistled"
    assert len(response.json()["whistles"]) == 2
    assert act(as_user("housing_handler"), tid, "respond", {"note": "收到"}).status_code == 200
    assert act(as_user("department_handler"), tid, "respond").status_code == 200
    # The lead answers for all: it waits for the assisting part, or says why it goes first.
    early = act(as_user("housing_handler"), tid, "resolve", {"explanation": "已清理摊位"})
    assert early.status_code == 400 and "区城管局" in early.json()["override_reason"][0]
    part = act(as_user("department_handler"), tid, "resolve", {"explanation": "已清理占道摊位"})
    assert part.status_code == 200 and part.json()["status"] == "whistled"
    resolved = act(as_user("housing_handler"), tid, "resolve", {"explanation": "已清理摊位"})
    assert resolved.status_code == 200 and resolved.json()["status"] == "resolved"
    link = act(street, tid, "rating-link")
    assert link.status_code == 200
    rated = post(Client(), URL + "rate/", {"token": link.json()["token"], "level": "satisfied"})
    assert rated.status_code == 200 and rated.json()["ticket_status"] == "closed"
    detail = resident.get(f"{URL}{tid}/").json()
    kinds = [e["kind"] for e in detail["events"]]
    assert kinds[-2:] == ["rated", "closed"] and "whistle_resolved" in kinds
    assert detail["ratings"][0]["level"] == "satisfied"


def test_rating_token_used_twice_or_forged(city, cat, as_user):
    ticket = new_ticket(city, text="路灯不亮")
    grid = as_user("grid_worker")
    act(grid, ticket.pk, "accept")
    act(grid, ticket.pk, "resolve", {"explanation": "已修好"})
    token = act(grid, ticket.pk, "rating-link").json()["token"]
    anonymous = Client()
    forged = [f"{ticket.pk}.forged-secret", "garbage", f"{ticket.pk + 1000}.x", "", "¹.abc", "9" * 30 + ".x"]
    before = counts()
    for bad in forged:
        response = post(anonymous, URL + "rate/", {"token": bad, "level": "satisfied"})
        assert response.status_code == 400 and "token" in response.json()
    assert post(anonymous, URL + "rate/", {"token": token, "level": "great"}).status_code == 400
    assert counts() == before
    assert post(anonymous, URL + "rate/", {"token": token, "level": "basically"}).status_code == 200
    before = counts()
    again = post(anonymous, URL + "rate/", {"token": token, "level": "dissatisfied", "comment": "x"})
    assert again.status_code == 400 and "已使用" in again.json()["token"][0]
    assert counts() == before


def test_rating_by_token_is_throttled(city, cat):
    anonymous = Client()
    codes = [
        post(anonymous, URL + "rate/", {"token": "1.x", "level": "satisfied"}).status_code for _ in range(25)
    ]
    assert codes[0] == 400 and codes[-1] == 429


def test_forbidden_in_scope_is_403_out_of_scope_is_404(city, cat, as_user):
    ticket = new_ticket(city)
    before = counts()
    assert act(as_user("resident"), ticket.pk, "accept").status_code == 403  # own ticket, not staff
    assert act(as_user("community_y"), ticket.pk, "accept").status_code == 404
    assert act(as_user("outsider"), ticket.pk, "accept").status_code == 404
    assert act(as_user("housing_handler"), ticket.pk, "accept").status_code == 404
    assert act(Client(), ticket.pk, "accept").status_code == 401
    assert counts() == before


def test_transition_conflict_is_409_in_chinese(city, cat, as_user):
    ticket = new_ticket(city)
    grid = as_user("grid_worker")
    assert act(grid, ticket.pk, "accept").status_code == 200
    before = counts()
    again = act(grid, ticket.pk, "accept")
    assert again.status_code == 409
    assert "不能受理" in again.json()["detail"]
    assert act(grid, ticket.pk, "close").status_code == 409
    assert counts() == before


def test_steps_validate_their_input(city, cat, as_user):
    ticket = new_ticket(city)
    grid = as_user("grid_worker")
    before = counts()
    assert "reason" in act(grid, ticket.pk, "escalate", {"reason": ""}).json()
    assert "assignee" in act(grid, ticket.pk, "assign", {"assignee": "x"}).json()
    assert "category" in act(grid, ticket.pk, "categorise", {"category": "zzz"}).json()
    assert "into" in act(grid, ticket.pk, "merge", {"into": 999999}).json()
    assert "target" in act(grid, ticket.pk, "transfer-emergency", {"target": "911"}).json()
    assert counts() == before


def test_assign_categorise_merge_cancel(city, cat, as_user):
    original = new_ticket(city, text="占道摆摊")
    duplicate = new_ticket(city, text="又有人摆摊占道")
    community = as_user("community_x")
    assigned = act(community, original.pk, "assign", {"assignee": city.users["grid_worker"].pk})
    assert assigned.status_code == 200 and assigned.json()["assignee"] == city.users["grid_worker"].pk
    categorised = act(community, original.pk, "categorise", {"category": "0101"})
    assert categorised.json()["category"]["code"] == "0101"
    merged = act(community, duplicate.pk, "merge", {"into": original.pk, "reason": "重复"})
    assert merged.status_code == 200 and merged.json()["status"] == "merged"
    assert merged.json()["merged_into"] == original.pk
    third = new_ticket(city, text="不需要了")
    cancelled = act(as_user("resident"), third.pk, "cancel")
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"


def test_supervise_reopen_close_callback(city, cat, as_user):
    ticket = new_ticket(city)
    street = as_user("street_staff")
    assert act(as_user("community_x"), ticket.pk, "supervise", {"reason": "督办"}).status_code == 403
    supervised = act(street, ticket.pk, "supervise", {"reason": "请尽快处理"})
    assert supervised.status_code == 200 and SupervisionOrder.objects.filter(ticket=ticket).count() == 1
    grid = as_user("grid_worker")
    act(grid, ticket.pk, "accept")
    act(grid, ticket.pk, "resolve", {"explanation": "已处理"})
    assert act(grid, ticket.pk, "close").json()["status"] == "closed"
    callback = act(street, ticket.pk, "callback", {"level": "satisfied", "comment": "电话回访满意"})
    assert callback.status_code == 200 and callback.json()["ratings"][-1]["via"] == "callback"
    reopened = act(street, ticket.pk, "reopen", {"reason": "问题复发"})
    assert reopened.status_code == 200 and reopened.json()["status"] == "in_progress"


def test_return_withdraw_appeal_transfer(city, cat, as_user):
    from tests.tickets.factories import whistled

    ticket, _lead, _assist = whistled(city, cat)
    street = as_user("street_staff")
    returned = act(as_user("housing_handler"), ticket.pk, "return", {"reason": "不属于本部门"})
    assert returned.status_code == 200
    assert {w["status"] for w in returned.json()["whistles"]} == {"returned", "pending"}
    withdrawn = act(street, ticket.pk, "withdraw", {"reason": "改派", "whistle": _assist.pk})
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "in_progress"
    act(street, ticket.pk, "whistle", {"departments": [cat["cg"].pk], "lead": cat["cg"].pk})
    cg = as_user("department_handler")
    act(cg, ticket.pk, "respond")
    act(cg, ticket.pk, "resolve", {"explanation": "已修复"})
    # The requester is dissatisfied twice: reopen once, then the ledger; the department appeals.
    resident = as_user("resident")
    assert act(resident, ticket.pk, "rate", {"level": "dissatisfied", "comment": "没修好"}).status_code == 200
    act(street, ticket.pk, "resolve", {"explanation": "再次修复"})
    assert (
        act(resident, ticket.pk, "rate", {"level": "dissatisfied", "comment": "仍未修好"}).status_code == 200
    )
    rating = Rating.objects.filter(ticket=ticket).latest("id")
    appealed = act(cg, ticket.pk, "appeal", {"rating": rating.pk, "reason": "已按规范修复"})
    assert appealed.status_code == 200
    decided = act(
        street, ticket.pk, "appeal-decide", {"rating": rating.pk, "upheld": True, "note": "申诉成立"}
    )
    assert decided.status_code == 200 and decided.json()["ratings"][-1]["appeal_status"] == "upheld"
    other = new_ticket(city, text="燃气泄漏")
    transferred = act(as_user("grid_worker"), other.pk, "transfer-emergency", {"target": "119"})
    assert transferred.status_code == 200 and transferred.json()["status"] == "transferred"


def test_department_handler_cannot_step_on_tickets_not_whistled_to_it(city, cat, as_user):
    from tests.tickets.factories import whistled

    ticket, _lead, _assist = whistled(city, cat)
    before = counts()
    # 区城管局 (department_handler) assists; responding to the lead's whistle is not its job.
    response = act(as_user("department_handler"), ticket.pk, "respond", {"whistle": _lead.pk})
    assert response.status_code == 403
    assert counts() == before


# ---------------------------------------------------------------- catalogue


def test_catalog_categories_tree(city, cat):
    response = Client().get("/api/catalog/categories/")
    assert response.status_code == 200
    tree = {c["code"]: [i["code"] for i in c["items"]] for c in response.json()}
    assert tree == {"01": ["0101"], "02": ["0201", "0202"]}


def test_schema_has_the_ticket_paths():
    from drf_spectacular.generators import SchemaGenerator

    paths = SchemaGenerator().get_schema(request=None, public=True)["paths"]
    for p in ["/api/tickets/", "/api/tickets/{id}/", "/api/tickets/{id}/whistle/", "/api/tickets/rate/"]:
        assert p in paths
