"""The quality of a ticket's answers for the staff who follow it (issue 17, "reply quality"): the
resolution's explanation and each department's, scored (relevance, completeness, explanation,
working days) on the ticket's page and at /api/tickets/{id}/reply-quality/; not for the
resident or the department; out of scope is a 404."""

from __future__ import annotations

import pytest
from django.test import Client

from quanyu.tickets import services
from tests.tickets.factories import assist_finished, new_ticket, whistled

pytestmark = pytest.mark.django_db

GOOD = (
    "经现场核实，楼下占道摆摊属实。依据《城市市容和环境卫生管理条例》已责令摊主撤离，"
    "并安排网格员每日巡查。如有疑问请联系社区电话 0535-6661234。"
)


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_the_street_sees_each_answers_quality(city, cat):
    ticket = new_ticket(city, text="楼下有人摆摊占道，晚上很吵，能否管一管？")
    grid = city.users["grid_worker"]
    ticket = services.ticket_accept(actor=grid, ticket=ticket)
    services.ticket_resolve(actor=grid, ticket=ticket, explanation=GOOD)
    page = client_for(city.users["street_staff"]).get(f"/tickets/{ticket.pk}/").content.decode()
    assert 'id="reply-quality"' in page and 'data-reply="0"' in page
    api = client_for(city.users["street_staff"]).get(f"/api/tickets/{ticket.pk}/reply-quality/")
    assert api.status_code == 200
    [row] = api.json()
    assert row["text"] == GOOD and row["explanation"] == 1.0 and row["timeliness_days"] == 0
    assert row["overall"] > 0.6 and "boilerplate" not in row["flags"] and "no_time" not in row["flags"]
    # Not the resident's (who rates the result) page or answer.
    resident = client_for(city.users["resident"])
    assert 'id="reply-quality"' not in resident.get(f"/tickets/{ticket.pk}/").content.decode()
    assert resident.get(f"/api/tickets/{ticket.pk}/reply-quality/").status_code == 403
    assert (
        client_for(city.users["community_y"]).get(f"/api/tickets/{ticket.pk}/reply-quality/").status_code
        == 404
    )


def test_a_departments_thin_answer_is_flagged_beside_a_full_one(city, cat):
    ticket, _lead, assist = whistled(city, cat)
    assist_finished(city, assist, explanation="已处理。")
    answer = client_for(city.users["district_admin"]).get(f"/api/tickets/{ticket.pk}/reply-quality/")
    [row] = answer.json()
    assert row["who"] == "区城管局" and {"off_topic", "points_unanswered"} <= set(row["flags"])
    assert row["overall"] < 0.4
    page = client_for(city.users["street_staff"]).get(f"/tickets/{ticket.pk}/").content.decode()
    assert "答非所问" in page.split('id="reply-quality"', 1)[1]
    handler = client_for(city.users["department_handler"])
    assert handler.get(f"/api/tickets/{ticket.pk}/reply-quality/").status_code == 403
