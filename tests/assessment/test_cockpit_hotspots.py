"""Hot spots on the cockpit's early-warning panel: the hot spots early warning raised (its alerts,
read through its scoped selector) in the area shown, each opening its tickets; a street's staff
sees only their street's, another street is a 404."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from quanyu.analytics import services as alerts
from quanyu.analytics.models import Alert, AlertKind
from quanyu.catalog.models import Category
from tests.assessment.factories import DAY, community_ticket

pytestmark = pytest.mark.django_db


def client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def raised(city, people):
    """Three residents about litter in 社区1-1 and two about a lift in 社区2-1 (another street),
    raised as hot spots by early warning's sweep."""
    now = timezone.now()
    litter = Category.objects.create(code="H1", name="垃圾清运")
    lift = Category.objects.create(code="H2", name="电梯故障")
    for i in range(3):
        community_ticket(city, 0, at=now - DAY * (i + 1), category=litter, text=f"垃圾没人清运 {i}")
    for i in range(2):
        community_ticket(city, 2, at=now - DAY * (i + 1), category=lift, text=f"电梯坏了 {i}")
    alerts.alerts_raise()
    return {a.area_id: a for a in Alert.objects.filter(kind=AlertKind.HOTSPOT)}


def test_hot_spots_of_the_area_on_the_panel(city, people, raised):
    own = raised[city.communities[0].pk]
    other = raised[city.communities[2].pk]
    html = client(people["leader"]).get(f"/cockpit/?area={city.district.pk}").content.decode()
    assert 'id="cockpit-hotspots"' in html
    assert f'data-hotspot="{own.pk}"' in html and f'data-hotspot="{other.pk}"' in html
    street = client(people["leader"]).get(f"/cockpit/?area={city.streets[0].pk}").content.decode()
    assert f'data-hotspot="{own.pk}"' in street and f'data-hotspot="{other.pk}"' not in street
    assert "垃圾清运" in street
    # The street's staff: their street's hot spots only; the other street is not theirs.
    staff = client(people["street_staff"])
    mine = staff.get("/cockpit/").content.decode()
    assert f'data-hotspot="{own.pk}"' in mine and f'data-hotspot="{other.pk}"' not in mine
    assert staff.get(f"/cockpit/?area={city.streets[1].pk}").status_code == 404


def test_a_hot_spot_opens_its_tickets(city, people, raised):
    own = raised[city.communities[0].pk]
    url = f"/cockpit/tickets/?area={city.streets[0].pk}&hotspot={own.pk}"
    r = client(people["street_staff"]).get(url)
    assert r.status_code == 200
    html = r.content.decode()
    assert html.count("data-ticket=") == 3 == len(own.ticket_ids)
    assert all(f'data-ticket="{pk}"' in html for pk in own.ticket_ids)
    # A hot spot outside the area shown (or outside the viewer's scope) is a 404.
    other = raised[city.communities[2].pk]
    assert client(people["street_staff"]).get(url.replace(str(own.pk), str(other.pk))).status_code == 404
    assert client(people["leader"]).get(url.replace(str(own.pk), str(other.pk))).status_code == 404
    assert client(people["leader"]).get(url.replace(str(own.pk), "nope")).status_code == 404


def test_no_hot_spots_says_so(city, people):
    html = client(people["leader"]).get("/cockpit/").content.decode()
    assert "近期没有热点问题预警" in html


def test_the_cockpit_api_has_the_hot_spots_and_the_categories(city, people, raised):
    own = raised[city.communities[0].pk]
    other = raised[city.communities[2].pk]
    body = client(people["street_staff"]).get("/api/assessment/cockpit/").json()
    assert [h["id"] for h in body["hotspots"]] == [own.pk] != [other.pk]
    assert body["hotspots"][0]["tickets"] == 3
    # Tickets received per major category add up to the area's "received".
    received = float(body["area"]["figures"]["received"]["numerator"])
    assert sum(c["count"] for c in body["categories"]) == received  # 3 unless a month began since
