"""The front desk's one-time notice (一次性告知) and supplement (补正) through the pages: the preview
registers nothing, its button registers the application with the notice (event on the timeline,
SMS to the applicant), the desk lists what waits for materials, the supplement completes it and
hands over the receipt; scoping (404), roles (403), states (409), errors in Chinese."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import translation

from quanyu.accounts.models import User
from quanyu.notify.channels import sms
from quanyu.notify.outbox import notify_drain
from quanyu.tickets import services
from quanyu.tickets.models import EventKind, Ticket, TicketEvent
from tests.tickets.factories import make_catalog

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def chinese():
    with translation.override("zh-hans"):
        yield


@pytest.fixture
def cat(city):
    return make_catalog(city)


@pytest.fixture
def texts(settings):
    settings.QUANYU_SMS_BACKEND = "quanyu.notify.channels.sms.OutboxSmsBackend"
    sms.outbox.clear()
    cache.clear()  # the per-number SMS cap counts in the cache
    yield sms.outbox
    sms.outbox.clear()


def client_for(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def body(response) -> str:
    return response.content.decode()


def kinds(ticket: Ticket) -> list[str]:
    return list(TicketEvent.objects.filter(ticket=ticket).order_by("at", "id").values_list("kind", flat=True))


def desk_data(city, cat, **extra) -> dict:
    data = {
        "item": cat["permit"].pk,
        "materials": ["身份证"],
        "contact_name": "张三",
        "contact_phone": "13912345678",
        "contact_email": "zhangsan@example.com",
        "area": city.communities[0].pk,
        "address": "幸福路 8 号",
        "note": "厨房改造",
    }
    data.update(extra)
    return data


def noticed(city, cat) -> Ticket:
    response = client_for("community_x").post("/tickets/window/", desk_data(city, cat, notice="1"))
    ticket = Ticket.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/tickets/window/{ticket.pk}/notice/"
    return ticket


def test_preview_registers_nothing_and_its_button_posts_everything_back(city, cat):
    response = client_for("community_x").post("/tickets/window/", desk_data(city, cat))
    page = body(response)
    assert response.status_code == 200 and "申请材料不全" in page and "房产证" in page
    assert 'name="notice" value="1"' in page and 'id="record-notice"' in page
    for hidden in ('name="contact_phone"', 'name="contact_email"', 'name="materials" value="身份证"'):
        assert hidden in page
    assert not Ticket.objects.exists() and not TicketEvent.objects.exists()


def test_desk_records_the_notice_and_tells_the_applicant(city, cat, texts):
    ticket = noticed(city, cat)
    assert ticket.materials_notice_at is not None and ticket.missing_materials == ["房产证"]
    assert ticket.contact_email == "zhangsan@example.com"
    assert kinds(ticket) == [EventKind.CREATED, EventKind.WINDOW_NOTICE]
    client = client_for("community_x")
    page = body(client.get(f"/tickets/window/{ticket.pk}/notice/"))
    assert "一次性告知单" in page and f"#{ticket.pk}" in page and "房产证" in page
    assert "张*" in page and "张三" not in page and "登记补正材料" in page and "data-print" in page
    notify_drain()
    [sent] = [m for m in texts if m.phone == "13912345678"]
    assert "房产证" in sent.text
    # The desk lists it; the receipt waits for the materials.
    desk = body(client.get("/tickets/window/"))
    assert f"/tickets/window/{ticket.pk}/materials/" in desk and "尚缺：房产证" in desk
    assert f"/tickets/window/{ticket.pk}/materials/" not in body(
        client_for("community_y").get("/tickets/window/")
    )
    response = client.get(f"/tickets/window/{ticket.pk}/receipt/")
    assert response.status_code == 302 and response["Location"] == f"/tickets/window/{ticket.pk}/notice/"
    # The timeline shows it.
    detail = body(client.get(f"/tickets/{ticket.pk}/"))
    assert "一次性告知" in detail and "尚缺材料" in detail and "短信" in detail


def test_supplement_completes_the_application_and_gives_the_receipt(city, cat):
    ticket = noticed(city, cat)
    client = client_for("community_x")
    url = f"/tickets/window/{ticket.pk}/materials/"
    page = body(client.get(url))
    assert 'value="房产证"' in page and 'value="身份证"' not in page
    response = client.post(url, {})
    assert response.status_code == 400 and "请勾选材料" in body(response)
    response = client.post(url, {"materials": ["户口本"]})
    assert response.status_code == 400
    assert kinds(ticket) == [EventKind.CREATED, EventKind.WINDOW_NOTICE]
    response = client.post(url, {"materials": ["房产证"], "note": "原件已核验"})
    assert response.status_code == 302 and response["Location"] == f"/tickets/window/{ticket.pk}/receipt/"
    ticket.refresh_from_db()
    assert ticket.materials_notice_at is None and ticket.completion_due is not None
    assert kinds(ticket)[-1] == EventKind.MATERIALS_RECEIVED
    receipt = body(client.get(response["Location"]))
    assert "受理回执" in receipt and ticket.completion_due.astimezone().strftime("%Y-%m-%d") in receipt
    assert "没有待补正的材料" in body(client.get(url))


def test_back_office_notice_on_a_registered_application(city, cat):
    client = client_for("community_x")
    assert (
        client.post("/tickets/window/", desk_data(city, cat, materials=["身份证", "房产证"])).status_code
        == 302
    )
    ticket = Ticket.objects.get()
    url = f"/tickets/window/{ticket.pk}/notice/"
    page = body(client.get(url))
    assert "出具一次性告知" in page and 'id="window-notice"' not in page
    assert client_for("community_y").post(url, {"materials": ["房产证"]}).status_code == 404
    assert client_for("grid_worker").post(url, {"materials": ["房产证"]}).status_code == 403
    response = client.post(url, {})
    assert response.status_code == 400 and "请勾选材料" in body(response)
    assert kinds(ticket) == [EventKind.CREATED]
    response = client.post(url, {"materials": ["房产证"], "note": "复印件不清晰"})
    assert response.status_code == 302 and response["Location"] == url
    page = body(client.get(url))
    assert 'id="window-notice"' in page and "复印件不清晰" in page
    ticket.refresh_from_db()
    assert ticket.missing_materials == ["房产证"] and ticket.completion_due is None


def test_no_notice_after_acceptance(city, cat):
    client = client_for("community_x")
    client.post("/tickets/window/", desk_data(city, cat, materials=["身份证", "房产证"]))
    ticket = Ticket.objects.get()
    services.ticket_accept(actor=city.users["community_x"], ticket=ticket)
    url = f"/tickets/window/{ticket.pk}/notice/"
    assert "该申请已受理" in body(client.get(url))
    response = client.post(url, {"materials": ["房产证"]})
    assert response.status_code == 409 and "不能一次性告知" in body(response)
    assert EventKind.WINDOW_NOTICE not in kinds(ticket)


def test_desk_pages_are_for_window_tickets_in_scope(city, cat):
    ticket = noticed(city, cat)
    for url in (f"/tickets/window/{ticket.pk}/notice/", f"/tickets/window/{ticket.pk}/materials/"):
        assert client_for("street_staff").get(url).status_code == 200
        assert client_for("community_y").get(url).status_code == 404
        assert client_for("resident").get(url).status_code == 403
    web = services.ticket_create(
        actor=city.users["resident"], text="路灯不亮", channel="web", area=city.communities[0]
    )
    assert client_for("community_x").get(f"/tickets/window/{web.pk}/notice/").status_code == 404
    assert client_for("community_x").get("/tickets/window/999999/materials/").status_code == 404


def test_an_online_application_for_a_window_item_gets_the_notice_at_the_desk(city, cat, texts):
    """A resident may apply for a one-window item online; the desk tells them what is missing and
    takes the materials through the same pages as for an application made at the window."""
    online = services.ticket_create(
        actor=city.users["resident"],
        text="申请装修备案",
        channel="web",
        area=city.communities[0],
        category=cat["permit"],
        contact_phone="13912345678",
    )
    desk = client_for("community_x")
    detail = body(desk.get(f"/tickets/{online.pk}/"))
    assert "待补正材料" not in detail  # nothing noticed yet
    url = f"/tickets/window/{online.pk}/notice/"
    response = desk.post(url, {"materials": list(cat["permit"].materials)})
    assert response.status_code == 302 and response["Location"] == url
    online.refresh_from_db()
    assert online.materials_notice_at is not None and EventKind.WINDOW_NOTICE in kinds(online)
    assert f"/tickets/window/{online.pk}/materials/" in body(desk.get(f"/tickets/{online.pk}/"))
    assert client_for("community_y").get(f"/tickets/window/{online.pk}/notice/").status_code == 404


def test_bad_contact_email_at_the_desk_is_named(city, cat):
    response = client_for("community_x").post(
        "/tickets/window/", desk_data(city, cat, materials=["身份证", "房产证"], contact_email="不是邮箱")
    )
    assert response.status_code == 400 and "联系邮箱格式不正确" in body(response)
    assert not Ticket.objects.exists()
