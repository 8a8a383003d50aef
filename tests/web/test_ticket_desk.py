"""The front desk (一窗受理), rating appeals, the re-handling ledger and the callback worklist through
Django's test client: each page for each persona, scoping (out of scope is a 404), the one service
each form calls (state, rows and events written), refusals that change nothing, errors in Chinese,
and flat query counts."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import translation

from quanyu.accounts.models import User
from quanyu.core.models import AuditEntry
from quanyu.core.roles import Role
from quanyu.tickets import services
from quanyu.tickets.models import Channel, EventKind, Rating, RehandlingEntry, Ticket, TicketEvent
from tests.factories import make_user
from tests.tickets.factories import GRID_111, assist_finished, make_catalog, new_ticket, whistled

pytestmark = pytest.mark.django_db

PERSONAS = [
    "district_admin",
    "street_staff",
    "community_x",
    "community_y",
    "grid_worker",
    "department_handler",
    "resident",
    "outsider",
]
PAGES = {
    "/tickets/window/": {"community_x", "community_y", "street_staff", "district_admin"},
    "/tickets/appeals/": {"street_staff", "district_admin", "department_handler"},
    "/tickets/rehandling/": {"community_x", "community_y", "street_staff", "district_admin"},
    "/tickets/callbacks/": {"community_x", "community_y", "street_staff", "district_admin"},
}


@pytest.fixture(autouse=True)
def chinese():
    with translation.override("zh-hans"):
        yield


@pytest.fixture
def cat(city):
    return make_catalog(city)


def client_for(username: str | None) -> Client:
    client = Client()
    if username:
        client.force_login(User.objects.get(username=username))
    return client


def body(response) -> str:
    return response.content.decode()


def kinds(ticket: Ticket) -> list[str]:
    return list(TicketEvent.objects.filter(ticket=ticket).order_by("at", "id").values_list("kind", flat=True))


def resolved_by_departments(city, cat, text: str = "电梯停运三天了", phone: str = "13812345678") -> Ticket:
    """Whistled to 区住建局 (lead) and 区城管局, both respond, the assist finishes, the lead resolves."""
    ticket = new_ticket(city, text=text, contact_phone=phone)
    ticket, lead, assist = whistled(city, cat, ticket)
    u = city.users
    services.whistle_respond(actor=u["housing_handler"], whistle=lead)
    assist_finished(city, assist)
    services.whistle_resolve(actor=u["housing_handler"], whistle=lead, explanation="已更换电梯主板")
    return Ticket.objects.get(pk=ticket.pk)


@pytest.fixture
def dissatisfied(city, cat, settings):
    """A ticket handled by two departments, rated 不满意 with no reopen left: closed, in the ledger."""
    settings.QUANYU_TICKET_REOPEN_LIMIT = 0
    ticket = resolved_by_departments(city, cat)
    rating = services.ticket_rate(
        actor=city.users["resident"], ticket=ticket, level="dissatisfied", comment="还是经常停"
    )
    return Ticket.objects.get(pk=ticket.pk), rating


# --- who opens which page -----------------------------------------------------------------------


@pytest.mark.parametrize("url", list(PAGES))
@pytest.mark.parametrize("persona", PERSONAS)
def test_each_page_for_each_persona(city, cat, url, persona):
    response = client_for(persona).get(url)
    if persona in PAGES[url]:
        assert response.status_code == 200, (url, persona)
        assert "<h1>" in body(response)
    else:
        assert response.status_code == 403, (url, persona)
        assert "此页面不属于您的岗位" in body(response)


@pytest.mark.parametrize("url", list(PAGES))
def test_anonymous_is_sent_to_login(city, url):
    response = Client().get(url)
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_nav_shows_the_new_pages_to_their_roles(city):
    def keys(persona: str) -> set[str]:
        return {e.key for e in client_for(persona).get("/").context["nav"]}

    assert {"ticket_window", "ticket_rehandling", "ticket_callbacks"} <= keys("community_x")
    assert "ticket_appeals" not in keys("community_x")
    assert {"ticket_window", "ticket_appeals", "ticket_rehandling", "ticket_callbacks"} <= keys(
        "street_staff"
    )
    assert "ticket_appeals" in keys("department_handler")
    assert not {"ticket_window", "ticket_rehandling", "ticket_callbacks"} & keys("department_handler")
    assert not {"ticket_window", "ticket_appeals", "ticket_rehandling", "ticket_callbacks"} & keys("resident")


# --- front desk ---------------------------------------------------------------------------------


def desk_data(city, cat, **extra) -> dict:
    data = {
        "item": cat["permit"].pk,
        "materials": ["身份证", "房产证"],
        "contact_name": "张三",
        "contact_phone": "13912345678",
        "area": city.communities[0].pk,
        "address": "幸福路 8 号 2 单元",
        "note": "厨房改造",
    }
    data.update(extra)
    return data


def test_desk_offers_only_one_window_items_and_lists_the_materials(city, cat):
    client = client_for("community_x")
    page = body(client.get("/tickets/window/"))
    assert "装修备案" in page and "占道经营" not in page and "电梯故障" not in page
    page = body(client.get(f"/tickets/window/?item={cat['permit'].pk}"))
    assert "申请材料核对" in page and "身份证" in page and "房产证" in page
    assert 'value="身份证"' in page
    partial = client.get(f"/tickets/window/?item={cat['permit'].pk}", HTTP_HX_REQUEST="true")
    assert "<h1>" not in body(partial) and "房产证" in body(partial)


def test_desk_registers_a_window_ticket_and_shows_the_receipt(city, cat):
    client = client_for("community_x")
    response = client.post("/tickets/window/", desk_data(city, cat))
    ticket = Ticket.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/tickets/window/{ticket.pk}/receipt/"
    assert ticket.channel == Channel.WINDOW and ticket.category == cat["permit"]
    assert ticket.materials == ["身份证", "房产证"]
    assert ticket.community == city.communities[0] and ticket.tier == "community"
    assert ticket.created_by == city.users["community_x"] and ticket.requester is None
    assert ticket.contact_phone_hash and "装修备案" in ticket.text and "厨房改造" in ticket.text
    assert kinds(ticket) == [EventKind.CREATED]
    receipt = body(client.get(response["Location"]))
    assert "受理回执" in receipt and f"#{ticket.pk}" in receipt
    assert ticket.completion_due.astimezone().strftime("%Y-%m-%d") in receipt
    assert "139****5678" in receipt and "13912345678" not in receipt
    assert "data-print" in receipt and "<script>" not in receipt


def test_missing_materials_give_the_one_time_notice_and_register_nothing(city, cat):
    response = client_for("community_x").post("/tickets/window/", desk_data(city, cat, materials=["身份证"]))
    page = body(response)
    assert response.status_code == 200
    assert "一次性告知单" in page and "房产证" in page and "张三" in page
    assert Ticket.objects.count() == 0 and TicketEvent.objects.count() == 0


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"contact_phone": "12ab"}, "联系电话格式不正确"),
        ({"contact_name": ""}, "请填写申请人姓名"),
        ({"contact_phone": ""}, "请填写联系电话"),
        ({"area": ""}, "请选择所属社区或街道"),
    ],
)
def test_bad_desk_input_is_400_in_chinese(city, cat, extra, message):
    response = client_for("community_x").post("/tickets/window/", desk_data(city, cat, **extra))
    assert response.status_code == 400
    assert message in body(response)
    assert Ticket.objects.count() == 0


def test_desk_refuses_an_item_that_is_not_one_window(city, cat):
    response = client_for("community_x").post("/tickets/window/", desk_data(city, cat, item=cat["stalls"].pk))
    assert response.status_code == 400
    assert "请选择一个一窗受理事项" in body(response)
    assert Ticket.objects.count() == 0


def test_desk_cannot_register_for_another_community(city, cat):
    response = client_for("community_y").post("/tickets/window/", desk_data(city, cat))
    assert response.status_code == 400
    assert "选择一个有效的选项" in body(response)
    assert Ticket.objects.count() == 0


def test_street_desk_registers_for_its_communities(city, cat):
    response = client_for("street_staff").post(
        "/tickets/window/", desk_data(city, cat, area=city.communities[1].pk)
    )
    assert response.status_code == 302
    assert Ticket.objects.get().community == city.communities[1]


def test_receipt_is_scoped_and_only_for_window_tickets(city, cat):
    client_for("community_x").post("/tickets/window/", desk_data(city, cat))
    ticket = Ticket.objects.get()
    assert client_for("street_staff").get(f"/tickets/window/{ticket.pk}/receipt/").status_code == 200
    assert client_for("community_y").get(f"/tickets/window/{ticket.pk}/receipt/").status_code == 404
    assert client_for("grid_worker").get(f"/tickets/window/{ticket.pk}/receipt/").status_code == 403
    web = new_ticket(city)
    assert client_for("community_x").get(f"/tickets/window/{web.pk}/receipt/").status_code == 404


# --- rating appeals -----------------------------------------------------------------------------


def test_departments_that_handled_the_ticket_may_appeal_from_its_page(city, cat, dissatisfied):
    ticket, _rating = dissatisfied
    for persona in ("housing_handler", "department_handler"):
        page = body(client_for(persona).get(f"/tickets/{ticket.pk}/"))
        assert "申诉该评价" in page, persona
    for persona in ("resident", "street_staff", "community_x"):
        assert "申诉该评价" not in body(client_for(persona).get(f"/tickets/{ticket.pk}/")), persona


def test_appeal_needs_a_reason(city, cat, dissatisfied):
    ticket, rating = dissatisfied
    before = kinds(ticket)
    response = client_for("housing_handler").post(f"/tickets/{ticket.pk}/ratings/{rating.pk}/appeal/", {})
    assert response.status_code == 400
    assert "请填写申诉理由" in body(response)
    assert kinds(ticket) == before and Rating.objects.get(pk=rating.pk).appeal_status == ""


def test_appeal_by_someone_else_is_refused_and_changes_nothing(city, cat, dissatisfied):
    ticket, rating = dissatisfied
    before = kinds(ticket)
    response = client_for("resident").post(
        f"/tickets/{ticket.pk}/ratings/{rating.pk}/appeal/", {"reason": "不合理"}
    )
    assert response.status_code == 403
    assert kinds(ticket) == before and Rating.objects.get(pk=rating.pk).appeal_status == ""
    response = client_for("community_y").post(
        f"/tickets/{ticket.pk}/ratings/{rating.pk}/appeal/", {"reason": "不合理"}
    )
    assert response.status_code == 404


def test_appeal_then_street_upholds_it(city, cat, dissatisfied):
    ticket, rating = dissatisfied
    handler = client_for("housing_handler")
    response = handler.post(
        f"/tickets/{ticket.pk}/ratings/{rating.pk}/appeal/", {"reason": "电梯已修好，停运系停电所致"}
    )
    assert response.status_code == 302
    rating.refresh_from_db()
    assert rating.appeal_status == Rating.Appeal.PENDING and rating.appeal_unit == cat["housing"]
    assert kinds(ticket)[-1] == EventKind.APPEALED
    # The department follows it; the street decides it.
    assert "申诉待裁定" in body(client_for("department_handler").get("/tickets/appeals/"))
    assert "确认裁定申诉" not in body(client_for("department_handler").get("/tickets/appeals/"))
    street = client_for("street_staff")
    page = body(street.get("/tickets/appeals/"))
    assert f"#{ticket.pk}" in page and "停运系停电所致" in page and "裁定申诉" in page
    response = street.post(
        f"/tickets/{ticket.pk}/ratings/{rating.pk}/decide/",
        {"upheld": "1", "note": "经核实属实", "next": "/tickets/appeals/"},
    )
    assert response.status_code == 302 and response["Location"] == "/tickets/appeals/"
    rating.refresh_from_db()
    assert rating.appeal_status == Rating.Appeal.UPHELD and rating.counts is False
    assert kinds(ticket)[-1] == EventKind.APPEAL_DECIDED
    detail = body(street.get(f"/tickets/{ticket.pk}/"))
    assert "部门申诉" in detail and "申诉裁定：成立" in detail and "经核实属实" in detail
    assert "没有待裁定的申诉" in body(street.get("/tickets/appeals/"))
    assert f"#{ticket.pk}" in body(street.get("/tickets/appeals/?tab=decided"))


def test_street_rejects_an_appeal_and_the_rating_stands(city, cat, dissatisfied):
    ticket, rating = dissatisfied
    services.rating_appeal(actor=city.users["housing_handler"], rating=rating, reason="不合理")
    response = client_for("street_staff").post(
        f"/tickets/{ticket.pk}/ratings/{rating.pk}/decide/", {"upheld": "0", "note": "群众反映属实"}
    )
    assert response.status_code == 302
    rating.refresh_from_db()
    assert rating.appeal_status == Rating.Appeal.REJECTED and rating.counts is True
    assert "申诉裁定：驳回" in body(client_for("street_staff").get(f"/tickets/{ticket.pk}/"))


def test_deciding_needs_a_choice_and_the_right_street(city, cat, dissatisfied):
    ticket, rating = dissatisfied
    services.rating_appeal(actor=city.users["housing_handler"], rating=rating, reason="不合理")
    before = kinds(ticket)
    response = client_for("street_staff").post(f"/tickets/{ticket.pk}/ratings/{rating.pk}/decide/", {})
    assert response.status_code == 400 and "请选择申诉成立或驳回" in body(response)
    other = make_user("street_2", Role.STREET_STAFF, city.streets[1])
    client = Client()
    client.force_login(other)
    assert f"#{ticket.pk}" not in body(client.get("/tickets/appeals/"))
    response = client.post(f"/tickets/{ticket.pk}/ratings/{rating.pk}/decide/", {"upheld": "1"})
    assert response.status_code == 404
    response = client_for("housing_handler").post(
        f"/tickets/{ticket.pk}/ratings/{rating.pk}/decide/", {"upheld": "1"}
    )
    assert response.status_code == 403
    assert kinds(ticket) == before and Rating.objects.get(pk=rating.pk).appeal_status == "pending"


# --- re-handling ledger -------------------------------------------------------------------------


def test_ledger_lists_the_case_and_the_street_closes_it(city, cat, dissatisfied):
    ticket, _rating = dissatisfied
    entry = RehandlingEntry.objects.get()
    page = body(client_for("community_x").get("/tickets/rehandling/"))
    assert f"#{ticket.pk}" in page and "还是经常停" in page
    assert "确认销号" not in page  # handled at the street: the community follows, the street closes
    assert f"#{ticket.pk}" not in body(client_for("community_y").get("/tickets/rehandling/"))
    street = client_for("street_staff")
    assert "确认销号" in body(street.get("/tickets/rehandling/"))
    response = street.post(f"/tickets/rehandling/{entry.pk}/close/", {"note": ""})
    assert response.status_code == 400 and "请填写重办情况" in body(response)
    entry.refresh_from_db()
    assert entry.status == RehandlingEntry.Status.OPEN
    response = street.post(f"/tickets/rehandling/{entry.pk}/close/", {"note": "更换曳引机，住户确认"})
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.status == RehandlingEntry.Status.DONE and entry.done_by == city.users["street_staff"]
    assert kinds(ticket)[-1] == EventKind.REHANDLED
    assert "更换曳引机" in body(street.get("/tickets/rehandling/?tab=done"))
    assert "台账中没有待重办的诉求" in body(street.get("/tickets/rehandling/"))


def test_ledger_close_out_of_scope_or_not_allowed_changes_nothing(city, cat, dissatisfied):
    ticket, _rating = dissatisfied
    entry = RehandlingEntry.objects.get()
    before = kinds(ticket)
    assert (
        client_for("community_y").post(f"/tickets/rehandling/{entry.pk}/close/", {"note": "x"}).status_code
        == 404
    )
    response = client_for("community_x").post(f"/tickets/rehandling/{entry.pk}/close/", {"note": "x"})
    assert response.status_code == 403 and "您没有执行此操作的权限" in body(response)
    assert (
        client_for("department_handler")
        .post(f"/tickets/rehandling/{entry.pk}/close/", {"note": "x"})
        .status_code
        == 403
    )
    entry.refresh_from_db()
    assert entry.status == RehandlingEntry.Status.OPEN and kinds(ticket) == before


# --- callbacks ----------------------------------------------------------------------------------


def test_callback_status_and_worklist_then_record_the_callback(city, cat):
    ticket = resolved_by_departments(city, cat)
    street = client_for("street_staff")
    page = body(street.get("/tickets/callbacks/"))
    assert "区住建局" in page and "区城管局" in page
    url = f"/tickets/callbacks/{cat['housing'].pk}/"
    worklist = body(street.get(url))
    assert f"#{ticket.pk}" in worklist and "记录回访" in worklist
    assert "138****5678" in worklist and "13812345678" not in worklist
    response = street.post(
        f"/tickets/{ticket.pk}/act/callback/", {"level": "basically", "comment": "基本解决", "next": url}
    )
    assert response.status_code == 302 and response["Location"] == url
    callback = Rating.objects.get(ticket=ticket, via=Rating.Via.CALLBACK)
    assert callback.level == "basically" and callback.rated_by == city.users["street_staff"]
    assert EventKind.CALLBACK in kinds(ticket)
    worklist = body(street.get(url))
    assert "已回访" in worklist and 'data-action="callback"' not in worklist


def test_callback_pages_are_scoped(city, cat):
    ticket = resolved_by_departments(city, cat)
    url = f"/tickets/callbacks/{cat['housing'].pk}/"
    assert f"#{ticket.pk}" not in body(client_for("community_y").get(url))
    assert f"#{ticket.pk}" in body(client_for("community_x").get(url))
    unit = city.units[0]  # a resident unit, not a department
    assert client_for("street_staff").get(f"/tickets/callbacks/{unit.pk}/").status_code == 404
    assert client_for("street_staff").get("/tickets/callbacks/999999/").status_code == 404


def test_callback_month_navigation_and_bad_month(city, cat):
    resolved_by_departments(city, cat)
    street = client_for("street_staff")
    page = body(street.get("/tickets/callbacks/?period=2001-01"))
    assert "2001-01" in page and "2000-12" in page and "本月还没有部门办结的诉求" in page
    assert street.get("/tickets/callbacks/?period=garbage").status_code == 200


def test_revealing_the_phone_for_a_callback_is_audited(city, cat):
    ticket = resolved_by_departments(city, cat)
    response = client_for("street_staff").post(f"/tickets/{ticket.pk}/contact/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "13812345678" in body(response)
    entry = AuditEntry.objects.get(action="reveal")
    assert entry.actor == city.users["street_staff"] and entry.target_id == str(ticket.pk)
    assert client_for("community_y").post(f"/tickets/{ticket.pk}/contact/").status_code == 404
    assert client_for("department_handler").post(f"/tickets/{ticket.pk}/contact/").status_code == 403
    assert client_for("street_staff").get(f"/tickets/{ticket.pk}/contact/").status_code == 405
    assert AuditEntry.objects.filter(action="reveal").count() == 1


# --- query counts -------------------------------------------------------------------------------


def _many_ledger(city, cat, settings, n: int) -> None:
    settings.QUANYU_TICKET_REOPEN_LIMIT = 0
    for i in range(n):
        ticket = resolved_by_departments(city, cat, text=f"电梯停运 {i}", phone=f"1381234{i:04d}")
        rating = services.ticket_rate(
            actor=city.users["resident"], ticket=ticket, level="dissatisfied", comment="没修好"
        )
        services.rating_appeal(actor=city.users["housing_handler"], rating=rating, reason="已修好")


@pytest.mark.parametrize(
    ("persona", "url", "most"),
    [
        ("street_staff", "/tickets/appeals/", 14),
        ("department_handler", "/tickets/appeals/", 14),
        ("street_staff", "/tickets/rehandling/", 14),
        ("community_x", "/tickets/rehandling/", 14),
        ("street_staff", "/tickets/callbacks/", 10),
        ("street_staff", "/tickets/callbacks/{housing}/", 12),
        ("community_x", "/tickets/window/?item={permit}", 10),
    ],
)
def test_pages_have_flat_query_counts(city, cat, settings, persona, url, most, django_assert_max_num_queries):
    url = url.format(housing=cat["housing"].pk, permit=cat["permit"].pk)
    client = client_for(persona)
    _many_ledger(city, cat, settings, 2)
    client.get(url)
    with django_assert_max_num_queries(most) as few:
        assert client.get(url).status_code == 200
    _many_ledger(city, cat, settings, 6)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200


def test_desk_point_is_not_needed_but_the_area_is(city, cat):
    """The desk registers by area (no map point): the ticket is located to the community."""
    client_for("community_x").post("/tickets/window/", desk_data(city, cat))
    ticket = Ticket.objects.get()
    assert ticket.grid is None and ticket.lon is None and ticket.area_path == city.communities[0].path
    assert GRID_111  # the same city as the other ticket tests
