"""Similar open tickets offered for merging: nearby ones of the same item and near-duplicate
texts, within the actor's scope, on the ticket's page (with a one-click merge) and in the API."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from quanyu.tickets.models import Ticket
from quanyu.tickets.similar import distance_m, similar_open_tickets, text_similarity
from quanyu.tickets.states import TicketStatus
from tests.tickets.factories import GRID_111, GRID_211, new_ticket

pytestmark = pytest.mark.django_db

NEAR = (GRID_111[0] + 0.001, GRID_111[1])  # about 90 m east


def test_the_measures():
    assert distance_m(121.32, 37.52, 121.321, 37.52) == pytest.approx(88.2, abs=1)
    assert text_similarity("楼下有人摆摊占道", "楼下有人摆摊占道") == 1.0
    assert text_similarity("楼下有人摆摊", "电梯坏了") == 0.0


def test_nearby_same_item_and_near_duplicate_texts_are_offered(city, cat):
    ticket = new_ticket(city, text="楼下有人摆摊占道")
    nearby = new_ticket(city, text="流动摊贩堵住路口", point=NEAR)  # 占道经营 by its keywords
    copy = new_ticket(city, text="楼下有人摆摊占道，请管管")
    new_ticket(city, text="路灯不亮", point=NEAR)  # nothing in common
    new_ticket(city, text="楼下有人摆摊占道", point=GRID_211)  # another street
    done = new_ticket(city, text="楼下有人摆摊占道了")
    Ticket.objects.filter(pk=done.pk).update(status=TicketStatus.CLOSED)
    found = similar_open_tickets(actor=city.users["community_x"], ticket=ticket)
    assert [s.ticket.pk for s in found] == [copy.pk, nearby.pk]
    assert found[0].nearby_same_item and found[0].distance_m == pytest.approx(0, abs=1)
    assert found[1].nearby_same_item and 50 < found[1].distance_m < 150
    assert similar_open_tickets(actor=city.users["community_y"], ticket=ticket) == []  # out of scope


def test_the_page_offers_a_merge_and_the_api_lists_them(city, cat):
    ticket = new_ticket(city, text="楼下有人摆摊占道")
    original = new_ticket(city, text="楼下有人摆摊占道，请管管")
    grid = Client()
    grid.force_login(city.users["grid_worker"])
    page = grid.get(f"/tickets/{ticket.pk}/").content.decode()
    assert f'data-similar="{original.pk}"' in page
    merged = grid.post(f"/tickets/{ticket.pk}/act/merge/", {"into": original.pk, "reason": "重复"})
    assert merged.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.MERGED and ticket.merged_into_id == original.pk
    answer = grid.get(f"/api/tickets/{original.pk}/similar/")
    assert answer.status_code == 200 and answer.json() == []  # the duplicate is no longer open
    resident = Client()
    resident.force_login(city.users["resident"])
    assert f'data-similar="{original.pk}"' not in resident.get(f"/tickets/{ticket.pk}/").content.decode()
    outsider = Client()
    outsider.force_login(city.users["community_y"])
    assert outsider.get(f"/api/tickets/{original.pk}/similar/").status_code == 404


def test_the_intake_forms_show_similar_open_requests_before_sending(city, cat):
    """While a request is written (the patrol and submit forms call /tickets/similar/ as the text
    changes or a point is picked): open requests nearby of the same item, or of near-identical
    text, that the writer may see; a resident sees only their own; bad input is no error."""
    nearby = new_ticket(city, text="流动摊贩堵住路口", point=NEAR)  # 占道经营 by its keywords
    copy = new_ticket(city, text="楼下有人摆摊占道，请管管")
    other_street = new_ticket(city, text="楼下有人摆摊占道", point=GRID_211)
    own = new_ticket(city, city.users["resident"], text="楼下有人摆摊占道")
    grid = Client()
    grid.force_login(city.users["grid_worker"])
    url = f"/tickets/similar/?text=楼下有人摆摊占道&lon={GRID_111[0]}&lat={GRID_111[1]}"
    body = grid.get(url).content.decode()
    assert f'data-similar="{copy.pk}"' in body and f'data-similar="{nearby.pk}"' in body
    assert f'data-similar="{other_street.pk}"' not in body  # the picked point's street only
    assert "已有相近的诉求正在办理" in body
    # Without a point: by text, anywhere the writer may see.
    by_text = grid.get("/tickets/similar/?text=楼下有人摆摊占道").content.decode()
    assert f'data-similar="{copy.pk}"' in by_text and f'data-similar="{nearby.pk}"' not in by_text
    outsider = Client()
    outsider.force_login(city.users["community_y"])
    assert "data-similar" not in outsider.get(url).content.decode()
    resident = Client()
    resident.force_login(city.users["resident"])
    mine = resident.get(url).content.decode()
    assert set(map(int, re.findall(r'data-similar="(\d+)"', mine))) <= set(
        Ticket.objects.filter(requester=city.users["resident"]).values_list("pk", flat=True)
    )
    assert f'data-similar="{own.pk}"' in mine
    for bad in ("?text=", "?text=x&lon=abc&lat=1", "?text=楼下&lon=999&lat=999", "?lon=1e400&lat=nan"):
        r = grid.get("/tickets/similar/" + bad)
        assert r.status_code == 200 and "data-similar" not in r.content.decode()
    form = grid.get("/tickets/patrol/").content.decode()
    assert 'id="draft-similar"' in form and "/tickets/similar/" in form
