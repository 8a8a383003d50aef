"""The resident's submit page against flooding: per client address and per contact phone for
requests without an account (429 in Chinese with Retry-After, nothing written), refused input not
counted, signed-in residents not limited, the total size of the photos capped (413 naming the
field), and ticket photos never served from the public media path."""

from __future__ import annotations

import pytest
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client, RequestFactory

from quanyu.accounts.models import User
from quanyu.tickets.models import Ticket, TicketEvent, TicketPhoto
from tests.tickets.factories import GRID_111, OUTSIDE, jpeg_bytes, make_catalog

pytestmark = pytest.mark.django_db

URL = "/tickets/new/"


@pytest.fixture(autouse=True)
def _setup(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.QUANYU_RATELIMIT_SUBMIT_IP = "2/10m"
    settings.QUANYU_RATELIMIT_SUBMIT_PHONE = "2/1h"


@pytest.fixture
def cat(city):
    return make_catalog(city)


def data(**extra) -> dict:
    return {"text": "小区门口有流动摊贩摆摊占道", "lon": GRID_111[0], "lat": GRID_111[1], **extra}


def rows() -> tuple[int, int, int]:
    return Ticket.objects.count(), TicketEvent.objects.count(), TicketPhoto.objects.count()


def submit(ip: str = "203.0.113.7", client: Client | None = None, **fields):
    return (client or Client()).post(URL, data(**fields), REMOTE_ADDR=ip)


def photo(name: str = "p.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, jpeg_bytes(size=(400, 300)), content_type="image/jpeg")


def test_an_address_over_its_limit_gets_429_and_nothing_is_written(city, cat):
    assert submit().status_code == 200
    assert submit().status_code == 200
    before = rows()
    response = submit(photos=[photo()])
    assert response.status_code == 429
    assert "提交过于频繁" in response.content.decode() and "分钟后再试" in response.content.decode()
    assert 0 < int(response["Retry-After"]) <= 600
    assert rows() == before
    # Another address is not affected.
    assert submit(ip="203.0.113.8").status_code == 200


def test_a_forged_forwarded_header_does_not_reset_the_count(city, cat):
    for n in range(2):
        assert submit(HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").status_code == 200
    response = Client().post(URL, data(), REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR="198.51.100.9")
    assert response.status_code == 429


def test_behind_a_trusted_proxy_each_client_counts_on_its_own(city, cat, settings):
    settings.QUANYU_TRUSTED_PROXIES = 1

    def via_proxy(client_address: str):
        return Client().post(URL, data(), REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=client_address)

    assert [via_proxy("198.51.100.1").status_code for _ in range(3)] == [200, 200, 429]
    assert via_proxy("198.51.100.2").status_code == 200


def test_a_contact_phone_over_its_limit_is_refused_from_any_address(city, cat):
    assert submit(ip="203.0.113.1", contact_phone="13812345678").status_code == 200
    assert submit(ip="203.0.113.2", contact_phone="+86 138-1234-5678").status_code == 200
    before = rows()
    response = submit(ip="203.0.113.3", contact_phone="138 1234 5678")
    assert response.status_code == 429 and "该联系电话提交的诉求过多" in response.content.decode()
    assert rows() == before
    # The address of that refused request was not counted: it still has both of its slots.
    assert submit(ip="203.0.113.3").status_code == 200
    assert submit(ip="203.0.113.3").status_code == 200


def test_refused_input_does_not_count(city, cat):
    for _ in range(4):
        response = submit(lon=OUTSIDE[0], lat=OUTSIDE[1])
        assert response.status_code == 400 and "该位置不在本市任何网格内" in response.content.decode()
    assert submit().status_code == 200
    assert submit().status_code == 200
    assert submit().status_code == 429


def test_signed_in_residents_are_not_limited(city, cat):
    client = Client()
    client.force_login(User.objects.get(username="resident"))
    for _ in range(4):
        assert submit(client=client, contact_phone="13812345678").status_code == 302
    assert Ticket.objects.filter(requester__username="resident").count() == 4


def test_photos_over_the_total_size_are_413_naming_the_field(city, cat, settings):
    one = len(jpeg_bytes(size=(400, 300)))
    settings.QUANYU_PHOTOS_MAX_TOTAL_BYTES = one * 2
    before = rows()
    response = submit(photos=[photo("a.jpg"), photo("b.jpg"), photo("c.jpg")])
    assert response.status_code == 413
    page = response.content.decode()
    assert "照片合计超过" in page and 'name="photos"' in page
    assert rows() == before
    assert submit(photos=[photo("a.jpg"), photo("b.jpg")]).status_code == 200
    assert TicketPhoto.objects.count() == 2


def test_a_body_over_the_upload_limit_is_refused_before_it_is_read(city, cat, settings):
    settings.QUANYU_PHOTOS_MAX_TOTAL_BYTES = 64 * 1024  # the request may carry 64 KB + 1 MB
    big = SimpleUploadedFile("big.jpg", b"\xff\xd8" + b"0" * (1200 * 1024), content_type="image/jpeg")
    before = rows()
    response = submit(photos=[big])
    assert response.status_code == 413 and "照片合计超过" in response.content.decode()
    assert rows() == before


def through_the_development_server(path: str) -> tuple[str, bytes]:
    """GET ``path`` through the WSGI application as ``runserver`` wraps it (static files handler),
    keeping the test's database connection open as Django's test client does."""
    environ = RequestFactory().get(path).environ
    status: list[str] = []
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        app = StaticFilesHandler(WSGIHandler())
        body = b"".join(app(environ, lambda s, h, *a: status.append(s)))
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    return status[0], body


def test_photos_are_not_served_from_the_media_path(city, cat):
    assert submit(photos=[photo()]).status_code == 200
    row = TicketPhoto.objects.get()
    raw = row.image.url
    assert raw.startswith("/media/")
    assert Client().get(raw).status_code == 404
    # The development server (`quanyu runserver`, the demo) serves static files only.
    status, body = through_the_development_server(raw)
    assert status.startswith("404") and b"\xff\xd8" not in body
    # The scoped view: the grid worker of the place sees it, staff elsewhere get 404.
    scoped = f"/tickets/{row.ticket_id}/photos/{row.pk}/"
    inside, outside = Client(), Client()
    inside.force_login(User.objects.get(username="grid_worker"))
    outside.force_login(User.objects.get(username="community_y"))
    assert inside.get(scoped).status_code == 200
    assert outside.get(scoped).status_code == 404
    assert Client().get(scoped).status_code == 302  # to the log-in page
