"""Open311 GeoReport v2 conformance: the shapes of the specification's examples (wiki.open311.org
/GeoReport_v2) in XML and JSON, api_key handling, the request filters and the error bodies."""

from __future__ import annotations

import datetime as dt
import re
from xml.etree import ElementTree as ET

import pytest
from django.test import Client
from django.utils import timezone

from quanyu.api.open311.clients import open311_client_create
from quanyu.tickets import services
from quanyu.tickets.models import Channel, Ticket, TicketEvent
from tests.tickets.factories import GRID_111, GRID_211, OUTSIDE, jpeg_bytes, make_catalog

pytestmark = pytest.mark.django_db

BASE = "/open311/v2/"
SERVICE_KEYS = ["service_code", "service_name", "description", "metadata", "type", "keywords", "group"]
REQUEST_KEYS = [
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def cat(city):
    catalog = make_catalog(city)
    stalls = catalog["stalls"]
    stalls.open311_published = True
    stalls.service_code = "001"
    stalls.description = "占用道路摆摊经营"
    stalls.save()
    return catalog


@pytest.fixture
def key(city):
    _client, key = open311_client_create(
        actor=city.users["district_admin"], name="FixMyStreet", area=city.district
    )
    return key


def xml(response) -> ET.Element:
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    return ET.fromstring(response.content)


def create(key: str | None, fmt: str = "json", **fields):
    data = {"service_code": "001", "lat": str(GRID_111[1]), "long": str(GRID_111[0]), **fields}
    if key is not None:
        data["api_key"] = key
    return Client().post(f"{BASE}requests.{fmt}", data)


# ---------------------------------------------------------------- services


def test_services_xml_matches_the_spec_example(city, cat):
    root = xml(Client().get(BASE + "services.xml"))
    assert root.tag == "services"
    services_ = root.findall("service")
    assert [s.findtext("service_code") for s in services_] == ["001", "renovation"]
    first = services_[0]
    assert [child.tag for child in first] == SERVICE_KEYS
    assert first.findtext("service_name") == "占道经营"
    assert first.findtext("metadata") == "false" and first.findtext("type") == "realtime"
    assert first.findtext("group") == "市容环境" and first.findtext("keywords") == "摆摊, 占道, 流动摊贩"
    assert services_[1].findtext("metadata") == "true"  # one-window item with materials


def test_services_json(city, cat):
    response = Client().get(BASE + "services.json")
    assert response["Content-Type"] == "application/json; charset=utf-8"
    rows = response.json()
    assert isinstance(rows, list) and list(rows[0]) == SERVICE_KEYS
    assert rows[0]["metadata"] is False and rows[1]["metadata"] is True


def test_service_definition(city, cat):
    root = xml(Client().get(BASE + "services/renovation.xml"))
    assert root.tag == "service_definition" and root.findtext("service_code") == "renovation"
    attribute = root.find("attributes/attribute")
    assert attribute is not None
    assert [c.tag for c in attribute] == [
        "variable",
        "code",
        "datatype",
        "required",
        "datatype_description",
        "order",
        "description",
        "values",
    ]
    assert attribute.findtext("datatype") == "multivaluelist" and attribute.findtext("variable") == "true"
    values = [(v.findtext("key"), v.findtext("name")) for v in attribute.findall("values/value")]
    assert values == [("身份证", "身份证"), ("房产证", "房产证")]
    as_json = Client().get(BASE + "services/renovation.json").json()
    assert as_json["attributes"][0]["values"][1] == {"key": "房产证", "name": "房产证"}


def test_unknown_service_is_404_error_body(city, cat):
    response = Client().get(BASE + "services/nope.xml")
    assert response.status_code == 404
    root = xml(response)
    assert root.tag == "errors" and root.find("error/code").text == "404"
    assert "nope" in root.findtext("error/description")
    assert Client().get(BASE + "services/nope.json").json()[0]["code"] == 404


# ---------------------------------------------------------------- POST requests


def test_post_request_xml_answer_and_ticket(city, cat, key, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = create(
            key,
            "xml",
            description="路口有人摆摊",
            first_name="明",
            last_name="张",
            phone="13800001111",
            email="z@example.com",
            address_string="芝罘区某路1号",
        )
    assert response.status_code == 200, response.content
    root = xml(response)
    assert root.tag == "service_requests"
    request = root.find("request")
    assert [c.tag for c in request] == ["service_request_id", "service_notice", "account_id"]
    ticket = Ticket.objects.get(pk=int(request.findtext("service_request_id")))
    assert ticket.channel == Channel.OPEN311 and ticket.category == cat["stalls"]
    assert ticket.grid_id == city.grids[0].pk and ticket.contact_name == "张明"
    assert ticket.contact_phone == "13800001111" and ticket.requester is None
    assert ticket.address == "芝罘区某路1号"
    assert TicketEvent.objects.filter(ticket=ticket, kind="created").count() == 1


def test_post_request_json_with_attributes_media(city, cat, key):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = Client().post(
        BASE + "requests.json",
        {
            "api_key": key,
            "service_code": "renovation",
            "lat": str(GRID_111[1]),
            "long": str(GRID_111[0]),
            "attribute[materials][]": ["身份证", "房产证"],
            "media_url": "https://example.org/a.jpg",
            "media": SimpleUploadedFile("a.jpg", jpeg_bytes(), content_type="image/jpeg"),
        },
    )
    assert response.status_code == 200, response.content
    answer = response.json()
    assert list(answer[0]) == ["service_request_id", "service_notice", "account_id"]
    assert answer[0]["account_id"] is None
    ticket = Ticket.objects.get(pk=answer[0]["service_request_id"])
    assert ticket.materials == ["身份证", "房产证"]
    assert ticket.text.startswith("装修备案") and "https://example.org/a.jpg" in ticket.text
    assert ticket.photos.count() == 1


@pytest.mark.parametrize(
    ("fields", "key_kind", "status"),
    [
        ({}, "missing", 403),
        ({}, "wrong", 403),
        ({"service_code": ""}, "good", 400),
        ({"service_code": "zzz"}, "good", 404),
        ({"lat": "", "long": ""}, "good", 400),
        ({"lat": "abc"}, "good", 400),
        ({"lat": str(OUTSIDE[1]), "long": str(OUTSIDE[0])}, "good", 400),
        ({"phone": "12ab"}, "good", 400),
        ({"media_url": "javascript:alert(1)"}, "good", 400),
        ({"description": "长" * 2001}, "good", 400),
    ],
)
def test_post_request_errors(city, cat, key, fields, key_kind, status):
    before = (Ticket.objects.count(), TicketEvent.objects.count())
    api_key = {"missing": None, "wrong": "not-a-key", "good": key}[key_kind]
    for fmt in ("xml", "json"):
        response = create(api_key, fmt, **fields)
        assert response.status_code == status, response.content
        if fmt == "xml":
            root = xml(response)
            assert root.tag == "errors" and root.findtext("error/code") == str(status)
            assert root.findtext("error/description")
        else:
            assert response.json()[0]["code"] == status
    assert (Ticket.objects.count(), TicketEvent.objects.count()) == before


def test_client_area_limits_where_it_may_report(city, cat):
    _client, street_key = open311_client_create(
        actor=city.users["district_admin"], name="街道1 App", area=city.streets[0]
    )
    assert create(street_key, long=str(GRID_211[0]), lat=str(GRID_211[1])).status_code == 400
    assert Ticket.objects.count() == 0
    # With only an address, a street-level client's requests go to its street.
    response = create(street_key, lat="", long="", address_string="街道1某小区")
    assert response.status_code == 200
    ticket = Ticket.objects.get()
    assert ticket.street_id == city.streets[0].pk and ticket.grid_id is None


def test_inactive_key_is_refused(city, cat):
    client, key = open311_client_create(actor=city.users["district_admin"], name="old", area=city.district)
    client.active = False
    client.save()
    assert create(key).status_code == 403


def test_only_admins_create_keys(city):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        open311_client_create(actor=city.users["street_staff"], name="x", area=city.streets[0])
    with pytest.raises(PermissionDenied):
        open311_client_create(actor=city.users["district_admin"], name="x", area=None)


# ---------------------------------------------------------------- GET requests


@pytest.fixture
def published(city, cat):
    """Two tickets of service 001 (one resolved) and one of an unpublished item."""
    u = city.users
    a = services.ticket_create(
        actor=u["resident"],
        text="摆摊一",
        channel=Channel.WEB,
        lon=GRID_111[0],
        lat=GRID_111[1],
        category=cat["stalls"],
    )
    b = services.ticket_create(
        actor=u["resident"],
        text="摆摊二",
        channel=Channel.WEB,
        lon=GRID_111[0],
        lat=GRID_111[1],
        category=cat["stalls"],
    )
    b = services.ticket_accept(actor=u["grid_worker"], ticket=b)
    b = services.ticket_resolve(actor=u["grid_worker"], ticket=b, explanation="已劝离")
    hidden = services.ticket_create(
        actor=u["resident"],
        text="电梯",
        channel=Channel.WEB,
        lon=GRID_111[0],
        lat=GRID_111[1],
        category=cat["lift"],
    )
    return a, b, hidden


def test_get_requests_xml_shape(city, cat, published):
    a, b, _hidden = published
    root = xml(Client().get(BASE + "requests.xml"))
    assert root.tag == "service_requests"
    rows = root.findall("request")
    assert [int(r.findtext("service_request_id")) for r in rows] == [b.pk, a.pk]
    assert [c.tag for c in rows[0]] == REQUEST_KEYS
    assert rows[0].findtext("status") == "closed" and rows[0].findtext("status_notes") == "已劝离"
    assert rows[1].findtext("status") == "open"
    assert rows[1].findtext("agency_responsible") == city.grids[0].name
    requested = dt.datetime.fromisoformat(rows[1].findtext("requested_datetime"))
    assert requested.utcoffset() == dt.timedelta(hours=8)
    assert float(rows[1].findtext("lat")) == pytest.approx(GRID_111[1])
    assert float(rows[1].findtext("long")) == pytest.approx(GRID_111[0])


def test_get_requests_filters(city, cat, published):
    a, b, hidden = published

    def ids(query: str) -> list[int]:
        response = Client().get(BASE + "requests.json?" + query)
        assert response.status_code == 200, response.content
        return [r["service_request_id"] for r in response.json()]

    assert ids("status=open") == [a.pk]
    assert ids("status=closed") == [b.pk]
    assert ids("service_code=001") == [b.pk, a.pk]
    assert ids("service_code=renovation") == []
    assert ids(f"service_request_id={a.pk},{hidden.pk}") == [a.pk]
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    assert ids(f"start_date={tomorrow}") == []
    Ticket.objects.filter(pk=a.pk).update(created_at=timezone.now() - dt.timedelta(days=100))
    assert ids("") == [b.pk]  # 90 days by default
    old = (timezone.now() - dt.timedelta(days=120)).isoformat()
    assert ids("start_date=" + old.replace("+", "%2B")) == [b.pk, a.pk]


@pytest.mark.parametrize(
    "query",
    [
        "status=pending",
        "start_date=yesterday",
        "service_request_id=a,b",
        "service_request_id=%C2%B9",
        "service_request_id=" + "9" * 30,
        "end_date=0001-01-01",
        "start_date=0001-01-01",
        "end_date=9999-12-31T23:59:59-12:00",
        "end_date=2024-02-30",
    ],
)
def test_get_requests_bad_filter(city, cat, query):
    response = Client().get(BASE + "requests.xml?" + query)
    assert response.status_code == 400
    assert xml(response).findtext("error/code") == "400"
    as_json = Client().get(BASE + "requests.json?" + query)
    assert as_json.status_code == 400 and as_json.json()[0]["code"] == 400


def test_get_one_request(city, cat, published):
    a, _b, hidden = published
    one = Client().get(f"{BASE}requests/{a.pk}.json").json()
    assert len(one) == 1 and one[0]["service_request_id"] == a.pk and one[0]["description"] == "摆摊一"
    assert "contact" not in str(one) and not re.search(r"1[3-9]\d{9}", str(one))
    missing = Client().get(f"{BASE}requests/{hidden.pk}.xml")
    assert missing.status_code == 404 and xml(missing).findtext("error/code") == "404"


def test_get_requests_query_count(city, cat, published, django_assert_max_num_queries):
    for i in range(10):
        services.ticket_create(
            actor=None,
            text=f"摆摊{i}",
            channel=Channel.OPEN311,
            lon=GRID_111[0],
            lat=GRID_111[1],
            category=cat["stalls"],
        )
    # The page of tickets (with their services and handling areas) and the lead whistles; photos
    # are not published, so not loaded.
    with django_assert_max_num_queries(2):
        response = Client().get(BASE + "requests.json")
    assert len(response.json()) == 12
