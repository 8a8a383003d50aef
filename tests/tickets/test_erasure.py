"""Tickets forget who submitted them: when the person is anonymised (the tickets of their account
and those that gave their phone), and by the retention rule once a ticket has been closed for
``QUANYU_TICKET_CONTACT_DAYS`` days (the ``tickets`` retention rule: beat task and ``quanyu
retention [--dry-run]``); each
audited by ticket id, never by the ticket's text."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from quanyu.core.models import AuditEntry
from quanyu.core.tasks import retention_task
from quanyu.people.models import PartyMember
from quanyu.people.services import person_anonymise
from quanyu.tickets.erasure import forget_contacts
from quanyu.tickets.models import Ticket
from quanyu.tickets.states import TicketStatus
from tests.people.helpers import add_member, make_branches
from tests.tickets.factories import new_ticket

pytestmark = pytest.mark.django_db
OTHER_PHONE = "13700001111"
PHONE = "13812340000"
GONE = "（已匿名化）"


def _contact(ticket: Ticket) -> tuple[str, str, str, str]:
    ticket.refresh_from_db()
    return (ticket.contact_name, ticket.contact_phone, ticket.contact_phone_hash, ticket.contact_email)


def test_anonymising_a_member_clears_the_contact_of_their_tickets(city, cat):
    member = add_member(city, make_branches(city), 6)
    PartyMember.objects.filter(pk=member.pk).update(user=city.users["resident"])
    member.refresh_from_db()
    own = new_ticket(city, contact_name="张三", contact_phone=OTHER_PHONE, contact_email="z@example.cn")
    by_phone = new_ticket(city, city.users["grid_worker"], contact_name="张三", contact_phone=member.phone)
    someone_else = new_ticket(city, city.users["grid_worker"], contact_name="李四", contact_phone=OTHER_PHONE)
    assert own.requester_id == city.users["resident"].pk

    person_anonymise(actor=city.users["community_x"], person=member, reason="保存期满")

    assert _contact(own) == _contact(by_phone) == ("", "", "", "")
    assert _contact(someone_else)[:2] == ("李四", OTHER_PHONE)
    audited = AuditEntry.objects.filter(action="anonymise", target_type="tickets.ticket")
    assert sorted(int(a.target_id) for a in audited) == sorted([own.pk, by_phone.pk])
    assert all(a.target_repr == "" for a in audited)  # the text may speak of the person


def _ended(ticket: Ticket, status: str, days_ago: int) -> Ticket:
    at = timezone.now() - dt.timedelta(days=days_ago)
    closed_at = at if status == TicketStatus.CLOSED else None
    Ticket.objects.filter(pk=ticket.pk).update(status=status, closed_at=closed_at, updated_at=at)
    return ticket


def test_retention_clears_contacts_of_long_closed_tickets_only(city, cat, settings):
    settings.QUANYU_TICKET_CONTACT_DAYS = 30
    old = _ended(new_ticket(city, contact_name="张三", contact_phone=OTHER_PHONE), TicketStatus.CLOSED, 31)
    cancelled = _ended(new_ticket(city, contact_phone=OTHER_PHONE), TicketStatus.CANCELLED, 40)
    recent = _ended(new_ticket(city, contact_phone=OTHER_PHONE), TicketStatus.CLOSED, 29)
    open_old = new_ticket(city, contact_phone=OTHER_PHONE)
    Ticket.objects.filter(pk=open_old.pk).update(created_at=timezone.now() - dt.timedelta(days=400))

    out = io.StringIO()
    call_command("retention", "--dry-run", "--only", "tickets", stdout=out)
    assert f"tickets #{old.pk}" in out.getvalue() and f"tickets #{cancelled.pk}" in out.getvalue()
    assert "tickets (工单联系人): would clear 2" in out.getvalue()
    assert _contact(old)[1] == OTHER_PHONE  # a dry run changes nothing
    assert not AuditEntry.objects.filter(action="anonymise").exists()

    assert retention_task()["tickets"] == 2
    assert _contact(old) == _contact(cancelled) == ("", "", "", "")
    assert _contact(recent)[1] == _contact(open_old)[1] == OTHER_PHONE
    entry = AuditEntry.objects.get(action="anonymise", target_type="tickets.ticket")
    assert sorted(entry.detail["tickets"]) == sorted([old.pk, cancelled.pk]) and entry.detail["days"] == 30

    assert forget_contacts().tickets == []  # nothing left: the next run writes no entry
    assert AuditEntry.objects.filter(action="anonymise").count() == 1
    with pytest.raises(CommandError, match="至少为 1 天"):
        call_command("retention", "--days", "0")
    with pytest.raises(CommandError, match="没有规则“nope”"):
        call_command("retention", "--only", "nope")


def test_retention_works_in_batches_each_audited(city, cat):
    tickets = [
        _ended(new_ticket(city, contact_phone=OTHER_PHONE), TicketStatus.CLOSED, 200) for _ in range(5)
    ]
    assert len(forget_contacts(days=180, batch_size=2).tickets) == 5
    assert all(_contact(t) == ("", "", "", "") for t in tickets)
    entries = AuditEntry.objects.filter(action="anonymise").order_by("id")
    assert [len(e.detail["tickets"]) for e in entries] == [2, 2, 1]
    assert sorted(pk for e in entries for pk in e.detail["tickets"]) == sorted(t.pk for t in tickets)


def test_anonymising_scrubs_their_name_and_numbers_from_the_free_text_of_their_tickets(city, cat):
    from quanyu.tickets import services
    from quanyu.tickets.models import TicketEvent

    member = add_member(city, make_branches(city), 7, name="赵志刚")
    PartyMember.objects.filter(pk=member.pk).update(user=city.users["resident"])
    member.refresh_from_db()
    own = new_ticket(city, text=f"我是赵志刚，电话{member.phone}，身份证{member.id_number}，楼道灯坏了")
    services.ticket_cancel(actor=city.users["resident"], ticket=own, reason="赵志刚已自行修好")
    elsewhere = new_ticket(city, city.users["grid_worker"], text="赵志刚家门口堆放杂物")

    person_anonymise(actor=city.users["community_x"], person=member, reason="保存期满")

    own.refresh_from_db()  # (``member`` in memory still holds the plaintext numbers)
    assert own.text.startswith("我是（已匿名化），电话") and "楼道灯坏了" in own.text
    assert member.phone not in own.text and member.id_number not in own.text and "*" in own.text
    cancelled = TicketEvent.objects.get(ticket=own, kind="cancelled")
    assert cancelled.payload["reason"] == "（已匿名化）已自行修好"
    elsewhere.refresh_from_db()
    assert elsewhere.text == "赵志刚家门口堆放杂物"  # not their ticket: not theirs to scrub
    entry = AuditEntry.objects.get(action="anonymise", target_type="tickets.ticket", target_id=str(own.pk))
    assert "text" in entry.fields.split(",") and "ticketevent.payload" in entry.fields.split(",")
    assert "赵志刚" not in str(entry.detail) + entry.reason + entry.target_repr


def test_anonymising_scrubs_what_their_account_did_on_other_peoples_tickets(city, cat):
    from quanyu.accounts.models import RoleGrant
    from quanyu.core.roles import Role
    from quanyu.tickets import services
    from quanyu.tickets.models import Rating, TicketEvent
    from tests.factories import make_user

    worker = make_user("zhaozhigang", Role.GRID_WORKER, city.grids[0])  # its name: a pinyin user name
    theirs = new_ticket(city, text="楼下有人摆摊占道，上次是老赵来处理的")  # the resident's ticket
    untouched = new_ticket(city, text="楼下有人摆摊占道，赵师傅知道")
    for ticket in (theirs, untouched):
        services.ticket_accept(actor=city.users["grid_worker"], ticket=ticket, note="网格已受理")
    services.ticket_assign(actor=city.users["grid_worker"], ticket=theirs, assignee=worker, note="交老赵办理")
    services.ticket_resolve(
        actor=worker, ticket=theirs, explanation=f"已劝离占道摆摊的流动摊贩，现场已清理。赵志刚，{PHONE}"
    )
    RoleGrant.objects.create(user=worker, role=Role.COMMUNITY_STAFF, area=city.communities[0])
    worker = type(worker).objects.get(pk=worker.pk)  # (its roles are cached on the object)
    services.ticket_callback(actor=worker, ticket=theirs, level="satisfied", comment="回访人赵师傅：居民满意")
    member = add_member(city, make_branches(city), 8, name="赵志刚")
    RoleGrant.objects.filter(user=worker).delete()  # the role revoked first (accounts.erasure)
    PartyMember.objects.filter(pk=member.pk).update(user=worker)
    member.refresh_from_db()

    person_anonymise(actor=city.users["community_x"], person=member, reason="保存期满")

    events = {e.kind: e for e in TicketEvent.objects.filter(ticket=theirs)}
    assigned, resolved = events["assigned"], events["resolved"]
    assert assigned.actor_name == "grid_worker"  # the colleague's act, named as before
    assert assigned.payload["assignee_name"] == GONE and assigned.payload["note"] == f"交{GONE}办理"
    assert resolved.actor_name == GONE and resolved.actor_id == worker.pk
    assert resolved.payload["explanation"] == f"已劝离占道摆摊的流动摊贩，现场已清理。{GONE}，138****0000"
    accepted = events["accepted"]
    assert accepted.actor_name == "grid_worker" and accepted.payload["note"] == "网格已受理"
    callback = events["callback"]
    assert callback.actor_name == GONE and callback.payload["comment"] == f"回访人{GONE}：居民满意"
    assert Rating.objects.get(ticket=theirs).comment == f"回访人{GONE}：居民满意"
    theirs.refresh_from_db()
    assert theirs.resolution == resolved.payload["explanation"]
    assert theirs.text == "楼下有人摆摊占道，上次是老赵来处理的"  # the resident's words: not theirs to scrub
    entry = AuditEntry.objects.get(action="anonymise", target_type="tickets.ticket", target_id=str(theirs.pk))
    assert set(entry.fields.split(",")) == {
        "resolution",
        "rating.comment",
        "ticketevent.actor_name",
        "ticketevent.payload",
    }
    assert not AuditEntry.objects.filter(target_type="tickets.ticket", target_id=str(untouched.pk)).exists()
    assert [e.actor_name for e in TicketEvent.objects.filter(ticket=untouched)] == ["resident", "grid_worker"]
