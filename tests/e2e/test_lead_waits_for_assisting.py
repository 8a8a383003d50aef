"""Co-handling in a real browser (issue 13 point 8): the lead department's 办结 waits for every
assisting part. While the assisting department's part is open the lead's 办结 form says so, and
submitting it without a reason is refused with nothing changed; the lead may answer first with a
recorded reason (the override), or the assisting part is done first and the lead's form no longer
asks. Only then is the resident asked to rate."""

from __future__ import annotations

import pytest

from quanyu.tickets import services
from quanyu.tickets.models import Ticket, TicketEvent, Whistle
from tests.tickets.factories import whistled

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _both_responded(city, cat):
    """A ticket whistled to 区住建局 (lead) and 区城管局 (assisting), both at work."""
    ticket, lead, assist = whistled(city, cat)
    services.whistle_respond(actor=city.users["housing_handler"], whistle=lead)
    services.whistle_respond(actor=city.users["department_handler"], whistle=assist)
    return ticket, lead, assist


def _resolve(page, whistle_pk: int, fields: dict[str, str]):
    """Open the whistle's 办结 form on the ticket page, fill it, submit; the response to the post."""
    box = page.locator(f"#w-actions-{whistle_pk} details[data-action=resolve]")
    if not box.evaluate("d => d.open"):
        box.locator("summary").click()
    for name, value in fields.items():
        box.locator(f"[name={name}]").fill(value)
    with page.expect_navigation() as navigation:
        box.locator("button[type=submit]").click()
    return navigation.value


def _held_back(housing, url: str, ticket: Ticket, lead: Whistle) -> None:
    """The lead's form names the open assisting part; 办结 without a reason is refused and nothing
    changes."""
    housing.goto(f"{url}/tickets/{ticket.pk}/")
    box = housing.locator(f"#w-actions-{lead.pk} details[data-action=resolve]")
    box.locator("summary").click()
    assert "协办部门（区城管局）尚未办结" in box.inner_text()
    response = _resolve(housing, lead.pk, {"explanation": "电梯已修复并通过检测"})
    assert response.status == 400
    refused = housing.locator(f"#w-actions-{lead.pk} details[data-action=resolve]").inner_text()
    assert "请待其办结后再办结，或填写先行办结的理由" in refused
    ticket.refresh_from_db()
    lead.refresh_from_db()
    assert (ticket.status, lead.status) == ("whistled", "responded")
    assert not TicketEvent.objects.filter(ticket=ticket, kind__in=["whistle_resolved", "resolved"]).exists()


def _not_asked_to_rate(resident, url: str, ticket: Ticket) -> None:
    resident.goto(f"{url}/tickets/mine/")
    resident.locator(f"article.qy-mine-item[data-ticket='{ticket.pk}']").wait_for()
    assert resident.locator("a.qy-rate-link").count() == 0
    assert resident.locator("form[data-action=rate]").count() == 0


def _asked_to_rate(resident, url: str, ticket: Ticket) -> None:
    """The resident's requests page (/tickets/mine/) carries the request to rate, leading to the
    request, and the rating form."""
    resident.goto(f"{url}/tickets/mine/")
    resident.locator(f"a.qy-rate-link[href='/tickets/{ticket.pk}/']").wait_for()
    item = resident.locator(f"article.qy-mine-item[data-ticket='{ticket.pk}']")
    item.locator("form[data-action=rate]").wait_for()


def test_the_lead_answers_first_only_with_a_reason(open_as, live_server, world):
    city, cat = world
    url = live_server.url
    ticket, lead, assist = _both_responded(city, cat)

    resident = open_as("resident", phone=True)
    housing = open_as("housing_handler")
    _held_back(housing, url, ticket, lead)
    _not_asked_to_rate(resident, url, ticket)

    # The override: the lead answers first and says why.
    response = _resolve(
        housing,
        lead.pk,
        {
            "explanation": "电梯已修复并通过检测",
            "override_reason": "居民出行受阻，先行答复；城管局清理工作另行跟进",
        },
    )
    assert response.status == 200
    assert "已办结" in housing.locator(".qy-messages").inner_text()
    ticket.refresh_from_db()
    assert ticket.status == "resolved"
    event = TicketEvent.objects.get(ticket=ticket, kind="whistle_resolved", whistle=lead)
    assert event.payload["override_reason"] == "居民出行受阻，先行答复；城管局清理工作另行跟进"
    assert event.payload["assisting_open"] == [assist.pk]
    # The assisting part stays open, on its own limits.
    assert Whistle.objects.get(pk=assist.pk).status == "responded"

    _asked_to_rate(resident, url, ticket)


def test_the_assisting_part_done_first_frees_the_lead(open_as, live_server, world):
    city, cat = world
    url = live_server.url
    ticket, lead, assist = _both_responded(city, cat)

    resident = open_as("resident", phone=True)
    housing = open_as("housing_handler")
    _held_back(housing, url, ticket, lead)

    # The assisting department reports its part in the browser …
    helper = open_as("department_handler")
    helper.goto(f"{url}/tickets/{ticket.pk}/")
    assert helper.locator(f"#w-actions-{assist.pk} [name=override_reason]").count() == 0
    _resolve(helper, assist.pk, {"explanation": "已清理占道摊点，配合主办部门处置完毕"})
    assert Whistle.objects.get(pk=assist.pk).status == "resolved"
    ticket.refresh_from_db()
    assert ticket.status == "whistled"
    _not_asked_to_rate(resident, url, ticket)

    # … and the lead's form no longer asks why; its 办结 resolves the ticket.
    housing.goto(f"{url}/tickets/{ticket.pk}/")
    box = housing.locator(f"#w-actions-{lead.pk} details[data-action=resolve]")
    box.locator("summary").click()
    assert box.locator("[name=override_reason]").count() == 0
    assert "尚未办结" not in box.inner_text()
    response = _resolve(housing, lead.pk, {"explanation": "已联合城管清理占道摊位，电梯恢复运行"})
    assert response.status == 200
    ticket.refresh_from_db()
    assert ticket.status == "resolved"
    event = TicketEvent.objects.get(ticket=ticket, kind="whistle_resolved", whistle=lead)
    assert "override_reason" not in event.payload

    _asked_to_rate(resident, url, ticket)
