"""The ticket listener registry: listeners hear, after commit and once per transaction, which
tickets changed a figure; the department rollup is current after every committed step without a
catch-up; a transaction that rolls back tells nobody."""

from __future__ import annotations

import pytest
from django.db import transaction

from quanyu.assessment.models import RollupState
from quanyu.assessment.periods import month
from quanyu.assessment.rollup import direct_counts, record_ticket_changes_listener, rollup_counts
from quanyu.core.clock import local
from quanyu.tickets import services
from quanyu.tickets.hooks import on_ticket_changed, remove_ticket_listener, ticket_listeners
from quanyu.tickets.models import Ticket, Whistle
from quanyu.tickets.states import TicketStatus
from tests.tickets.factories import new_ticket, to_street, token_from_notification, whistled

pytestmark = pytest.mark.django_db

FIELDS = ("received", "responded_in_time", "resolved_in_time", "rated", "rated_satisfied", "returned")


@pytest.fixture
def heard():
    calls: list[list[int]] = []

    def listener(ticket_ids: frozenset[int]) -> None:
        calls.append(sorted(ticket_ids))

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
    assert record_ticket_changes_listener in ticket_listeners()


def test_ranking_is_current_after_every_committed_step_without_catch_up(
    city, cat, django_capture_on_commit_callbacks
):
    u = city.users
    committed = django_capture_on_commit_callbacks
    with committed(execute=True):
        ticket, lead, assist = whistled(city, cat)
    assert_rollup_current(lead)
    with committed(execute=True):
        services.whistle_respond(actor=u["housing_handler"], whistle=lead)
    assert_rollup_current(lead)
    with committed(execute=True):
        services.whistle_return(actor=u["department_handler"], whistle=assist, reason="不属于本部门职责")
    assert_rollup_current(lead)
    with committed(execute=True):
        services.whistle_resolve(actor=u["housing_handler"], whistle=lead, explanation="已修复电梯")
    assert_rollup_current(lead)
    with committed(execute=True):
        services.ticket_rate(actor=None, token=token_from_notification(u["resident"]), level="satisfied")
    assert Ticket.objects.get(pk=ticket.pk).status == TicketStatus.CLOSED
    assert_rollup_current(lead)
    day = local(lead.whistled_at).date()
    housing = rollup_counts(month(day.year, day.month))[cat["housing"].pk]
    assert (housing["received"], housing["rated_satisfied"]) == (1, 1)


def test_cancel_takes_the_whistles_out_once_committed(city, cat, django_capture_on_commit_callbacks):
    u = city.users
    with django_capture_on_commit_callbacks(execute=True):
        ticket, lead, _assist = whistled(city, cat)
    day = local(lead.whistled_at).date()
    with django_capture_on_commit_callbacks(execute=True):
        services.ticket_cancel(actor=u["street_staff"], ticket=ticket, reason="诉求人撤回")
        # Inside the step's transaction the rollup is not touched yet.
        assert rollup_counts(month(day.year, day.month))[cat["housing"].pk]["received"] == 1
    assert_rollup_current(lead)
    assert rollup_counts(month(day.year, day.month))[cat["housing"].pk]["received"] == 0


def test_listeners_hear_figure_changes_only_after_commit(
    city, cat, heard, django_capture_on_commit_callbacks
):
    u = city.users
    with django_capture_on_commit_callbacks(execute=True):
        ticket = to_street(city, new_ticket(city, text="电梯停运三天了"))
    assert heard == []  # created, escalated, accepted: nothing a figure depends on
    with django_capture_on_commit_callbacks(execute=True):
        ws = services.ticket_whistle(
            actor=u["street_staff"], ticket=ticket, departments=[cat["housing"]], lead=cat["housing"]
        )
        assert heard == []  # not before the commit
    assert heard == [[ticket.pk]]
    with django_capture_on_commit_callbacks(execute=True):
        services.whistle_respond(actor=u["housing_handler"], whistle=ws[0])
    assert heard == [[ticket.pk], [ticket.pk]]


def test_one_transaction_is_heard_once_with_every_ticket_it_changed(
    city, cat, heard, django_capture_on_commit_callbacks
):
    u = city.users
    with django_capture_on_commit_callbacks(execute=True):
        first, lead, _assist = whistled(city, cat)
        second = to_street(city, new_ticket(city, text="路灯不亮"))
    heard.clear()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        services.whistle_respond(actor=u["housing_handler"], whistle=lead)
        services.ticket_whistle(
            actor=u["street_staff"], ticket=second, departments=[cat["cg"]], lead=cat["cg"]
        )
    assert heard == [sorted([first.pk, second.pk])]


def test_a_rolled_back_transaction_tells_nobody(city, cat, heard, django_capture_on_commit_callbacks):
    u = city.users
    with django_capture_on_commit_callbacks(execute=True):
        _ticket, lead, _assist = whistled(city, cat)
    heard.clear()
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        services.whistle_respond(actor=u["housing_handler"], whistle=lead)
        raise RuntimeError("the caller gave up")
    assert callbacks == [] and heard == []
    lead.refresh_from_db()
    assert lead.responded_at is None
    # The next transaction is heard with its own tickets only.
    other = to_street(city, new_ticket(city, text="路灯不亮"))
    with django_capture_on_commit_callbacks(execute=True):
        services.ticket_whistle(
            actor=u["street_staff"], ticket=other, departments=[cat["cg"]], lead=cat["cg"]
        )
    assert heard == [[other.pk]]
