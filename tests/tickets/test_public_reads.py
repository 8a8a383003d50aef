"""Reads for the action forms and for anonymous pages: form choices, the rating link's state, the
public (Open311) list, the public grid layer; the hotline work-order constraint; contact e-mail."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction

from quanyu.areas.models import Area, AreaKind
from quanyu.areas.selectors import grid_layer_features
from quanyu.tickets import services
from quanyu.tickets.intake_rules import deadlines_from
from quanyu.tickets.models import Channel, EventKind, Ticket, TicketEvent
from quanyu.tickets.selectors import (
    rating_link_state,
    ticket_assignee_choices,
    ticket_list_for,
    ticket_public_list,
    ticket_reassign_choices,
    whistle_department_choices,
)
from tests.tickets.factories import assist_finished, new_ticket, to_street, token_from_notification, whistled

pytestmark = pytest.mark.django_db


def test_whistle_department_choices_serve_the_place(city, cat):
    u = city.users
    ticket = to_street(city, new_ticket(city, text="电梯停运三天了"))
    names = [d.name for d in whistle_department_choices(actor=u["street_staff"], ticket=ticket)]
    assert sorted(names) == sorted(["区住建局", "区城管局"])
    # Choices only: the service refuses a grid worker (nothing written).
    with pytest.raises(PermissionDenied):
        services.ticket_whistle(
            actor=u["grid_worker"], ticket=ticket, departments=[cat["cg"]], lead=cat["cg"]
        )
    assert not ticket.whistles.exists()


def test_assignee_choices_are_colleagues_of_the_handling_tier(city, cat):
    u = city.users
    ticket = new_ticket(city)  # at the grid
    people = set(ticket_assignee_choices(actor=u["grid_worker"], ticket=ticket))
    assert u["grid_worker"] in people
    assert not {u["community_y"], u["resident"], u["housing_handler"]} & people


def test_reassign_choices_are_the_community_and_grid(city):
    u = city.users
    ticket = to_street(city, new_ticket(city, text="电梯停运三天了"))
    areas = list(ticket_reassign_choices(actor=u["street_staff"], ticket=ticket))
    assert [a.pk for a in areas] == [ticket.community_id, ticket.grid_id]
    assert [a.kind for a in areas] == [AreaKind.COMMUNITY, AreaKind.GRID]


def test_rating_link_state_ok_used_invalid(city, cat, django_capture_on_commit_callbacks):
    u = city.users
    with django_capture_on_commit_callbacks(execute=True):
        ticket, lead, assist = whistled(city, cat)
        services.whistle_respond(actor=u["housing_handler"], whistle=lead)
        assist_finished(city, assist)
        services.whistle_resolve(actor=u["housing_handler"], whistle=lead, explanation="已修复电梯")
    token = token_from_notification(u["resident"])
    head, secret = token.split(".", 1)
    state, found = rating_link_state(token=token)
    assert (state, found.pk if found else None) == ("ok", ticket.pk)
    for forged in ("", "abc", f"{head}.forged", f"999999.{secret}", token + "x"):
        assert rating_link_state(token=forged) == ("invalid", None)
    services.ticket_rate(actor=None, token=token, level="satisfied")
    state, found = rating_link_state(token=token)
    assert (state, found.pk if found else None) == ("used", ticket.pk)


def test_rating_link_state_after_reopen_is_invalid(city, cat, django_capture_on_commit_callbacks):
    u = city.users
    with django_capture_on_commit_callbacks(execute=True):
        ticket, lead, assist = whistled(city, cat)
        services.whistle_respond(actor=u["housing_handler"], whistle=lead)
        assist_finished(city, assist)
        services.whistle_resolve(actor=u["housing_handler"], whistle=lead, explanation="已修复电梯")
    token = token_from_notification(u["resident"])
    services.ticket_reopen(actor=u["street_staff"], ticket=Ticket.objects.get(pk=ticket.pk), reason="又坏了")
    assert rating_link_state(token=token) == ("invalid", None)


def test_public_list_holds_published_services_only(city, cat):
    u = city.users
    permit = new_ticket(city, u["resident"], text="申请装修备案", category=cat["permit"])
    new_ticket(city, text="楼下有人摆摊占道", category=cat["stalls"])  # not published
    rows = list(ticket_public_list())
    assert [t.pk for t in rows] == [permit.pk]
    assert rows[0].lead_whistles == [] and not hasattr(rows[0], "report_photos")  # photos unpublished


def test_list_pages_load_the_suggested_category(city, cat, django_assert_max_num_queries):
    u = city.users
    for _ in range(3):
        new_ticket(city, text="楼下有人摆摊占道，流动摊贩")
    with django_assert_max_num_queries(4):
        rows = list(ticket_list_for(actor=u["street_staff"]))
        labels = [(t.suggested_category.parent.name if t.suggested_category else "") for t in rows]
    assert len(labels) == 3


def test_grid_layer_features_are_cached_per_revision(city, django_assert_max_num_queries):
    cache.clear()
    first = grid_layer_features()
    grids = Area.objects.filter(kind=AreaKind.GRID, geometry__isnull=False)
    assert {f["id"] for f in first["features"]} == set(grids.values_list("pk", flat=True))
    feature = first["features"][0]
    assert set(feature["properties"]) == {"id", "name", "community"}
    assert feature["properties"]["community"]
    with django_assert_max_num_queries(1):
        assert grid_layer_features() == first
    grid = grids.order_by("path").first()
    grid.name = "改名网格"
    grid.save()
    renamed = {f["id"]: f["properties"]["name"] for f in grid_layer_features()["features"]}
    assert renamed[grid.pk] == "改名网格"


def test_a_hotline_work_order_exists_once(city):
    staff = city.users["district_admin"]
    ref = "12345-20240601-000001"
    new_ticket(city, staff, channel=Channel.HOTLINE, external_ref=ref)
    before = Ticket.objects.count()
    with pytest.raises(ValidationError) as err, transaction.atomic():
        new_ticket(city, staff, channel=Channel.HOTLINE, external_ref=ref)
    assert "external_ref" in err.value.message_dict  # a clear 400 naming the field, not a 500
    assert Ticket.objects.count() == before
    # Other channels and empty references are not constrained.
    new_ticket(city, staff, channel=Channel.API, external_ref=ref)
    new_ticket(city, staff, channel=Channel.HOTLINE)
    new_ticket(city, staff, channel=Channel.HOTLINE)
    assert Ticket.objects.filter(external_ref="12345-20240601-000001").count() == 2


def test_contact_email_is_stored_encrypted_and_masked(city):
    ticket = new_ticket(city)
    ticket.contact_email = "zhang.san@example.com"
    ticket.save(update_fields=["contact_email"])
    got = Ticket.objects.get(pk=ticket.pk)
    assert got.contact_email == "zhang.san@example.com"
    assert got.contact_email_masked == "z***@example.com"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT contact_email FROM {Ticket._meta.db_table} WHERE id = %s", [ticket.pk])
        stored = cursor.fetchone()[0]
    assert stored and "zhang.san" not in stored


def test_assign_never_reopens_a_closed_ticket(city):
    """Review finding: ticket_assign moved resolved/closed/whistled tickets back to in progress."""
    from quanyu.tickets import services
    from quanyu.tickets.models import TicketEvent
    from tests.tickets.factories import to_street

    street_staff = city.users["street_staff"]
    ticket = to_street(city, new_ticket(city))
    ticket = services.ticket_resolve(actor=street_staff, ticket=ticket, explanation="已现场处理完毕")
    events = TicketEvent.objects.filter(ticket=ticket).count()
    with pytest.raises(ValidationError):
        services.ticket_assign(actor=street_staff, ticket=ticket, assignee=street_staff)
    ticket.refresh_from_db()
    assert ticket.status == "resolved"
    assert TicketEvent.objects.filter(ticket=ticket).count() == events


def test_escalation_starts_the_next_tiers_response_clock(city):
    """Review finding: escalation kept accepted_at and the old response_due, so the upper tier's
    response deadline was never tracked by the sweep or the overdue filters."""
    from quanyu.tickets import services

    grid_worker = city.users["grid_worker"]
    ticket = new_ticket(city)
    ticket = services.ticket_accept(actor=grid_worker, ticket=ticket)
    assert ticket.accepted_at is not None
    old_due = ticket.response_due
    ticket = services.ticket_escalate(actor=grid_worker, ticket=ticket, reason="需社区协调物业")
    ticket.refresh_from_db()
    assert ticket.tier == "community" and ticket.status == "new"
    assert ticket.accepted_at is None
    # The community's response limit runs from the escalation (on a weekend both limits fall on
    # the same first working hour, so "later than the old one" holds only on working days).
    escalated = TicketEvent.objects.filter(ticket=ticket, kind=EventKind.ESCALATED).latest("at")
    basis = ticket.category or ticket.suggested_category
    assert ticket.response_due == deadlines_from(escalated.at, basis)[0].at >= old_due


def test_categorise_after_reopen_keeps_the_fresh_deadline(city, cat):
    """Review finding: recategorising recounted from created_at, wiping the time a reopen gave."""
    from quanyu.tickets.models import TicketEvent

    grid_worker = city.users["grid_worker"]
    ticket = new_ticket(city)
    reopened_at = ticket.created_at + dt.timedelta(days=20)
    TicketEvent.objects.create(
        ticket=ticket, kind="reopened", actor=None, at=reopened_at, from_status="resolved", to_status="new"
    )
    ticket = services.ticket_categorise(actor=grid_worker, ticket=ticket, category=cat["stalls"])
    assert ticket.completion_due > reopened_at
