"""Review findings on the API side of intake: Open311 submissions limited per API key and per
contact phone (429 in the GeoReport error shape, Retry-After, nothing written), the REST API
refusing anonymous creation, photos capped in total (413 naming the field), photo URLs that point
to the scoped download (404 out of scope), the public Open311 reads without photos, and no photo
served from the media path."""

from __future__ import annotations

from xml.etree import ElementTree as ET

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from quanyu.api.open311.clients import open311_client_create
from quanyu.tickets import services
from quanyu.tickets.models import Ticket, TicketEvent, TicketPhoto
from tests.tickets.factories import GRID_111, Upload, jpeg_bytes, make_catalog

pytestmark = pytest.mark.django_db

API = "/api/tickets/"
OPEN311 = "/open311/v2/requests"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def cat(city):
    catalog = make_catalog(city)
    stalls = catalog["stalls"]
    stalls.open311_published = True
    stalls.service_code = "001"
    stalls.save()
    return catalog


def new_key(city, name: str = "FixMyStreet") -> str:
    return open311_client_create(actor=city.users["district_admin"], name=name, area=city.district)[1]


def rows() -> tuple[int, int, int]:
    return Ticket.objects.count(), TicketEvent.objects.count(), TicketPhoto.objects.count()


def open311_post(key: str, fmt: str = "json", **fields):
    data = {
        "api_key": key,
        "service_code": "001",
        "lat": str(GRID_111[1]),
        "long": str(GRID_111[0]),
        **fields,
    }
    return Client().post(f"{OPEN311}.{fmt}", data)


def jpeg(name: str = "a.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, jpeg_bytes(size=(400, 300)), content_type="image/jpeg")


# ---------------------------------------------------------------- Open311 limits


def test_open311_key_over_its_limit_gets_429_in_both_formats(city, cat, settings):
    settings.QUANYU_RATELIMIT_OPEN311_KEY = "2/1h"
    key, other = new_key(city), new_key(city, "另一接入方")
    assert [open311_post(key).status_code for _ in range(2)] == [200, 200]
    before = rows()
    response = open311_post(key, media=jpeg())
    assert response.status_code == 429 and 0 < int(response["Retry-After"]) <= 3600
    [error] = response.json()
    assert error["code"] == 429 and "该接入方提交的服务请求过多" in error["description"]
    as_xml = open311_post(key, "xml")
    assert as_xml.status_code == 429 and "Retry-After" in as_xml
    root = ET.fromstring(as_xml.content)
    assert root.tag == "errors" and root.findtext("error/code") == "429"
    assert rows() == before
    assert open311_post(other).status_code == 200


def test_open311_contact_phone_is_limited_across_keys(city, cat, settings):
    settings.QUANYU_RATELIMIT_SUBMIT_PHONE = "1/1h"
    first, second = new_key(city), new_key(city, "另一接入方")
    assert open311_post(first, phone="13800001111").status_code == 200
    before = rows()
    response = open311_post(second, phone="+8613800001111")
    assert response.status_code == 429 and "该联系电话提交的诉求过多" in response.json()[0]["description"]
    assert rows() == before


def test_open311_photos_over_the_total_are_413(city, cat, settings):
    settings.QUANYU_PHOTOS_MAX_TOTAL_BYTES = len(jpeg_bytes(size=(400, 300))) + 10
    before = rows()
    response = open311_post(new_key(city), media=[jpeg("a.jpg"), jpeg("b.jpg")])
    assert response.status_code == 413 and response.json()[0]["description"].startswith("media: 照片合计超过")
    assert rows() == before


def test_open311_public_reads_carry_no_photos(city, cat):
    key = new_key(city)
    created = open311_post(key, media=jpeg()).json()[0]["service_request_id"]
    assert TicketPhoto.objects.filter(ticket_id=created).count() == 1
    listing = Client().get(f"{OPEN311}.json").json()
    one = Client().get(f"/open311/v2/requests/{created}.json").json()
    for record in [*listing, *one]:
        assert record["media_url"] == ""
        assert not any("/media/" in str(v) or "photos/" in str(v) for v in record.values())
    assert b"/media/" not in Client().get(f"{OPEN311}.xml").content


# ---------------------------------------------------------------- REST API


def test_anonymous_api_creation_is_refused_and_writes_nothing(city, cat):
    before = rows()
    response = Client().post(
        API,
        {"lon": GRID_111[0], "lat": GRID_111[1], "text": "井盖缺失", "channel": "web"},
        content_type="application/json",
    )
    assert response.status_code == 401
    assert rows() == before


def test_api_photos_over_the_total_are_413_naming_the_field(city, cat, api_client, settings):
    settings.QUANYU_PHOTOS_MAX_TOTAL_BYTES = len(jpeg_bytes(size=(400, 300))) + 10
    client = api_client("resident")
    before = rows()
    response = client.post(
        API,
        {
            "lon": GRID_111[0],
            "lat": GRID_111[1],
            "text": "井盖缺失",
            "photos": [jpeg("a.jpg"), jpeg("b.jpg")],
        },
    )
    assert response.status_code == 413 and "照片合计超过" in response.json()["photos"][0]
    settings.QUANYU_PHOTOS_MAX_TOTAL_BYTES = 1  # the body itself is over 1 MB + 1 byte
    big = SimpleUploadedFile("big.jpg", b"\xff\xd8" + b"0" * (1100 * 1024), content_type="image/jpeg")
    response = client.post(API, {"lon": GRID_111[0], "lat": GRID_111[1], "text": "井盖缺失", "photos": [big]})
    assert response.status_code == 413 and "photos" in response.json()
    assert rows() == before


def test_photo_urls_point_to_the_scoped_download(city, cat, api_client):
    ticket = services.ticket_create(
        actor=city.users["resident"],
        text="井盖缺失",
        channel="web",
        lon=GRID_111[0],
        lat=GRID_111[1],
        photos=[Upload(jpeg_bytes())],
    )
    row = TicketPhoto.objects.get(ticket=ticket)
    [photo] = api_client("grid_worker").get(f"{API}{ticket.pk}/").json()["photos"]
    assert photo["url"] == f"{API}{ticket.pk}/photos/{row.pk}/"
    assert row.image.name not in str(photo) and "/media/" not in str(photo)
    inside = api_client("grid_worker").get(photo["url"])
    assert inside.status_code == 200 and inside["Content-Type"] == "image/jpeg"
    assert b"".join(inside.streaming_content)[:2] == b"\xff\xd8"
    assert api_client("resident").get(photo["url"]).status_code == 200  # the requester
    for outsider in ["community_y", "outsider"]:
        assert api_client(outsider).get(photo["url"]).status_code == 404, outsider
    assert Client().get(photo["url"]).status_code == 401
    # A photo id of another ticket under this ticket's path is not found either.
    other = services.ticket_create(
        actor=city.users["resident"], text="路灯不亮", channel="web", lon=GRID_111[0], lat=GRID_111[1]
    )
    assert api_client("grid_worker").get(f"{API}{other.pk}/photos/{row.pk}/").status_code == 404
    # The file's own path is not served to anyone.
    assert Client().get(row.image.url).status_code == 404
    assert api_client("grid_worker").get(row.image.url).status_code == 404
