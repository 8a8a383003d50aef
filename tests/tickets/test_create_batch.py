"""``ticket_create_batch``: several requests created together give what ``ticket_create`` gives for
each, a refused one refuses only itself, and the lot costs a few statements, not a few each."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms.models import model_to_dict

from quanyu.notify.models import Notification
from quanyu.tickets import services
from quanyu.tickets.models import Channel, Ticket, TicketEvent

pytestmark = pytest.mark.django_db


def _request(city: Any, text: str, **kw: Any) -> dict[str, Any]:
    return {
        "actor": city.users["resident"],
        "text": text,
        "channel": Channel.API,
        "lon": 121.32,
        "lat": 37.52,
        "contact_phone": "13812345678",
        **kw,
    }


def _written(ticket_id: int) -> dict[str, Any]:
    row = model_to_dict(Ticket.objects.get(pk=ticket_id))
    for name in ("id", "text", "idempotency_key", "created_at", "response_due", "completion_due"):
        row.pop(name, None)
    event = TicketEvent.objects.get(ticket_id=ticket_id)
    notes = sorted(
        (n.recipient_id, n.kind, n.title.split("：")[0])
        for n in Notification.objects.filter(link__contains=f"/{ticket_id}/")
    )
    event_row = (event.kind, event.actor_id, event.to_status, event.payload)
    return {"ticket": row, "event": event_row, "notes": notes}


def test_each_valid_request_is_written_as_ticket_create_writes_it(city, cat):
    alone = services.ticket_create(**_request(city, "小区门口有流动摊贩摆摊占道"))
    results = services.ticket_create_batch(
        [
            _request(city, "小区门口有流动摊贩摆摊占道"),
            _request(city, ""),  # no text
            _request(city, "路灯不亮", lon=100.0),  # outside the city
            _request(city, "电梯停运三天了", channel=Channel.PATROL),  # a staff channel: not theirs
            _request(city, "小区门口有流动摊贩摆摊占道", idempotency_key="k-1"),
        ]
    )
    first, no_text, outside, not_theirs, keyed = results
    assert isinstance(first, Ticket) and isinstance(keyed, Ticket)
    assert isinstance(no_text, ValidationError) and "text" in no_text.message_dict
    assert isinstance(outside, ValidationError) and "lon" in outside.message_dict
    assert isinstance(not_theirs, PermissionDenied)
    assert Ticket.objects.count() == 3
    assert _written(first.pk) == _written(alone.pk) == _written(keyed.pk)
    assert _written(first.pk)["notes"], "the grid's staff are told"
    assert first.replayed is False and keyed.idempotency_key == "k-1"


def test_a_batch_costs_the_same_few_statements_whatever_its_size(city, cat, django_assert_max_num_queries):
    services.ticket_create_batch([_request(city, "预热")])  # the per-process caches filled
    with django_assert_max_num_queries(5):  # BEGIN, tickets, events, notifications, COMMIT
        results = services.ticket_create_batch([_request(city, f"路灯不亮 {i}") for i in range(20)])
    assert all(isinstance(r, Ticket) and r.pk for r in results)
    assert len({r.pk for r in results}) == 20
    assert TicketEvent.objects.filter(ticket__in=results, kind="created").count() == 20


def test_a_key_used_before_or_twice_in_the_batch_answers_the_first_ticket(city, cat):
    before = services.ticket_create(**_request(city, "夜间施工噪音扰民", idempotency_key="seen"))
    results = services.ticket_create_batch(
        [
            _request(city, "路灯不亮", idempotency_key="twice"),
            _request(city, "夜间施工噪音扰民", idempotency_key="seen"),
            _request(city, "路灯不亮", idempotency_key="twice"),
            _request(city, "楼道堆放杂物"),
        ]
    )
    first, retried, again, plain = results
    assert retried.pk == before.pk and retried.replayed is True
    assert again.pk == first.pk and first.replayed is False and again.replayed is True
    assert isinstance(plain, Ticket) and plain.replayed is False
    assert Ticket.objects.count() == 3
    assert TicketEvent.objects.filter(kind="created").count() == 3


def test_another_accounts_key_is_refused_without_stopping_the_others(city, cat):
    services.ticket_create(**_request(city, "路灯不亮", idempotency_key="theirs"))
    outsider = city.users["outsider"]
    results = services.ticket_create_batch(
        [
            _request(city, "路灯不亮", actor=outsider, idempotency_key="theirs"),
            _request(city, "楼道堆放杂物", actor=outsider),
        ]
    )
    assert isinstance(results[0], ValidationError) and "idempotency_key" in results[0].message_dict
    assert isinstance(results[1], Ticket) and results[1].created_by == outsider
    assert Ticket.objects.count() == 2
