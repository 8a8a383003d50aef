"""A resolution whose reply is only the acknowledgement formula is sent back with the reasons
named, by the tier and by a department alike, and nothing is written; a short reply of its own
passes."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from quanyu.analytics.replies import formula_only, reply_problems
from quanyu.tickets import services
from quanyu.tickets.states import TicketStatus, WhistleStatus
from tests.asserts import nothing_written
from tests.tickets.factories import assist_finished, new_ticket, whistled

pytestmark = pytest.mark.django_db

FORMULA = "您的留言已收悉，我们将尽快处理。感谢您的关注！"


@pytest.mark.parametrize(
    ("reply", "only"),
    [
        (FORMULA, True),
        ("谢谢", True),
        ("网友：您好！来信收悉。此复。2024年5月6日", True),
        ("已修好", False),
        ("ok", False),
        ("已修好，谢谢", False),
        ("经核实，物业已于5月6日更换电梯主板，如有问题请联系0535-1234567。", False),
    ],
)
def test_what_counts_as_formula_only(reply, only):
    assert formula_only(reply) is only


def test_the_reasons_name_what_is_missing():
    reasons = reply_problems(lambda: "电梯坏了三天了，什么时候能修好？", FORMULA)
    assert reasons[0] == "只有受理、感谢等套话" and reasons[-1] == "没有回应诉求中提出的问题"
    assert reply_problems(lambda: "楼道堆满杂物", "谢谢")[1] == "没有说明依据、办理经过或联系方式"
    assert reply_problems(lambda: pytest.fail("not read"), "已修好") == []


def test_the_tier_cannot_resolve_with_the_formula(city, cat):
    grid = city.users["grid_worker"]
    ticket = services.ticket_accept(actor=grid, ticket=new_ticket(city))
    with nothing_written(ticket), pytest.raises(ValidationError) as refused:
        services.ticket_resolve(actor=grid, ticket=ticket, explanation=FORMULA)
    assert "只有受理、感谢等套话" in refused.value.message_dict["explanation"][0]
    done = services.ticket_resolve(actor=grid, ticket=ticket, explanation="已劝离摊贩，通道恢复畅通")
    assert done.status == TicketStatus.RESOLVED


def test_a_department_cannot_either_and_the_api_names_the_field(city, cat, settings):
    ticket, lead, assist = whistled(city, cat)
    handler = city.users["housing_handler"]
    lead = services.whistle_respond(actor=handler, whistle=lead)
    assist_finished(city, assist)
    with nothing_written(lead), pytest.raises(ValidationError):
        services.whistle_resolve(actor=handler, whistle=lead, explanation="感谢您的关注，我们会及时处理。")
    client = Client()
    client.force_login(handler)
    answer = client.post(
        f"/api/tickets/{ticket.pk}/resolve/", {"explanation": FORMULA}, content_type="application/json"
    )
    assert answer.status_code == 400 and "explanation" in answer.json()
    settings.QUANYU_REPLY_CHECK = False  # the bar can be switched off
    resolved = services.whistle_resolve(actor=handler, whistle=lead, explanation=FORMULA)
    assert resolved.status == WhistleStatus.RESOLVED
