"""Assisting whistles (协办): the lead's 办结 waits for them (or records why it answers first); after
the lead resolved the ticket, parts still open stay open until the ticket closes, then are
concluded; the supervision board, the open-work reads and the department figures agree."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from quanyu.assessment.periods import month
from quanyu.assessment.rollup import direct_counts
from quanyu.core.clock import local
from quanyu.core.workflow.errors import TransitionError
from quanyu.notify.models import Notification
from quanyu.tickets import services
from quanyu.tickets.models import EventKind, Ticket, TicketEvent, Whistle
from quanyu.tickets.selectors import W_OPEN, supervision_board_for, whistle_list_for
from quanyu.tickets.states import TicketStatus, WhistleStatus, replay
from tests.tickets.factories import assist_finished, new_ticket, token_from_notification, whistled

pytestmark = pytest.mark.django_db


def board_open(actor) -> dict[str, int]:
    return {r.name: r.open for r in supervision_board_for(actor=actor).by_department}


def figures(whistle: Whistle) -> dict[str, int]:
    day = local(whistle.whistled_at).date()
    return direct_counts(month(day.year, day.month))[whistle.department_id]


def lead_resolves(city, cat, *, assist_responds: bool = True):
    u = city.users
    ticket, lead, assist = whistled(city, cat)
    services.whistle_respond(actor=u["housing_handler"], whistle=lead)
    if assist_responds:
        services.whistle_respond(actor=u["department_handler"], whistle=assist)
    services.whistle_resolve(
        actor=u["housing_handler"],
        whistle=lead,
        explanation="已修复电梯",
        override_reason="电梯已修复，协办部分不影响答复",
    )
    return (
        Ticket.objects.get(pk=ticket.pk),
        Whistle.objects.get(pk=lead.pk),
        Whistle.objects.get(pk=assist.pk),
    )


def test_assist_stays_open_after_the_lead_resolves_and_is_concluded_when_rated(
    city, cat, django_capture_on_commit_callbacks
):
    u = city.users
    with django_capture_on_commit_callbacks(execute=True):
        ticket, _lead, assist = lead_resolves(city, cat)
    assert ticket.status == TicketStatus.RESOLVED
    assert assist.status == WhistleStatus.RESPONDED
    # Still the assisting department's work: on the board and in its inbox.
    assert board_open(u["street_staff"]) == {"区城管局": 1}
    assert [w.pk for w in whistle_list_for(actor=u["department_handler"], status=W_OPEN)] == [assist.pk]

    services.ticket_rate(actor=None, token=token_from_notification(u["resident"]), level="satisfied")

    ticket.refresh_from_db()
    assist.refresh_from_db()
    assert ticket.status == TicketStatus.CLOSED
    assert assist.status == WhistleStatus.CONCLUDED
    closed = TicketEvent.objects.filter(ticket=ticket, kind=EventKind.CLOSED).get()
    assert closed.payload["concluded_whistles"] == [assist.pk]
    assert board_open(u["street_staff"]) == {}
    assert list(whistle_list_for(actor=u["department_handler"], status=W_OPEN)) == []
    with pytest.raises(TransitionError):
        services.whistle_resolve(actor=u["department_handler"], whistle=assist, explanation="补充办结")
    events = TicketEvent.objects.filter(ticket=ticket).order_by("at", "id")
    assert replay((e.from_status, e.to_status) for e in events) == TicketStatus.CLOSED
    # Scored on its own limits: received, responded in time, never resolved.
    counted = figures(assist)
    assert (counted["received"], counted["responded_in_time"], counted["resolved_in_time"]) == (1, 1, 0)


def test_assist_that_finished_after_the_resolution_is_left_alone(
    city, cat, django_capture_on_commit_callbacks
):
    u = city.users
    with django_capture_on_commit_callbacks(execute=True):
        ticket, _lead, assist = lead_resolves(city, cat)
    services.whistle_resolve(actor=u["department_handler"], whistle=assist, explanation="占道已清理")
    assert Ticket.objects.get(pk=ticket.pk).status == TicketStatus.RESOLVED
    services.ticket_rate(actor=None, token=token_from_notification(u["resident"]), level="satisfied")
    assist.refresh_from_db()
    assert assist.status == WhistleStatus.RESOLVED
    closed = TicketEvent.objects.filter(ticket=ticket, kind=EventKind.CLOSED).get()
    assert "concluded_whistles" not in closed.payload
    assert figures(assist)["resolved_in_time"] == 1


def test_staff_close_concludes_a_whistle_never_responded(city, cat):
    u = city.users
    ticket, _lead, assist = lead_resolves(city, cat, assist_responds=False)
    assert assist.status == WhistleStatus.PENDING
    services.ticket_close(actor=u["street_staff"], ticket=ticket, note="逾期未评价")
    assist.refresh_from_db()
    assert assist.status == WhistleStatus.CONCLUDED
    assert not assist.excluded_from_stats
    counted = figures(assist)
    assert (counted["received"], counted["responded_in_time"], counted["resolved_in_time"]) == (1, 0, 0)


def test_open_work_ignores_old_open_whistles_of_ended_tickets(city, cat):
    """Rows left open before closing concluded them (or written by other means) are not work."""
    u = city.users
    ticket, _lead, assist = whistled(city, cat)
    assert board_open(u["street_staff"]) == {"区住建局": 1, "区城管局": 1}
    Ticket.objects.filter(pk=ticket.pk).update(status=TicketStatus.CLOSED)
    assert board_open(u["street_staff"]) == {}
    assert list(whistle_list_for(actor=u["department_handler"], status=W_OPEN)) == []
    # Asked for every status, the whistle is still listed (its history).
    assert [w.pk for w in whistle_list_for(actor=u["department_handler"])] == [assist.pk]


def test_the_lead_waits_for_the_assisting_part_and_nothing_is_written(city, cat):
    u = city.users
    ticket, lead, _assist = whistled(city, cat)
    services.whistle_respond(actor=u["housing_handler"], whistle=lead)
    events, notes = TicketEvent.objects.count(), Notification.objects.count()
    with pytest.raises(ValidationError) as refused:
        services.whistle_resolve(actor=u["housing_handler"], whistle=lead, explanation="已修复电梯")
    assert "区城管局" in refused.value.message_dict["override_reason"][0]
    assert Ticket.objects.get(pk=ticket.pk).status == TicketStatus.WHISTLED
    assert Whistle.objects.get(pk=lead.pk).status == WhistleStatus.RESPONDED
    assert (TicketEvent.objects.count(), Notification.objects.count()) == (events, notes)


def test_the_assisting_part_tells_the_lead_and_then_the_lead_answers_for_all(city, cat):
    u = city.users
    ticket, lead, assist = whistled(city, cat)
    services.whistle_respond(actor=u["housing_handler"], whistle=lead)
    services.whistle_respond(actor=u["department_handler"], whistle=assist)
    services.whistle_resolve(actor=u["department_handler"], whistle=assist, explanation="占道摊点已清理")
    told = Notification.objects.filter(recipient=u["housing_handler"], kind="assist_resolved").get()
    assert "可以办结答复" in told.title and "占道摊点已清理" in told.body
    assert Ticket.objects.get(pk=ticket.pk).status == TicketStatus.WHISTLED

    services.whistle_resolve(actor=u["housing_handler"], whistle=lead, explanation="电梯已修复，占道已清理")
    assert Ticket.objects.get(pk=ticket.pk).status == TicketStatus.RESOLVED
    resolved = TicketEvent.objects.filter(ticket=ticket, kind=EventKind.WHISTLE_RESOLVED, whistle=lead).get()
    assert "override_reason" not in resolved.payload and "assisting_open" not in resolved.payload


def test_a_returned_part_does_not_block_and_an_override_is_recorded(city, cat):
    u = city.users
    ticket, lead, assist = whistled(city, cat)
    services.whistle_respond(actor=u["housing_handler"], whistle=lead)
    services.whistle_return(actor=u["department_handler"], whistle=assist, reason="不属于本部门职责")
    services.whistle_resolve(actor=u["housing_handler"], whistle=lead, explanation="电梯已修复")
    assert Ticket.objects.get(pk=ticket.pk).status == TicketStatus.RESOLVED

    ticket2, lead2, assist2 = whistled(city, cat, new_ticket(city, text="楼道灯不亮"))
    services.whistle_respond(actor=u["housing_handler"], whistle=lead2)
    services.whistle_resolve(
        actor=u["housing_handler"], whistle=lead2, explanation="灯已更换", override_reason="诉求人急需答复"
    )
    event = TicketEvent.objects.filter(ticket=ticket2, kind=EventKind.WHISTLE_RESOLVED, whistle=lead2).get()
    assert event.payload["override_reason"] == "诉求人急需答复"
    assert event.payload["assisting_open"] == [assist2.pk]


def test_the_rating_notice_names_the_request_and_stops_asking_once_it_closed(
    city, cat, django_capture_on_commit_callbacks
):
    """Issue 13 point 9: 'please rate' notices name the ticket and are settled when it closes."""
    u = city.users
    with django_capture_on_commit_callbacks(execute=True):
        ticket, lead, assist = whistled(city, cat)
        services.whistle_respond(actor=u["housing_handler"], whistle=lead)
        assist_finished(city, assist)
        services.whistle_resolve(actor=u["housing_handler"], whistle=lead, explanation="电梯已修复")
    note = Notification.objects.get(recipient=u["resident"], kind="ticket_rate_request")
    assert note.title.startswith(f"您的诉求 #{ticket.pk} 已办结") and "电梯停运" in note.title
    assert note.read_at is None
    services.ticket_rate(actor=None, token=token_from_notification(u["resident"]), level="satisfied")
    note.refresh_from_db()
    assert note.read_at is not None
    assert Ticket.objects.get(pk=ticket.pk).status == TicketStatus.CLOSED
