"""The ticket listener registry: the department rollup is current after every service, without a
catch-up; listeners run inside the service's transaction."""

from __future__ import annotations

import pytest

from quanyu.assessment.models import RollupState
from quanyu.assessment.periods import month
from quanyu.assessment.rollup import direct_counts, record_ticket_change_listener, rollup_counts
from quanyu.core.clock import local
from quanyu.tickets import services
from quanyu.tickets.hooks import on_ticket_changed, remove_ticket_listener, ticket_listeners
from quanyu.tickets.models import Ticket, TicketEvent, Whistle
from quanyu.tickets.states import TicketStatus
from tests.tickets.factories import new_ticket, to_street, whistled
from tests.tickets.test_services import token_from_notification

pytestmark = pytest.mark.django_db

FIELDS = ("received", "responded_in_time", "resolved_in_time", "rated", "rated_satisfied", "returned")


@pytest.fixture
def heard():
    calls: list[int] = []

    def listener(ticket_id: int) -> None:
        calls.append(ticket_id)

    on_ticket_changed(listener)
    yield calls
    remove_ticket_listener(listener)


def assert_rollup_current(whistle: Whistle) -> None:
    day = local(whistle.whistled_at).date()
    period = month(day.year, day.month)
    direct = direct_counts(period)
    rolled = rollup_counts(period)
    for department_id, values in direct.items():
        assert {f: rolled[department_id][f] for f in FIELDS} == {f: values[f] for f in FIELDS}
    # No catch-up ran: the rollup never read the history.
    assert not RollupState.objects.filter(last_event_id__gt=0).exists()


def test_assessment_registers_its_listener():
    assert record_ticket_change_listener in ticket_listeners()


def test_ranking_is_current_after_every_step_without_catch_up(city, cat, django_capture_on_commit_callbacks):
    u = city.users
    with django_capture_on_commit_callbacks(execute=True):
        ticket, lead, assist = whistled(city, cat)
    assert_rollup_current(lead)
    services.whistle_respond(actor=u["housing_handler"], whistle=lead)
    assert_rollup_current(lead)
    services.whistle_return(actor=u["department_handler"], whistle=assist, reason="不属于本部门职责")
    assert_rollup_current(lead)
    with django_capture_on_commit_callbacks(execute=True):
        services.whistle_resolve(actor=u["housing_handler"], whistle=lead, explanation="已修复电梯")
    assert_rollup_current(lead)
    services.ticket_rate(actor=None, token=token_from_notification(u["resident"]), level="satisfied")
    assert Ticket.objects.get(pk=ticket.pk).status == TicketStatus.CLOSED
    assert_rollup_current(lead)
    day = local(lead.whistled_at).date()
    housing = rollup_counts(month(day.year, day.month))[cat["housing"].pk]
    assert (housing["received"], housing["rated_satisfied"]) == (1, 1)


def test_cancel_takes_the_whistles_out_at_once(city, cat):
    u = city.users
    ticket, lead, _assist = whistled(city, cat)
    services.ticket_cancel(actor=u["street_staff"], ticket=ticket, reason="诉求人撤回")
    assert_rollup_current(lead)
    day = local(lead.whistled_at).date()
    assert rollup_counts(month(day.year, day.month))[cat["housing"].pk]["received"] == 0


def test_listeners_hear_figure_changes_only(city, cat, heard):
    u = city.users
    ticket = to_street(city, new_ticket(city, text="电梯停运三天了"))
    assert heard == []  # created, escalated, accepted: nothing a figure depends on
    ws = services.ticket_whistle(
        actor=u["street_staff"], ticket=ticket, departments=[cat["housing"]], lead=cat["housing"]
    )
    assert heard == [ticket.pk]
    services.whistle_respond(actor=u["housing_handler"], whistle=ws[0])
    assert heard == [ticket.pk, ticket.pk]


def test_a_failing_listener_rolls_the_service_back(city, cat):
    u = city.users
    ticket, lead, _assist = whistled(city, cat)
    events = TicketEvent.objects.filter(ticket=ticket).count()

    def broken(ticket_id: int) -> None:
        raise RuntimeError("listener failed")

    on_ticket_changed(broken)
    try:
        with pytest.raises(RuntimeError):
            services.whistle_respond(actor=u["housing_handler"], whistle=lead)
    finally:
        remove_ticket_listener(broken)
    lead.refresh_from_db()
    assert lead.responded_at is None
    assert TicketEvent.objects.filter(ticket=ticket).count() == events
