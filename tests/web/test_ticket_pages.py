"""The ticket pages through Django's test client: every page for the personas that use it, scoping
(out of scope is a 404), actions posted through the pages (state changes and events written),
refused actions (nothing changes), errors shown in Chinese in the form, and flat query counts."""

from __future__ import annotations

import json
import re
from collections import Counter

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation

from quanyu.accounts.models import User
from quanyu.notify.channels import sms
from quanyu.notify.models import Notification
from quanyu.notify.outbox import notify_drain
from quanyu.tickets import services
from quanyu.tickets.models import Channel, EventKind, Rating, Ticket, TicketEvent, TicketPhoto, Whistle
from quanyu.web.tickets.views import work as work_views
from tests.tickets.factories import (
    GRID_111,
    GRID_211,
    OUTSIDE,
    jpeg_bytes,
    make_catalog,
    new_ticket,
    to_street,
    whistled,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def chinese():
    with translation.override("zh-hans"):
        yield


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


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


def events(ticket: Ticket) -> list[str]:
    return list(TicketEvent.objects.filter(ticket=ticket).order_by("at", "id").values_list("kind", flat=True))


def submit_data(**extra) -> dict:
    data = {
        "text": "小区门口有流动摊贩摆摊占道",
        "lon": GRID_111[0],
        "lat": GRID_111[1],
        "address": "幸福路 8 号",
    }
    data.update(extra)
    return data


# --- who opens which page -----------------------------------------------------------------------

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
    "/tickets/new/": {*PERSONAS, None},
    "/tickets/mine/": set(PERSONAS),
    "/tickets/grid/": {"grid_worker", "community_x", "community_y", "street_staff", "district_admin"},
    "/tickets/patrol/": {"grid_worker", "community_x", "community_y", "street_staff", "district_admin"},
    "/tickets/triage/": {"community_x", "community_y", "street_staff", "district_admin"},
    "/tickets/dispatch/": {"street_staff", "district_admin"},
    "/tickets/department/": {"department_handler"},
    "/tickets/supervision/": {"street_staff", "community_x", "community_y", "district_admin"},
    "/tickets/": {
        "grid_worker",
        "community_x",
        "community_y",
        "street_staff",
        "department_handler",
        "district_admin",
    },
}


@pytest.mark.parametrize("url", list(PAGES))
@pytest.mark.parametrize("persona", PERSONAS)
def test_each_page_for_each_persona(city, cat, url, persona):
    new_ticket(city)
    response = client_for(persona).get(url)
    if persona in PAGES[url]:
        assert response.status_code == 200, (url, persona)
        assert "<h1>" in body(response)
    else:
        assert response.status_code == 403, (url, persona)
        assert "此页面不属于您的岗位" in body(response)


@pytest.mark.parametrize("url", [u for u, who in PAGES.items() if None not in who])
def test_anonymous_is_sent_to_login(city, url):
    response = Client().get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_nav_shows_each_role_its_pages(city):
    def keys(persona: str) -> set[str]:
        return {e.key for e in client_for(persona).get("/").context["nav"]}

    assert {"ticket_submit", "ticket_mine"} <= keys("resident")
    assert "ticket_dispatch" not in keys("resident")
    assert {"ticket_grid", "tickets"} <= keys("grid_worker")
    assert {"ticket_triage", "ticket_supervision"} <= keys("community_x")
    assert {"ticket_dispatch", "ticket_supervision"} <= keys("street_staff")
    assert "ticket_department" in keys("department_handler")
    assert "ticket_triage" not in keys("department_handler")


# --- intake ----------------------------------------------------------------------------------------


def test_resident_submits_on_the_map(city, cat):
    client = client_for("resident")
    photo = SimpleUploadedFile("p.jpg", jpeg_bytes(exif=True), content_type="image/jpeg")
    response = client.post("/tickets/new/", {**submit_data(contact_phone="13812345678"), "photos": [photo]})
    ticket = Ticket.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/tickets/{ticket.pk}/"
    assert ticket.channel == Channel.WEB and ticket.requester == city.users["resident"]
    assert ticket.grid == city.grids[0] and ticket.tier == "grid"
    assert ticket.suggested_category == cat["stalls"]
    assert ticket.photos.count() == 1
    assert events(ticket) == [EventKind.CREATED]
    page = body(client.get(response["Location"]))
    assert "幸福路 8 号" in page and "138****5678" in page and "13812345678" not in page
    assert "建议" in page and "占道经营" in page


def test_anonymous_submit_shows_the_number(city, cat):
    response = Client().post("/tickets/new/", submit_data())
    ticket = Ticket.objects.get()
    assert response.status_code == 200
    assert f"#{ticket.pk}" in body(response)
    assert ticket.requester is None


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (submit_data(lon="", lat=""), "请在地图上点选问题位置"),
        (submit_data(lon=OUTSIDE[0], lat=OUTSIDE[1]), "该位置不在本市任何网格内"),
        (submit_data(text=""), "请填写诉求内容"),
        (submit_data(text="长" * 2001), "2000"),
        (submit_data(contact_phone="12ab"), "联系电话格式不正确"),
    ],
)
def test_bad_submissions_are_400_with_a_chinese_message(city, cat, data, message):
    # Without an account (a signed-in resident may send without a point: it goes to their community).
    response = Client().post("/tickets/new/", data)
    assert response.status_code == 400
    assert message in body(response)
    assert Ticket.objects.count() == 0


def test_a_file_that_is_not_an_image_is_refused(city, cat):
    fake = SimpleUploadedFile("evil.jpg", b"MZ\x90\x00 not a picture", content_type="image/jpeg")
    response = client_for("resident").post("/tickets/new/", {**submit_data(), "photos": [fake]})
    assert response.status_code == 400
    assert "evil.jpg 不是支持的图片" in body(response)
    assert Ticket.objects.count() == 0 and TicketPhoto.objects.count() == 0


def test_patrol_entry_by_grid_worker(city, cat):
    photo = SimpleUploadedFile("scene.png", jpeg_bytes(), content_type="image/jpeg")
    response = client_for("grid_worker").post(
        "/tickets/patrol/", {**submit_data(text="井盖破损"), "category": cat["stalls"].pk, "photos": [photo]}
    )
    ticket = Ticket.objects.get()
    assert response.status_code == 302
    assert ticket.channel == Channel.PATROL and ticket.category == cat["stalls"]
    assert ticket.created_by == city.users["grid_worker"] and ticket.requester is None


def test_patrol_outside_my_grid_is_refused(city, cat):
    response = client_for("grid_worker").post(
        "/tickets/patrol/", submit_data(lon=GRID_211[0], lat=GRID_211[1])
    )
    assert response.status_code == 403
    assert "您没有执行此操作的权限" in body(response)
    assert Ticket.objects.count() == 0


def test_suggestion_locate_and_grid_layer(city, cat):
    client = Client()
    assert "占道经营" in body(client.get("/tickets/suggest/", {"text": "门口有人摆摊"}))
    assert "建议分类" not in body(client.get("/tickets/suggest/", {"text": "天气不错"}))
    located = body(client.get("/tickets/locate/", {"lon": GRID_111[0], "lat": GRID_111[1]}))
    assert "街道1" in located and "社区1-1" in located and "网格1-1-1" in located
    assert "不在本市任何网格内" in body(
        client.get("/tickets/locate/", {"lon": OUTSIDE[0], "lat": OUTSIDE[1]})
    )
    layer = json.loads(client.get("/tickets/grids.geojson").content)
    assert len(layer["features"]) == 8
    assert set(layer["features"][0]["properties"]) == {"id", "name", "community"}


# --- scoping ---------------------------------------------------------------------------------------


def test_detail_is_404_out_of_scope(city, cat):
    ticket = new_ticket(city)
    for persona in ["grid_worker", "community_x", "street_staff", "district_admin", "resident"]:
        assert client_for(persona).get(f"/tickets/{ticket.pk}/").status_code == 200, persona
    for persona in ["community_y", "outsider", "department_handler"]:
        assert client_for(persona).get(f"/tickets/{ticket.pk}/").status_code == 404, persona
    assert Client().get(f"/tickets/{ticket.pk}/").status_code == 302


def test_department_sees_only_whistled_tickets(city, cat):
    ticket = to_street(city, new_ticket(city, text="电梯停运"))
    handler = client_for("department_handler")
    assert handler.get(f"/tickets/{ticket.pk}/").status_code == 404
    services.ticket_whistle(
        actor=city.users["street_staff"], ticket=ticket, departments=[cat["cg"]], lead=cat["cg"]
    )
    assert handler.get(f"/tickets/{ticket.pk}/").status_code == 200
    inbox = body(handler.get("/tickets/department/"))
    assert f"#{ticket.pk}" in inbox and "区城管局" in inbox


def test_lists_show_only_the_scope(city, cat):
    mine = new_ticket(city, text="网格一的诉求")
    other = new_ticket(city, text="另一条街道的诉求", point=GRID_211)
    page = body(client_for("grid_worker").get("/tickets/grid/"))
    assert f'data-ticket="{mine.pk}"' in page and f'data-ticket="{other.pk}"' not in page
    listing = body(client_for("community_y").get("/tickets/"))
    assert f'data-ticket="{other.pk}"' in listing and f'data-ticket="{mine.pk}"' not in listing


def test_photo_is_served_only_within_scope(city, cat):
    photo = SimpleUploadedFile("p.jpg", jpeg_bytes(), content_type="image/jpeg")
    client_for("resident").post("/tickets/new/", {**submit_data(), "photos": [photo]})
    row = TicketPhoto.objects.get()
    url = f"/tickets/{row.ticket_id}/photos/{row.pk}/"
    response = client_for("grid_worker").get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"
    assert client_for("community_y").get(url).status_code == 404
    assert client_for("outsider").get(url).status_code == 404


# --- actions through the pages ---------------------------------------------------------------


def post(persona: str, url: str, data: dict | None = None):
    return client_for(persona).post(url, data or {})


def test_the_loop_through_the_pages(city, cat, django_capture_on_commit_callbacks, settings):
    settings.QUANYU_SMS_BACKEND = "quanyu.notify.channels.sms.OutboxSmsBackend"
    sms.outbox.clear()
    u = city.users
    ticket = new_ticket(city, text="楼下有人摆摊占道，堵住了消防通道", contact_phone="13812345678")
    base = f"/tickets/{ticket.pk}"

    page = body(client_for("grid_worker").get(f"{base}/"))
    assert 'data-action="escalate"' in page and 'data-action="whistle"' not in page
    assert post("grid_worker", f"{base}/act/escalate/", {"reason": "网格无法处理"}).status_code == 302
    assert post("community_x", f"{base}/act/escalate/", {"reason": "需要街道协调"}).status_code == 302
    ticket.refresh_from_db()
    assert (ticket.tier, ticket.status) == ("street", "new")

    assert post("street_staff", f"{base}/act/accept/").status_code == 302
    page = body(client_for("street_staff").get(f"{base}/"))
    assert 'data-action="whistle"' in page and "区住建局" in page
    response = post(
        "street_staff",
        f"{base}/act/whistle/",
        {"departments": [cat["housing"].pk, cat["cg"].pk], "lead": cat["housing"].pk, "note": "请尽快处置"},
    )
    assert response.status_code == 302
    lead = Whistle.objects.get(ticket=ticket, department=cat["housing"])
    assist = Whistle.objects.get(ticket=ticket, department=cat["cg"])
    assert lead.lead and not assist.lead

    assert post("housing_handler", f"{base}/whistles/{lead.pk}/respond/").status_code == 302
    assert post("department_handler", f"{base}/whistles/{assist.pk}/respond/").status_code == 302
    # The handler's own whistle actions lead the 办理 card (first on a phone), never "nothing to do";
    # the lead's 办结 form names the assisting part still open and asks why it would answer first.
    page = body(client_for("housing_handler").get(f"{base}/"))
    side = page[page.index('id="t-actions"') :]
    assert f'data-whistle-actions="{lead.pk}"' in side and "当前没有需要您办理的操作" not in page
    assert 'name="override_reason"' in side and "协办部门（区城管局）尚未办结" in side
    refused = post("housing_handler", f"{base}/whistles/{lead.pk}/resolve/", {"explanation": "电梯已修复"})
    assert refused.status_code == 400 and "先行办结的理由" in body(refused)
    assert Ticket.objects.get(pk=ticket.pk).status == "whistled"
    assist_page = body(client_for("department_handler").get(f"{base}/"))
    assert (
        f'data-whistle-actions="{assist.pk}"' in assist_page and 'name="override_reason"' not in assist_page
    )
    assert (
        post(
            "department_handler", f"{base}/whistles/{assist.pk}/resolve/", {"explanation": "已协助疏导"}
        ).status_code
        == 302
    )
    photo = SimpleUploadedFile("done.jpg", jpeg_bytes(), content_type="image/jpeg")
    with django_capture_on_commit_callbacks(execute=True):
        response = post(
            "housing_handler",
            f"{base}/whistles/{lead.pk}/resolve/",
            {"explanation": "电梯已修复并通过检测", "photos": [photo]},
        )
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == "resolved"
    assert ticket.photos.filter(kind="result").count() == 1

    # The resident sees the request to rate on "my requests" (it leads to the request's page) and
    # rates through the link the SMS carried.
    mine = body(client_for("resident").get("/tickets/mine/"))
    note = Notification.objects.get(recipient=u["resident"], kind="ticket_rate_request")
    assert note.link == f"{base}/" and note.link in mine
    notify_drain()
    [sent] = [m for m in sms.outbox if m.phone == "13812345678"]
    link = sent.text.split()[-1]
    assert link.startswith("/rate/")
    rate_page = Client().get(link)
    assert rate_page.status_code == 200 and "满意" in body(rate_page)
    response = Client().post(link, {"level": "satisfied", "comment": "修得很快"})
    assert response.status_code == 200 and "感谢您的评价" in body(response)
    ticket.refresh_from_db()
    assert (ticket.status, ticket.rating_level) == ("closed", "satisfied")
    assert events(ticket) == [
        EventKind.CREATED,
        EventKind.ESCALATED,
        EventKind.ESCALATED,
        EventKind.ACCEPTED,
        EventKind.WHISTLED,
        EventKind.WHISTLE_RESPONDED,
        EventKind.WHISTLE_RESPONDED,
        EventKind.WHISTLE_RESOLVED,
        EventKind.WHISTLE_RESOLVED,
        EventKind.RATED,
        EventKind.CLOSED,
    ]
    timeline = body(client_for("resident").get(f"{base}/"))
    for text in [
        "提交诉求",
        "上报至社区",
        "上报至街道",
        "吹哨呼叫部门",
        "部门办结",
        "修得很快",
        "电梯已修复并通过检测",
    ]:
        assert text in timeline, text

    # The link is single-use; a forged one is told so.
    again = Client().post(link, {"level": "dissatisfied", "comment": "再评"})
    assert again.status_code == 400 and "该评价链接已使用" in body(again)
    forged = Client().post(f"/rate/{ticket.pk}.forged/", {"level": "satisfied"})
    assert forged.status_code == 400 and "评价链接无效或已过期" in body(forged)
    for odd in ("¹.abc", "9" * 30 + ".abc"):  # a digit to str.isdigit, not to int(); past a bigint
        assert Client().get(f"/rate/{odd}/").status_code == 200
        refused = Client().post(f"/rate/{odd}/", {"level": "satisfied"})
        assert refused.status_code == 400 and "评价链接无效或已过期" in body(refused)
    assert Rating.objects.filter(ticket=ticket).count() == 1


def test_community_triage_actions(city, cat):
    ticket = new_ticket(city, text="小区绿化带被占用")
    services.ticket_escalate(actor=city.users["grid_worker"], ticket=ticket, reason="需社区协调")
    board = body(client_for("community_x").get("/tickets/triage/"))
    assert f'data-ticket="{ticket.pk}"' in board
    base = f"/tickets/{ticket.pk}/act"
    assert post("community_x", f"{base}/categorise/", {"category": cat["stalls"].pk}).status_code == 302
    assert (
        post("community_x", f"{base}/accept/", {"next": "/tickets/triage/"})["Location"] == "/tickets/triage/"
    )
    assign = post(
        "community_x", f"{base}/assign/", {"assignee": city.users["community_x"].pk, "note": "我来办"}
    )
    assert assign.status_code == 302
    response = post("community_x", f"{base}/resolve/", {"explanation": "已清理"})
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == "resolved" and ticket.category == cat["stalls"]
    assert events(ticket)[-4:] == [
        EventKind.CATEGORISED,
        EventKind.ACCEPTED,
        EventKind.ASSIGNED,
        EventKind.RESOLVED,
    ]


def test_street_handles_a_return_and_whistles_again(city, cat):
    ticket = to_street(city, new_ticket(city, text="电梯困人"))
    services.ticket_whistle(
        actor=city.users["street_staff"], ticket=ticket, departments=[cat["cg"]], lead=cat["cg"]
    )
    whistle = Whistle.objects.get(ticket=ticket)
    response = post(
        "department_handler",
        f"/tickets/{ticket.pk}/whistles/{whistle.pk}/return/",
        {"reason": "不属于本部门"},
    )
    assert response.status_code == 302
    console = body(client_for("street_staff").get("/tickets/dispatch/"))
    assert "不属于本部门" in console and 'data-col="returned"' in console
    form = client_for("street_staff").get(f"/tickets/{ticket.pk}/act/whistle/", HTTP_HX_REQUEST="true")
    assert form.status_code == 200 and 'name="departments"' in body(form)
    response = post(
        "street_staff",
        f"/tickets/{ticket.pk}/act/whistle/",
        {"departments": [cat["housing"].pk], "lead": cat["housing"].pk},
    )
    assert response.status_code == 302
    assert Whistle.objects.filter(ticket=ticket, status="pending", department=cat["housing"]).exists()
    sup = post("street_staff", f"/tickets/{ticket.pk}/act/supervise/", {"reason": "群众反映强烈"})
    assert sup.status_code == 302 and EventKind.SUPERVISED in events(ticket)


@pytest.mark.parametrize(
    ("persona", "url", "data", "status"),
    [
        ("resident", "accept", {}, 403),
        ("community_y", "escalate", {"reason": "x"}, 404),
        ("outsider", "cancel", {}, 404),
        ("department_handler", "accept", {}, 404),
        ("grid_worker", "whistle", {}, 403),
        ("grid_worker", "supervise", {"reason": "督办"}, 403),
        ("grid_worker", "nonsense", {}, 404),
    ],
)
def test_refused_actions_change_nothing(city, cat, persona, url, data, status):
    ticket = new_ticket(city)
    if url == "whistle":
        data = {"departments": [cat["cg"].pk], "lead": cat["cg"].pk}
    before = (Ticket.objects.filter(pk=ticket.pk).values().get(), TicketEvent.objects.count())
    response = post(persona, f"/tickets/{ticket.pk}/act/{url}/", data)
    assert response.status_code == status
    if status == 403:
        assert "您没有执行此操作的权限" in body(response)
    after = (Ticket.objects.filter(pk=ticket.pk).values().get(), TicketEvent.objects.count())
    assert before == after


def test_street_cannot_whistle_before_the_ticket_reaches_it(city, cat):
    ticket = new_ticket(city)
    response = post(
        "street_staff",
        f"/tickets/{ticket.pk}/act/whistle/",
        {"departments": [cat["cg"].pk], "lead": cat["cg"].pk},
    )
    assert response.status_code == 409  # not allowed in this state: the map answers 409, as the API does
    assert "工单需先上报至街道，才能吹哨呼叫部门" in body(response)
    assert not Whistle.objects.exists()


def test_form_errors_are_shown_in_chinese(city, cat):
    ticket = new_ticket(city)
    response = post("grid_worker", f"/tickets/{ticket.pk}/act/escalate/", {"reason": ""})
    assert response.status_code == 400
    assert "请填写理由" in body(response)
    assert '<details class="qy-action" open data-action="escalate">' in body(response)
    assert events(ticket) == [EventKind.CREATED]
    to_street(city, ticket)
    response = post("street_staff", f"/tickets/{ticket.pk}/act/whistle/", {"note": "x"})
    assert response.status_code == 400 and "请选择至少一个职能部门" in body(response)
    response = post("street_staff", f"/tickets/{ticket.pk}/act/merge/", {"into": 99999})
    assert response.status_code == 400 and "找不到编号为 99999 的诉求" in body(response)


def test_resident_rates_from_my_requests_and_cancels(city, cat):
    ticket = new_ticket(city)
    services.ticket_accept(actor=city.users["grid_worker"], ticket=ticket)
    services.ticket_resolve(
        actor=city.users["grid_worker"], ticket=Ticket.objects.get(pk=ticket.pk), explanation="已处理"
    )
    mine = body(client_for("resident").get("/tickets/mine/"))
    assert 'data-action="rate"' in mine
    bad = post("resident", f"/tickets/{ticket.pk}/act/rate/", {"level": "dissatisfied"})
    assert bad.status_code == 400 and "不满意时请说明原因" in body(bad)
    ok = post("resident", f"/tickets/{ticket.pk}/act/rate/", {"level": "basically", "next": "/tickets/mine/"})
    assert ok["Location"] == "/tickets/mine/"
    assert Ticket.objects.get(pk=ticket.pk).status == "closed"
    other = new_ticket(city, text="不需要处理了")
    assert post("resident", f"/tickets/{other.pk}/act/cancel/").status_code == 302
    assert Ticket.objects.get(pk=other.pk).status == "cancelled"


def test_supervision_board_counts_and_filters(city, cat):
    ticket = to_street(city, new_ticket(city, text="电梯停运"))
    services.ticket_whistle(
        actor=city.users["street_staff"], ticket=ticket, departments=[cat["cg"]], lead=cat["cg"]
    )
    Ticket.objects.filter(pk=ticket.pk).update(completion_due="2020-01-01T00:00:00Z")
    Whistle.objects.filter(ticket=ticket).update(response_due="2020-01-01T00:00:00Z")
    response = client_for("street_staff").get("/tickets/supervision/")
    board = response.context["board"]
    assert [(r.name, r.open, r.overdue) for r in board.by_street] == [("街道1", 1, 1)]
    assert [(r.name, r.overdue) for r in board.by_department] == [("区城管局", 1)]
    page = body(response)
    assert f'data-ticket="{ticket.pk}"' in page and 'id="late-whistles-table"' in page
    partial = client_for("street_staff").get(
        "/tickets/supervision/", {"department": cat["housing"].pk}, HTTP_HX_REQUEST="true"
    )
    assert "<html" not in body(partial) and f'data-ticket="{ticket.pk}"' not in body(partial)


def test_supervision_badges_count_every_record_even_when_the_list_is_cut(city, cat, monkeypatch):
    """The badge is the number of records behind it (issue 13 point 9), not the length of the cut
    list; the page says how many of how many it shows."""
    monkeypatch.setattr(work_views, "BOARD_LIMIT", 2)
    for i in range(3):
        new_ticket(city, text=f"路灯不亮 {i}")
    Ticket.objects.update(completion_due="2020-01-01T00:00:00Z", response_due="2020-01-01T00:00:00Z")
    response = client_for("street_staff").get("/tickets/supervision/")
    assert len(response.context["overdue"]) == 2
    total = sum(r.overdue for r in response.context["board"].by_street)
    assert response.context["overdue_total"] == total == Ticket.objects.count() == 3
    page = body(response)
    assert '<span class="qy-count qy-count-late">3</span>' in page
    assert "显示最早到期的 2 条，共 3 条" in page


# --- query counts ----------------------------------------------------------------------------------


def _many(city, cat, n: int) -> None:
    for i in range(n):
        t = new_ticket(city, text=f"电梯停运 {i}")
        if i % 2:
            t = to_street(city, t)
            services.ticket_whistle(
                actor=city.users["street_staff"], ticket=t, departments=[cat["cg"]], lead=cat["cg"]
            )


LIST_PAGES = [
    ("grid_worker", "/tickets/grid/?tab=up", 12),
    ("community_x", "/tickets/triage/", 12),
    ("street_staff", "/tickets/dispatch/", 12),
    ("department_handler", "/tickets/department/", 12),
    ("street_staff", "/tickets/supervision/", 16),
    ("street_staff", "/tickets/", 12),
    ("resident", "/tickets/mine/", 12),
]


@pytest.mark.parametrize(("persona", "url", "most"), LIST_PAGES)
def test_list_pages_have_flat_query_counts(city, cat, persona, url, most, django_assert_max_num_queries):
    _many(city, cat, 8)
    client = client_for(persona)
    client.get(url)  # warm per-process caches (translations, grid index)
    with django_assert_max_num_queries(most):
        response = client.get(url)
    assert response.status_code == 200


def test_pages_read_in_english(city, cat):
    ticket = new_ticket(city)
    client = client_for("grid_worker")
    client.cookies["django_language"] = "en"  # the language switch's cookie; Accept-Language is ignored
    page = body(client.get("/tickets/grid/"))
    assert "Grid workbench" in page and "Patrol entry" in page
    detail = body(client.get(f"/tickets/{ticket.pk}/"))
    assert "History" in detail and "Send up" in detail
    anonymous = Client()
    anonymous.cookies["django_language"] = "en"
    assert "Report a problem" in body(anonymous.get("/tickets/new/"))


def test_pages_with_many_forms_never_repeat_an_element_id(city, cat):
    """Issue 13 point 13: every action form has ids of its own, so labels point at their field."""
    ticket, lead, _assist = whistled(city, cat)
    services.whistle_respond(actor=city.users["housing_handler"], whistle=lead)
    for user, path in [
        ("street_staff", f"/tickets/{ticket.pk}/"),
        ("housing_handler", f"/tickets/{ticket.pk}/"),
        ("street_staff", "/tickets/dispatch/"),
    ]:
        page = body(client_for(user).get(path))
        ids = Counter(re.findall(r'\bid="([^"]+)"', page))
        assert [i for i, n in ids.items() if n > 1] == [], (user, path)
        if "dispatch" not in path:  # the detail page's action forms carry their own ids
            assert re.search(r'id="[a-z_]+-(ticket|whistle)\d+-[a-z_]+"', page), (user, path)
