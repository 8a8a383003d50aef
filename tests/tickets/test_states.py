"""The ticket state machine under random use: random sequences of actions by random actors never
leave the transition table, never lose an event, and the status always equals the replay of the
events. A refused action (permission, bad state) writes nothing."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from quanyu.tickets import services
from quanyu.tickets.models import Ticket, TicketEvent, Whistle
from quanyu.tickets.states import (
    ALLOWED,
    WHISTLE_OPEN,
    TicketStatus,
    WhistleStatus,
    can_transition,
    replay,
)
from tests.tickets.factories import new_ticket, to_street, whistled

pytestmark = pytest.mark.django_db

ACTORS = [
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


def _open_whistle(t, lead=None):
    qs = Whistle.objects.filter(ticket=t, status__in=list(WHISTLE_OPEN)).order_by("id")
    if lead is not None:
        qs = qs.filter(lead=lead)
    return qs.first()


def _need(obj):
    if obj is None:
        raise ValidationError("nothing to act on")
    return obj


ACTIONS = {
    "accept": lambda a, t, c, k: services.ticket_accept(actor=a, ticket=t),
    "assign": lambda a, t, c, k: services.ticket_assign(actor=a, ticket=t, assignee=a),
    "categorise": lambda a, t, c, k: services.ticket_categorise(actor=a, ticket=t, category=k["lift"]),
    "escalate": lambda a, t, c, k: services.ticket_escalate(actor=a, ticket=t, reason="上报"),
    "reassign": lambda a, t, c, k: services.ticket_reassign(
        actor=a, ticket=t, area=c.communities[0], reason="交办"
    ),
    "whistle": lambda a, t, c, k: services.ticket_whistle(
        actor=a, ticket=t, departments=[k["housing"], k["cg"]], lead=k["housing"]
    ),
    "whistle_more": lambda a, t, c, k: services.ticket_whistle(
        actor=a, ticket=t, departments=[k["cg"]], lead=None
    ),
    "respond": lambda a, t, c, k: services.whistle_respond(actor=a, whistle=_need(_open_whistle(t))),
    "whistle_resolve": lambda a, t, c, k: services.whistle_resolve(
        actor=a, whistle=_need(_open_whistle(t, lead=True)), explanation="已办结"
    ),
    "whistle_resolve_first": lambda a, t, c, k: services.whistle_resolve(
        actor=a,
        whistle=_need(_open_whistle(t, lead=True)),
        explanation="先行办结",
        override_reason="急需答复",
    ),
    "whistle_resolve_assist": lambda a, t, c, k: services.whistle_resolve(
        actor=a, whistle=_need(_open_whistle(t, lead=False)), explanation="协办完成"
    ),
    "whistle_return": lambda a, t, c, k: services.whistle_return(
        actor=a, whistle=_need(_open_whistle(t)), reason="退回"
    ),
    "whistle_cancel": lambda a, t, c, k: services.whistle_cancel(
        actor=a, whistle=_need(_open_whistle(t)), reason="撤回"
    ),
    "resolve": lambda a, t, c, k: services.ticket_resolve(actor=a, ticket=t, explanation="已处理"),
    "merge": lambda a, t, c, k: services.ticket_merge(actor=a, ticket=t, into=k["original"]),
    "cancel": lambda a, t, c, k: services.ticket_cancel(actor=a, ticket=t, reason="不需要了"),
    "transfer": lambda a, t, c, k: services.ticket_transfer_emergency(actor=a, ticket=t, target="120"),
    "supervise": lambda a, t, c, k: services.ticket_supervise(actor=a, ticket=t, reason="督办"),
    "close": lambda a, t, c, k: services.ticket_close(actor=a, ticket=t),
    "reopen": lambda a, t, c, k: services.ticket_reopen(actor=a, ticket=t, reason="复发"),
    "rate_ok": lambda a, t, c, k: services.ticket_rate(actor=a, ticket=t, level="satisfied"),
    "rate_bad": lambda a, t, c, k: services.ticket_rate(
        actor=a, ticket=t, level="dissatisfied", comment="不行"
    ),
    "callback": lambda a, t, c, k: services.ticket_callback(actor=a, ticket=t, level="basically"),
}

# "auto" picks a persona entitled to the action, so that sequences get deep into the loop; the
# others exercise refusals.
AUTO = {
    "respond": None,
    "whistle_return": None,
    "whistle_resolve": "housing_handler",
    "whistle_resolve_assist": "department_handler",
    "whistle_resolve_first": "housing_handler",
    "rate_ok": "resident",
    "rate_bad": "resident",
    "cancel": "resident",
}
steps = st.lists(
    st.tuples(st.sampled_from(sorted(ACTIONS)), st.sampled_from([*ACTORS, *["auto"] * len(ACTORS)])),
    min_size=1,
    max_size=12,
)


def _actor(city, persona: str, action: str, ticket: Ticket):
    if persona != "auto":
        return city.users[persona]
    name = AUTO.get(action, "street_staff")
    if name is None:
        w = _open_whistle(ticket)
        name = (
            "housing_handler" if w is not None and w.department.name == "区住建局" else "department_handler"
        )
    return city.users[name]


def _snapshot(t: Ticket) -> tuple:
    t.refresh_from_db()
    whistles = tuple(Whistle.objects.filter(ticket=t).order_by("id").values_list("status", flat=True))
    return t.status, TicketEvent.objects.filter(ticket=t).count(), whistles


def _check_invariants(t: Ticket) -> None:
    t.refresh_from_db()
    assert t.status in TicketStatus.values
    events = list(
        TicketEvent.objects.filter(ticket=t).order_by("at", "id").values_list("from_status", "to_status")
    )
    for from_status, to_status in events[1:]:
        assert can_transition(from_status, to_status), (from_status, to_status)
    assert replay(events) == t.status
    for status in Whistle.objects.filter(ticket=t).values_list("status", flat=True):
        assert status in WhistleStatus.values
    if t.status in (TicketStatus.CANCELLED, TicketStatus.MERGED, TicketStatus.TRANSFERRED):
        assert not Whistle.objects.filter(ticket=t, status__in=list(WHISTLE_OPEN)).exists()


def _start(city, cat, start: str, text: str) -> Ticket:
    """A ticket brought to a starting point through the services, so every state gets explored."""
    u = city.users
    t = new_ticket(city, text=text)
    if start == "new":
        return t
    if start == "street":
        return to_street(city, t)
    t, lead, _assist = whistled(city, cat, t)
    if start == "whistled":
        return t
    services.whistle_respond(actor=u["housing_handler"], whistle=lead)
    if start == "responded":
        return t
    # Answering before the assisting part is done (with the reason), so that the later steps meet
    # an assisting whistle still open on a resolved ticket.
    services.whistle_resolve(
        actor=u["housing_handler"],
        whistle=Whistle.objects.get(pk=lead.pk),
        explanation="ok",
        override_reason="诉求人急需答复",
    )
    if start == "resolved":
        return t
    services.ticket_rate(actor=u["resident"], ticket=Ticket.objects.get(pk=t.pk), level="satisfied")
    return t


def test_table_is_closed_over_statuses():
    assert set(ALLOWED) == set(TicketStatus)
    for targets in ALLOWED.values():
        assert targets <= set(TicketStatus)


@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    steps=steps,
    text=st.sampled_from(["楼下有人摆摊占道", "电梯停运", "井盖丢失"]),
    start=st.sampled_from(["new", "street", "whistled", "responded", "resolved", "closed"]),
)
def test_random_action_sequences_keep_the_machine_sound(city, cat, steps, text, start):
    original = new_ticket(city, text="原诉求")
    kit = {**cat, "original": original}
    ticket = _start(city, cat, start, text)
    _check_invariants(ticket)
    for action, persona in steps:
        before = _snapshot(ticket)
        try:
            ACTIONS[action](
                _actor(city, persona, action, ticket), Ticket.objects.get(pk=ticket.pk), city, kit
            )
        except (PermissionDenied, ValidationError):
            assert _snapshot(ticket) == before, f"{action} by {persona} was refused but wrote something"
        else:
            assert _snapshot(ticket)[1] > before[1], f"{action} by {persona} wrote no event"
        _check_invariants(ticket)
        event(f"visited: {ticket.status}")
