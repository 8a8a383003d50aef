"""Refused steps write nothing: for each step below, every persona that may not take it is refused
with PermissionDenied and leaves no event, notification, outbox message or audit entry behind, and
no column of the objects it would change (``tests.asserts.nothing_written``)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from quanyu.tickets import services
from quanyu.tickets.models import RehandlingEntry, Ticket
from tests.asserts import nothing_written
from tests.tickets.factories import new_ticket, whistled

OUTSIDE_TIER = {"community_y", "department_handler", "housing_handler", "resident", "outsider"}
STREET_ONLY = {"community_x", "grid_worker", *OUTSIDE_TIER}

PERSONAS = [
    "district_admin",
    "street_staff",
    "community_x",
    "community_y",
    "grid_worker",
    "department_handler",
    "housing_handler",
    "resident",
    "outsider",
]


def _merge(city, cat):
    original = new_ticket(city, text="原诉求")
    ticket = new_ticket(city)
    return (ticket, original), lambda a: services.ticket_merge(
        actor=a, ticket=ticket, into=original, reason="重复"
    )


def _whistle_cancel(city, cat):
    ticket, lead, _assist = whistled(city, cat)
    return (ticket, lead), lambda a: services.whistle_cancel(actor=a, whistle=lead, reason="撤回")


def _supervision_close(city, cat):
    ticket = new_ticket(city)
    order = services.ticket_supervise(actor=city.users["street_staff"], ticket=ticket, reason="群众反映强烈")
    return (ticket, order), lambda a: services.supervision_close(actor=a, order=order, note="已督促")


def _rehandling_close(city, cat):
    u = city.users
    ticket = services.ticket_accept(actor=u["grid_worker"], ticket=new_ticket(city))
    for _round in range(2):  # the second 不满意 finds the reopen allowance used: a ledger entry
        ticket = Ticket.objects.get(pk=ticket.pk)
        ticket = services.ticket_resolve(actor=u["grid_worker"], ticket=ticket, explanation="已处理")
        services.ticket_rate(actor=u["resident"], ticket=ticket, level="dissatisfied", comment="还是有")
    entry = RehandlingEntry.objects.get(ticket=ticket)
    return (Ticket.objects.get(pk=ticket.pk), entry), lambda a: services.rehandling_close(
        actor=a, entry=entry, note="已重办"
    )


def _categorise(city, cat):
    ticket = new_ticket(city)
    return (ticket,), lambda a: services.ticket_categorise(actor=a, ticket=ticket, category=cat["lift"])


def _rating_link(city, cat):
    u = city.users
    ticket = services.ticket_accept(actor=u["grid_worker"], ticket=new_ticket(city))
    ticket = services.ticket_resolve(actor=u["grid_worker"], ticket=ticket, explanation="已处理")
    return (ticket,), lambda a: services.ticket_rating_link_issue(actor=a, ticket=ticket)


DENIED = [
    # step, setup, the personas refused
    ("ticket_merge", _merge,
     OUTSIDE_TIER),
    ("whistle_cancel", _whistle_cancel,
     STREET_ONLY),
    ("supervision_close", _supervision_close,
     STREET_ONLY),
    ("rehandling_close", _rehandling_close,
     OUTSIDE_TIER),
    ("ticket_categorise", _categorise,
     OUTSIDE_TIER),
    ("ticket_rating_link_issue", _rating_link,
     OUTSIDE_TIER),
]  # fmt: skip


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(("step", "setup", "refused"), DENIED, ids=[d[0] for d in DENIED])
def test_a_refused_step_writes_nothing(city, cat, persona, step, setup, refused):
    objects, call = setup(city, cat)
    actor = city.users[persona]
    if persona not in refused:
        call(actor)  # allowed: it goes through (the matrix names every persona)
        return
    with nothing_written(*objects), pytest.raises(PermissionDenied):
        call(actor)
