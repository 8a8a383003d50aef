"""tickets.services.intake on its fast path: a warm ``ticket_create`` reads areas and catalogue from
the per-process memories (query count pinned) and answers as the slow path would; insert-first
idempotency answers a replay with the first ticket."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from quanyu.notify.models import Notification
from quanyu.tickets import services
from quanyu.tickets.models import Channel, Ticket, TicketEvent
from tests.tickets.factories import GRID_111

pytestmark = pytest.mark.django_db


def test_create_uses_cached_areas_and_catalogue(city, cat, settings, django_assert_num_queries):
    settings.QUANYU_REVISION_RECHECK_SECONDS = 3600
    actor = city.users["resident"]
    services.ticket_create(
        actor=actor, text="路灯不亮", channel=Channel.API, lon=GRID_111[0], lat=GRID_111[1]
    )
    # Warm, inside one savepoint (SAVEPOINT + RELEASE = 2): the ticket and its event (2 inserts)
    # and the in-app rows of the grid's staff (1 insert; who they are is remembered since the
    # first create). No outbox row: none of the test staff has an e-mail address or a phone, so no
    # channel that delivers later reaches anyone (a staff member with one would add 1 insert).
    with django_assert_num_queries(5):
        ticket = services.ticket_create(
            actor=actor, text="路边有人摆摊", channel=Channel.API, lon=GRID_111[0], lat=GRID_111[1]
        )
    assert ticket.grid == city.grids[0] and ticket.community is not None and ticket.street is not None
    assert ticket.suggested_category.code == "0101" and ticket.tier == "grid"
    assert ticket.response_due is not None and ticket.replayed is False
    assert Notification.objects.filter(recipient=city.users["grid_worker"]).count() == 2


def test_idempotent_replay_answers_the_first_ticket(city, cat):
    actor = city.users["resident"]
    args = {
        "actor": actor,
        "text": "路灯不亮",
        "channel": Channel.API,
        "lon": GRID_111[0],
        "lat": GRID_111[1],
    }
    first = services.ticket_create(**args, idempotency_key="k-1")
    again = services.ticket_create(**args, idempotency_key="k-1")
    assert again.pk == first.pk and again.replayed is True and first.replayed is False
    assert Ticket.objects.filter(idempotency_key="k-1").count() == 1
    assert TicketEvent.objects.filter(ticket=first).count() == 1
    with pytest.raises(ValidationError) as err:
        services.ticket_create(**{**args, "actor": city.users["grid_worker"]}, idempotency_key="k-1")
    assert "idempotency_key" in err.value.message_dict
