"""The one-time notice of missing materials (一次性告知) and the supplement (补正) of one-window
applications: recorded by a service (permission, lock, state, event), the applicant told, the
limits suspended while the materials are missing and restarted once they are complete."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from quanyu.core.workflow.errors import TransitionError
from quanyu.notify.channels import sms
from quanyu.notify.outbox import notify_drain
from quanyu.tickets import selectors, services
from quanyu.tickets.models import Channel, EventKind, Ticket, TicketEvent
from quanyu.tickets.states import replay

pytestmark = pytest.mark.django_db


@pytest.fixture
def texts(settings):
    settings.QUANYU_SMS_BACKEND = "quanyu.notify.channels.sms.OutboxSmsBackend"
    sms.outbox.clear()
    cache.clear()  # the per-number SMS cap counts in the cache
    yield sms.outbox
    sms.outbox.clear()


def apply(city, cat, *, materials=("身份证", "房产证"), actor="community_x", **kw):
    return services.ticket_create(
        actor=city.users[actor],
        text="【装修备案】厨房改造",
        channel=Channel.WINDOW,
        area=city.communities[0],
        category=cat["permit"],
        contact_name="张三",
        contact_phone="13912345678",
        materials=list(materials),
        **kw,
    )


def kinds(ticket: Ticket) -> list[str]:
    return list(TicketEvent.objects.filter(ticket=ticket).order_by("at", "id").values_list("kind", flat=True))


def test_desk_registers_with_the_notice_when_materials_are_missing(city, cat, texts):
    ticket = apply(city, cat, materials=["身份证"], notice_missing=True)
    ticket.refresh_from_db()
    assert ticket.status == "new" and ticket.materials == ["身份证"]
    assert ticket.missing_materials == ["房产证"]
    assert ticket.materials_notice_at is not None
    assert ticket.response_due is None and ticket.completion_due is None
    assert kinds(ticket) == [EventKind.CREATED, EventKind.WINDOW_NOTICE]
    notice = TicketEvent.objects.get(ticket=ticket, kind=EventKind.WINDOW_NOTICE)
    assert notice.payload["missing"] == ["房产证"] and notice.payload["received"] == ["身份证"]
    assert notice.payload["notified"] == ["sms"] and notice.actor == city.users["community_x"]
    assert notice.from_status == notice.to_status == "new"
    notify_drain()
    [sent] = [m for m in texts if m.phone == "13912345678"]
    assert "房产证" in sent.text and f"#{ticket.pk}" in sent.text
    # Suspended limits are not overdue, and the sweep's board does not count them as late.
    assert ticket.pk not in set(
        selectors.ticket_list_for(actor=city.users["community_x"], filters={"overdue": True}).values_list(
            "pk", flat=True
        )
    )


def test_without_the_flag_missing_materials_are_refused_and_nothing_is_written(city, cat):
    with pytest.raises(ValidationError) as err:
        apply(city, cat, materials=["身份证"])
    assert "房产证" in err.value.message_dict["materials"][0]
    with pytest.raises(ValidationError) as err:
        apply(city, cat, notice_missing=True)  # complete: nothing to tell
    assert "notice_missing" in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        services.ticket_create(
            actor=city.users["resident"],
            text="装修",
            channel=Channel.API,
            area=city.communities[0],
            notice_missing=True,
        )
    assert "notice_missing" in err.value.message_dict
    assert not Ticket.objects.exists() and not TicketEvent.objects.exists()


def test_back_office_records_a_notice_on_a_registered_application(city, cat, texts):
    ticket = apply(city, cat)
    due = (ticket.response_due, ticket.completion_due)
    assert all(due)
    done = services.window_notice_record(
        actor=city.users["street_staff"], ticket=ticket, missing=["房产证"], note="房产证复印件不清晰"
    )
    assert done.materials == ["身份证"] and done.materials_notice_at is not None
    ticket.refresh_from_db()
    assert ticket.response_due is None and ticket.completion_due is None
    notice = TicketEvent.objects.get(ticket=ticket, kind=EventKind.WINDOW_NOTICE)
    assert notice.payload["note"] == "房产证复印件不清晰" and notice.actor == city.users["street_staff"]
    notify_drain()
    assert [m.phone for m in texts] == ["13912345678"]


def test_notice_defaults_to_what_was_not_received(city, cat):
    ticket = apply(city, cat, materials=["身份证"], notice_missing=True)
    again = services.window_notice_record(actor=city.users["community_x"], ticket=ticket)
    assert kinds(again).count(EventKind.WINDOW_NOTICE) == 2
    last = TicketEvent.objects.filter(ticket=ticket, kind=EventKind.WINDOW_NOTICE).last()
    assert last.payload["missing"] == ["房产证"]


@pytest.mark.parametrize("persona", ["grid_worker", "resident", "department_handler", "community_y"])
def test_only_the_desk_of_the_place_may_record_a_notice(city, cat, persona):
    ticket = apply(city, cat)
    before = kinds(ticket)
    with pytest.raises(PermissionDenied):
        services.window_notice_record(actor=city.users[persona], ticket=ticket, missing=["房产证"])
    ticket.refresh_from_db()
    assert kinds(ticket) == before and ticket.materials_notice_at is None
    assert ticket.materials == ["身份证", "房产证"]


def test_no_notice_once_accepted_or_for_other_tickets(city, cat):
    ticket = apply(city, cat)
    services.ticket_accept(actor=city.users["community_x"], ticket=ticket)
    with pytest.raises(TransitionError):
        services.window_notice_record(actor=city.users["community_x"], ticket=ticket, missing=["房产证"])
    other = services.ticket_create(
        actor=city.users["community_x"],
        text="门口占道",
        channel=Channel.WINDOW,
        area=city.communities[0],
        category=cat["stalls"],
    )
    with pytest.raises(ValidationError) as err:
        services.window_notice_record(actor=city.users["community_x"], ticket=other, missing=["身份证"])
    assert "category" in err.value.message_dict
    assert EventKind.WINDOW_NOTICE not in kinds(ticket) + kinds(other)


@pytest.mark.parametrize(("missing", "field"), [(["户口本"], "missing"), ([], "missing"), ([" "], "missing")])
def test_notice_names_items_of_the_checklist(city, cat, missing, field):
    ticket = apply(city, cat)
    with pytest.raises(ValidationError) as err:
        services.window_notice_record(actor=city.users["community_x"], ticket=ticket, missing=missing)
    assert field in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        services.window_notice_record(
            actor=city.users["community_x"], ticket=ticket, missing=["房产证"], note="很长" * 300
        )
    assert "note" in err.value.message_dict
    assert kinds(ticket) == [EventKind.CREATED]


def test_a_stale_copy_gets_a_conflict(city, cat):
    ticket = apply(city, cat)
    stale = Ticket.objects.get(pk=ticket.pk)
    services.ticket_accept(actor=city.users["community_x"], ticket=ticket)
    with pytest.raises(TransitionError) as err:
        services.window_notice_record(actor=city.users["community_x"], ticket=stale, missing=["房产证"])
    assert err.value.code == "conflict"


def test_acceptance_waits_for_the_materials_then_limits_restart(city, cat):
    ticket = apply(city, cat, materials=[], notice_missing=True)
    with pytest.raises(TransitionError) as err:
        services.ticket_accept(actor=city.users["community_x"], ticket=ticket)
    assert "身份证" in err.value.messages[0]
    with pytest.raises(TransitionError):
        services.ticket_assign(
            actor=city.users["community_x"], ticket=ticket, assignee=city.users["community_x"]
        )
    # Escalating or recategorising keeps the limits suspended.
    services.ticket_categorise(actor=city.users["community_x"], ticket=ticket, category=cat["permit"])
    ticket.refresh_from_db()
    assert ticket.response_due is None and ticket.completion_due is None

    part = services.window_materials_receive(
        actor=city.users["community_x"], ticket=ticket, materials=["身份证"]
    )
    assert part.missing_materials == ["房产证"] and part.materials_notice_at is not None
    assert part.response_due is None
    before = timezone.now()
    full = services.window_materials_receive(
        actor=city.users["community_x"], ticket=ticket, materials=["房产证"], note="原件已核验"
    )
    assert full.missing_materials == [] and full.materials_notice_at is None
    assert full.materials == ["身份证", "房产证"]
    assert full.response_due > before and full.completion_due > full.response_due
    received = list(TicketEvent.objects.filter(ticket=ticket, kind=EventKind.MATERIALS_RECEIVED))
    assert [e.payload.get("complete") for e in received] == [False, True]
    assert received[1].payload["limits_restarted"] is True and received[1].payload["received"] == ["房产证"]
    # Recategorising now counts from when the materials were complete, not from the submission.
    completed_at = received[1].at
    services.ticket_categorise(actor=city.users["community_x"], ticket=ticket, category=cat["permit"])
    ticket.refresh_from_db()
    assert ticket.response_due == full.response_due and ticket.response_due > completed_at
    accepted = services.ticket_accept(actor=city.users["community_x"], ticket=ticket)
    assert accepted.status == "in_progress"
    history = TicketEvent.objects.filter(ticket=ticket).order_by("at", "id")
    assert replay(history.values_list("from_status", "to_status")) == "in_progress"


def test_supplement_needs_new_items_of_the_checklist_before_acceptance(city, cat):
    ticket = apply(city, cat, materials=["身份证"], notice_missing=True)
    for materials in (["身份证"], ["户口本"], []):
        with pytest.raises(ValidationError) as err:
            services.window_materials_receive(
                actor=city.users["community_x"], ticket=ticket, materials=materials
            )
        assert "materials" in err.value.message_dict
    with pytest.raises(PermissionDenied):
        services.window_materials_receive(
            actor=city.users["grid_worker"], ticket=ticket, materials=["房产证"]
        )
    assert kinds(ticket) == [EventKind.CREATED, EventKind.WINDOW_NOTICE]
    services.ticket_cancel(actor=city.users["community_x"], ticket=ticket, reason="申请人不再办理")
    with pytest.raises(TransitionError):
        services.window_materials_receive(
            actor=city.users["community_x"], ticket=ticket, materials=["房产证"]
        )


def test_desk_list_of_applications_waiting_for_materials(city, cat):
    waiting = apply(city, cat, materials=["身份证"], notice_missing=True)
    complete = apply(city, cat)
    listed = list(selectors.window_awaiting_materials_for(actor=city.users["community_x"]))
    assert [t.pk for t in listed] == [waiting.pk] and complete.pk not in [t.pk for t in listed]
    assert list(selectors.window_awaiting_materials_for(actor=city.users["community_y"])) == []
