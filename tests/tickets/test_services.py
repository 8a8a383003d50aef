# ruff: noqa: E501  (the permission matrix is a table, one action per line)
"""The whole e呼应 loop through the services, and who may do what."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from quanyu.core.workflow.errors import ConflictError, TransitionError
from quanyu.notify.models import Notification
from quanyu.tickets import services
from quanyu.tickets.models import (
    Channel,
    EventKind,
    Rating,
    RehandlingEntry,
    SupervisionOrder,
    Ticket,
    TicketEvent,
    Whistle,
)
from quanyu.tickets.states import TicketStatus, WhistleStatus, replay
from tests.asserts import nothing_written
from tests.tickets.factories import (
    GRID_111,
    GRID_211,
    OUTSIDE,
    assist_finished,
    new_ticket,
    to_street,
    token_from_notification,
    whistled,
)

pytestmark = pytest.mark.django_db


def kinds(ticket: Ticket) -> list[str]:
    return list(TicketEvent.objects.filter(ticket=ticket).order_by("at", "id").values_list("kind", flat=True))


def assert_history_consistent(ticket: Ticket) -> None:
    ticket.refresh_from_db()
    pairs = (
        TicketEvent.objects.filter(ticket=ticket).order_by("at", "id").values_list("from_status", "to_status")
    )
    assert replay(pairs) == ticket.status


def test_whole_loop_resident_to_rated(city, cat, django_capture_on_commit_callbacks):
    u = city.users
    with django_capture_on_commit_callbacks(execute=True):
        t = services.ticket_create(
            actor=u["resident"],
            text="小区门口有流动摊贩摆摊占道",
            channel=Channel.WEB,
            lon=GRID_111[0],
            lat=GRID_111[1],
        )
    assert (t.grid_id, t.community_id, t.street_id) == (
        city.grids[0].pk,
        city.communities[0].pk,
        city.streets[0].pk,
    )
    assert t.suggested_category == cat["stalls"] and t.suggestion_score and t.suggestion_score > 0
    assert t.tier == "grid" and t.handling_area_id == city.grids[0].pk
    assert t.response_due and t.completion_due and t.completion_due > t.response_due
    assert Notification.objects.filter(recipient=u["grid_worker"], kind="ticket_created").exists()

    t = services.ticket_categorise(actor=u["grid_worker"], ticket=t, category=cat["lift"])
    t = services.ticket_accept(actor=u["grid_worker"], ticket=t)
    t = services.ticket_escalate(actor=u["grid_worker"], ticket=t, reason="需社区协调")
    assert (t.status, t.tier, t.handling_area_id) == ("new", "community", city.communities[0].pk)
    t = services.ticket_escalate(actor=u["community_x"], ticket=t, reason="需街道协调")
    assert (t.tier, t.handling_area_id) == ("street", city.streets[0].pk)
    t = services.ticket_accept(actor=u["street_staff"], ticket=t)
    with django_capture_on_commit_callbacks(execute=True):
        ws = services.ticket_whistle(
            actor=u["street_staff"], ticket=t, departments=[cat["housing"], cat["cg"]], lead=cat["housing"]
        )
    assert Notification.objects.filter(recipient=u["department_handler"], kind="whistle_received").exists()
    assert Notification.objects.filter(recipient=u["housing_handler"], kind="whistle_received").exists()
    lead = next(w for w in ws if w.lead)
    assist = next(w for w in ws if not w.lead)
    assert lead.department == cat["housing"] and lead.response_due < lead.completion_due
    services.whistle_respond(actor=u["housing_handler"], whistle=lead)
    services.whistle_respond(actor=u["department_handler"], whistle=assist)
    services.whistle_resolve(
        actor=u["department_handler"], whistle=Whistle.objects.get(pk=assist.pk), explanation="协助完成"
    )
    t.refresh_from_db()
    assert t.status == TicketStatus.WHISTLED
    with django_capture_on_commit_callbacks(execute=True):
        services.whistle_resolve(
            actor=u["housing_handler"],
            whistle=Whistle.objects.get(pk=lead.pk),
            explanation="已联系物业修复电梯",
        )
    t.refresh_from_db()
    assert t.status == TicketStatus.RESOLVED and t.resolution == "已联系物业修复电梯"
    token = token_from_notification(u["resident"])
    rating = services.ticket_rate(actor=None, token=token, level="satisfied", comment="很快")
    t.refresh_from_db()
    assert rating.via == Rating.Via.LINK and t.status == TicketStatus.CLOSED and t.rating_level == "satisfied"
    assert kinds(t) == [
        "created",
        "categorised",
        "accepted",
        "escalated",
        "escalated",
        "accepted",
        "whistled",
        "whistle_responded",
        "whistle_responded",
        "whistle_resolved",
        "whistle_resolved",
        "rated",
        "closed",
    ]
    assert_history_consistent(t)


def test_local_resolution_and_dissatisfied_reopens_once_then_ledger(
    city, cat, django_capture_on_commit_callbacks
):
    u = city.users
    t = new_ticket(city)
    t = services.ticket_accept(actor=u["grid_worker"], ticket=t)
    with django_capture_on_commit_callbacks(execute=True):
        t = services.ticket_resolve(actor=u["grid_worker"], ticket=t, explanation="已劝离摊贩")
    token = token_from_notification(u["resident"])
    services.ticket_rate(actor=None, token=token, level="dissatisfied", comment="第二天又来了")
    t.refresh_from_db()
    assert t.status == TicketStatus.IN_PROGRESS and t.reopen_count == 1
    with django_capture_on_commit_callbacks(execute=True):
        t = services.ticket_resolve(actor=u["grid_worker"], ticket=t, explanation="已联合执法")
    # The requester rates logged in this time.
    services.ticket_rate(actor=u["resident"], ticket=t, level="dissatisfied", comment="还是有")
    t.refresh_from_db()
    assert t.status == TicketStatus.CLOSED
    entry = RehandlingEntry.objects.get(ticket=t)
    assert entry.status == "open"
    services.rehandling_close(actor=u["community_x"], entry=entry, note="已重办")
    entry.refresh_from_db()
    assert entry.status == "done"
    assert_history_consistent(t)


def test_rating_link_used_twice_or_forged_writes_nothing(city, cat, django_capture_on_commit_callbacks):
    u = city.users
    t = services.ticket_accept(actor=u["grid_worker"], ticket=new_ticket(city))
    with django_capture_on_commit_callbacks(execute=True):
        services.ticket_resolve(actor=u["grid_worker"], ticket=t, explanation="已处理")
    token = token_from_notification(u["resident"])
    head = token.split(".")[0]
    for forged in ["", "abc", f"{head}.forged-secret", f"999999.{token.split('.', 1)[1]}", token + "x"]:
        before = (Rating.objects.count(), TicketEvent.objects.count())
        with pytest.raises(ValidationError) as info:
            services.ticket_rate(actor=None, token=forged, level="satisfied")
        assert "token" in info.value.message_dict
        assert (Rating.objects.count(), TicketEvent.objects.count()) == before
    services.ticket_rate(actor=None, token=token, level="basically")
    before = (Rating.objects.count(), TicketEvent.objects.count())
    with pytest.raises(ValidationError) as info:
        services.ticket_rate(actor=None, token=token, level="dissatisfied", comment="再评一次")
    assert "token" in info.value.message_dict
    assert (Rating.objects.count(), TicketEvent.objects.count()) == before


def test_idempotent_create(city, cat):
    u = city.users
    first = new_ticket(city, idempotency_key="k-1")
    again = new_ticket(city, idempotency_key="k-1", text="重试")
    assert again.pk == first.pk
    assert Ticket.objects.count() == 1 and TicketEvent.objects.count() == 1
    with pytest.raises(ValidationError) as info:
        new_ticket(city, u["community_x"], idempotency_key="k-1", channel=Channel.API)
    assert "idempotency_key" in info.value.message_dict
    assert Ticket.objects.count() == 1


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"text": ""}, "text"),
        ({"text": "字" * 2001}, "text"),
        ({"point": OUTSIDE}, "lon"),
        ({"point": (None, None)}, "lon"),
        ({"crs": "epsg:3857"}, "crs"),
        ({"channel": "fax"}, "channel"),
        ({"contact_phone": "12ab"}, "contact_phone"),
    ],
)
def test_bad_input_is_refused_and_nothing_written(city, cat, kwargs, field):
    with pytest.raises(ValidationError) as info:
        new_ticket(city, **kwargs)
    assert field in info.value.message_dict
    assert Ticket.objects.count() == 0 and TicketEvent.objects.count() == 0


def test_unknown_or_top_level_category_refused(city, cat):
    with pytest.raises(ValidationError) as info:
        new_ticket(city, category=cat["env"])
    assert "category" in info.value.message_dict


def test_gcj02_input_is_stored_wgs84(city, cat):
    from quanyu.core.geo import wgs84_to_gcj02

    x, y = wgs84_to_gcj02([GRID_211[0]], [GRID_211[1]])
    t = services.ticket_create(
        actor=city.users["resident"],
        text="路灯不亮",
        channel=Channel.WEB,
        lon=float(x[0]),
        lat=float(y[0]),
        crs="gcj02",
    )
    assert t.grid_id == city.grids[4].pk
    assert abs(t.lon - GRID_211[0]) < 1e-5 and abs(t.lat - GRID_211[1]) < 1e-5


def test_contact_phone_encrypted_hashed_and_masked(city, cat):
    from django.db import connection

    from quanyu.core.pii import pii_hash

    t = new_ticket(city, contact_name="张三丰", contact_phone="138-0013-8000")
    with connection.cursor() as cur:
        cur.execute("select contact_phone from tickets_ticket where id = %s", [t.pk])
        raw = cur.fetchone()[0]
    assert raw.startswith("enc1:") and "13800138000" not in raw
    assert Ticket.objects.get(contact_phone_hash=pii_hash("phone", "13800138000")).pk == t.pk
    assert t.contact_phone_masked == "138****8000" and t.contact_name_masked == "张*丰"


def test_window_one_window_item_needs_its_materials(city, cat):
    u = city.users
    with pytest.raises(ValidationError) as info:
        new_ticket(
            city,
            u["community_x"],
            text="办理装修备案",
            channel=Channel.WINDOW,
            category=cat["permit"],
            materials=["身份证"],
        )
    assert "房产证" in info.value.message_dict["materials"][0]
    t = new_ticket(
        city,
        u["community_x"],
        text="办理装修备案",
        channel=Channel.WINDOW,
        category=cat["permit"],
        materials=["身份证", "房产证"],
    )
    assert t.tier == "community" and t.requester_id is None and t.created_by_id == u["community_x"].pk


def test_staff_channels_need_staff_roles_at_the_place(city, cat):
    u = city.users
    for actor, channel in [
        (u["resident"], Channel.PATROL),
        (u["community_y"], Channel.WINDOW),
        (None, Channel.API),
    ]:
        with pytest.raises(PermissionDenied):
            new_ticket(city, actor, channel=channel) if actor else services.ticket_create(
                actor=None, text="x", channel=channel, lon=GRID_111[0], lat=GRID_111[1]
            )
    assert Ticket.objects.count() == 0
    anonymous = services.ticket_create(
        actor=None, text="路灯不亮", channel=Channel.OPEN311, lon=GRID_111[0], lat=GRID_111[1]
    )
    assert anonymous.requester_id is None


def test_whistle_return_goes_back_to_street_and_reassign(city, cat):
    u = city.users
    t, lead, assist = whistled(city, cat)
    services.whistle_return(actor=u["housing_handler"], whistle=lead, reason="不属于本部门职责")
    t.refresh_from_db()
    assert t.status == TicketStatus.WHISTLED  # the assisting department is still on it
    services.whistle_return(actor=u["department_handler"], whistle=assist, reason="同上")
    t.refresh_from_db()
    assert t.status == TicketStatus.IN_PROGRESS and t.tier == "street"
    t = services.ticket_reassign(
        actor=u["street_staff"], ticket=t, area=city.communities[0], reason="社区牵头处理"
    )
    assert (t.status, t.tier, t.handling_area_id) == ("new", "community", city.communities[0].pk)
    with pytest.raises(ValidationError):
        services.ticket_reassign(
            actor=u["street_staff"], ticket=to_street(city, t), area=city.communities[1], reason="x"
        )
    assert_history_consistent(t)


def test_whistle_rules(city, cat):
    u = city.users
    t = new_ticket(city)
    with pytest.raises(TransitionError):  # must reach the street first
        services.ticket_whistle(actor=u["street_staff"], ticket=t, departments=[cat["cg"]], lead=cat["cg"])
    t = to_street(city, t)
    with pytest.raises(ValidationError) as info:
        services.ticket_whistle(actor=u["street_staff"], ticket=t, departments=[cat["cg"]], lead=None)
    assert "lead" in info.value.message_dict
    with pytest.raises(ValidationError):
        services.ticket_whistle(
            actor=u["street_staff"], ticket=t, departments=[city.units[0]], lead=city.units[0]
        )
    services.ticket_whistle(actor=u["street_staff"], ticket=t, departments=[cat["cg"]], lead=cat["cg"])
    with pytest.raises(ValidationError):  # same department again while open
        services.ticket_whistle(actor=u["street_staff"], ticket=t, departments=[cat["cg"]], lead=None)
    ws = services.ticket_whistle(actor=u["street_staff"], ticket=t, departments=[cat["housing"]], lead=None)
    assert not ws[0].lead
    w = ws[0]
    with pytest.raises(TransitionError):  # resolve before responding
        services.whistle_resolve(actor=u["housing_handler"], whistle=w, explanation="x")
    services.whistle_respond(actor=u["housing_handler"], whistle=w)
    with pytest.raises(ConflictError):  # a stale copy: someone responded meanwhile
        services.whistle_respond(actor=u["housing_handler"], whistle=w)


def test_merge_cancel_transfer(city, cat):
    u = city.users
    original = new_ticket(city)
    dup = new_ticket(city, text="又有人摆摊")
    services.ticket_merge(actor=u["grid_worker"], ticket=dup, into=original, reason="重复")
    dup.refresh_from_db()
    assert dup.status == "merged" and dup.merged_into_id == original.pk and dup.excluded_from_stats
    assert kinds(original)[-1] == EventKind.DUPLICATE_ADDED
    with pytest.raises(TransitionError):
        services.ticket_accept(actor=u["grid_worker"], ticket=dup)

    mine = new_ticket(city)
    services.ticket_cancel(actor=u["resident"], ticket=mine)
    assert Ticket.objects.get(pk=mine.pk).status == "cancelled"

    t, _lead, _assist = whistled(city, cat)
    services.ticket_transfer_emergency(actor=u["street_staff"], ticket=t, target="119", note="电梯冒烟")
    t.refresh_from_db()
    assert t.status == "transferred" and t.excluded_from_stats
    assert set(Whistle.objects.filter(ticket=t).values_list("status", "excluded_from_stats")) == {
        ("cancelled", True)
    }
    with pytest.raises(ValidationError):
        services.ticket_transfer_emergency(actor=u["street_staff"], ticket=new_ticket(city), target="999")


def test_callback_appeal_and_decision(city, cat, django_capture_on_commit_callbacks):
    u = city.users
    t, lead, assist = whistled(city, cat)
    services.whistle_respond(actor=u["housing_handler"], whistle=lead)
    assist_finished(city, assist)
    services.whistle_resolve(
        actor=u["housing_handler"], whistle=Whistle.objects.get(pk=lead.pk), explanation="已修复"
    )
    rating = services.ticket_callback(
        actor=u["street_staff"], ticket=t, level="satisfied", comment="电话回访满意"
    )
    t.refresh_from_db()
    assert rating.via == "callback" and t.status == "closed" and t.rating_level == "satisfied"
    bad = services.ticket_callback(
        actor=u["community_x"], ticket=t, level="dissatisfied", comment="其实没修好"
    )
    t.refresh_from_db()
    assert t.status == "closed" and t.rating_level == "dissatisfied"
    with pytest.raises(PermissionDenied):  # 区城管局 assisted; a department outside the ticket may not
        services.rating_appeal(actor=u["outsider"], rating=bad, reason="x")
    services.rating_appeal(actor=u["housing_handler"], rating=bad, reason="已修复，有照片为证")
    with pytest.raises(PermissionDenied):
        services.rating_appeal_decide(actor=u["community_x"], rating=bad, upheld=True)
    services.rating_appeal_decide(actor=u["street_staff"], rating=bad, upheld=True, note="照片属实")
    t.refresh_from_db()
    bad.refresh_from_db()
    assert not bad.counts and bad.appeal_status == "upheld" and t.rating_level == "satisfied"
    assert kinds(t)[-2:] == ["appealed", "appeal_decided"]
    assert_history_consistent(t)


def test_supervise_and_reopen_close(city, cat):
    u = city.users
    t = new_ticket(city)
    order = services.ticket_supervise(actor=u["street_staff"], ticket=t, reason="群众反映强烈")
    assert order.kind == SupervisionOrder.Kind.MANUAL and order.status == "open"
    with pytest.raises(PermissionDenied):
        services.ticket_supervise(actor=u["grid_worker"], ticket=t, reason="x")
    t = services.ticket_accept(actor=u["grid_worker"], ticket=t)
    t = services.ticket_resolve(actor=u["grid_worker"], ticket=t, explanation="已处理")
    order.refresh_from_db()
    assert order.status == "closed"  # resolving closes the open orders
    t = services.ticket_close(actor=u["grid_worker"], ticket=t, note="未评价，到期关闭")
    t = services.ticket_reopen(actor=u["community_x"], ticket=t, reason="问题复发")
    assert t.status == "in_progress" and t.reopen_count == 1
    assert_history_consistent(t)


# --- permission matrix: every restricted action, every persona; denied → no event, no change ---

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


def _setup_new(city, cat):
    return {"ticket": new_ticket(city)}


def _setup_in_progress(city, cat):
    return {"ticket": services.ticket_accept(actor=city.users["grid_worker"], ticket=new_ticket(city))}


def _setup_street(city, cat):
    return {"ticket": to_street(city, new_ticket(city, text="电梯停运"))}


def _setup_whistled(city, cat):
    t, lead, _assist = whistled(city, cat)
    return {"ticket": t, "whistle": lead}


def _setup_responded(city, cat):
    t, lead, assist = whistled(city, cat)
    services.whistle_respond(actor=city.users["housing_handler"], whistle=lead)
    assist_finished(city, assist)
    return {"ticket": t, "whistle": Whistle.objects.get(pk=lead.pk)}


def _setup_resolved(city, cat):
    t = services.ticket_accept(actor=city.users["grid_worker"], ticket=new_ticket(city))
    return {"ticket": services.ticket_resolve(actor=city.users["grid_worker"], ticket=t, explanation="ok")}


MATRIX = [
    # action, setup, call, personas allowed
    ("accept", _setup_new, lambda a, c, d: services.ticket_accept(actor=a, ticket=d["ticket"]),
     {"district_admin", "street_staff", "community_x", "grid_worker"}),
    ("assign", _setup_new, lambda a, c, d: services.ticket_assign(actor=a, ticket=d["ticket"], assignee=c.users["grid_worker"]),
     {"district_admin", "street_staff", "community_x", "grid_worker"}),
    ("escalate", _setup_in_progress, lambda a, c, d: services.ticket_escalate(actor=a, ticket=d["ticket"], reason="r"),
     {"district_admin", "street_staff", "community_x", "grid_worker"}),
    ("resolve", _setup_in_progress, lambda a, c, d: services.ticket_resolve(actor=a, ticket=d["ticket"], explanation="e"),
     {"district_admin", "street_staff", "community_x", "grid_worker"}),
    ("whistle", _setup_street, lambda a, c, d: services.ticket_whistle(actor=a, ticket=d["ticket"], departments=[c.units[-1]], lead=c.units[-1]),
     {"district_admin", "street_staff"}),
    ("reassign", _setup_street, lambda a, c, d: services.ticket_reassign(actor=a, ticket=d["ticket"], area=c.communities[0], reason="r"),
     {"district_admin", "street_staff"}),
    ("respond", _setup_whistled, lambda a, c, d: services.whistle_respond(actor=a, whistle=d["whistle"]),
     {"housing_handler"}),
    ("return", _setup_whistled, lambda a, c, d: services.whistle_return(actor=a, whistle=d["whistle"], reason="r"),
     {"housing_handler"}),
    ("whistle_resolve", _setup_responded, lambda a, c, d: services.whistle_resolve(actor=a, whistle=d["whistle"], explanation="e"),
     {"housing_handler"}),
    ("cancel", _setup_new, lambda a, c, d: services.ticket_cancel(actor=a, ticket=d["ticket"], reason="r"),
     {"district_admin", "street_staff", "community_x", "grid_worker", "resident"}),
    ("transfer", _setup_new, lambda a, c, d: services.ticket_transfer_emergency(actor=a, ticket=d["ticket"], target="110"),
     {"district_admin", "street_staff", "community_x", "grid_worker"}),
    ("supervise", _setup_new, lambda a, c, d: services.ticket_supervise(actor=a, ticket=d["ticket"], reason="r"),
     {"district_admin", "street_staff"}),
    ("close", _setup_resolved, lambda a, c, d: services.ticket_close(actor=a, ticket=d["ticket"]),
     {"district_admin", "street_staff", "community_x", "grid_worker"}),
    ("reopen", _setup_resolved, lambda a, c, d: services.ticket_reopen(actor=a, ticket=d["ticket"], reason="r"),
     {"district_admin", "street_staff", "community_x", "grid_worker"}),
    ("rate", _setup_resolved, lambda a, c, d: services.ticket_rate(actor=a, ticket=d["ticket"], level="satisfied"),
     {"resident"}),
    ("callback", _setup_resolved, lambda a, c, d: services.ticket_callback(actor=a, ticket=d["ticket"], level="satisfied"),
     {"district_admin", "street_staff", "community_x"}),
]  # fmt: skip


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(("action", "setup", "call", "allowed"), MATRIX, ids=[m[0] for m in MATRIX])
def test_permission_matrix(city, cat, persona, action, setup, call, allowed):
    data = setup(city, cat)
    ticket = data["ticket"]
    actor = city.users[persona]
    events_before = TicketEvent.objects.filter(ticket=ticket).count()
    status_before = Ticket.objects.get(pk=ticket.pk).status
    if persona in allowed:
        call(actor, city, data)
        assert TicketEvent.objects.filter(ticket=ticket).count() > events_before
    else:
        watched = [ticket, *([data["whistle"]] if "whistle" in data else [])]
        with nothing_written(*watched), pytest.raises(PermissionDenied):
            call(actor, city, data)
        assert TicketEvent.objects.filter(ticket=ticket).count() == events_before
        assert Ticket.objects.get(pk=ticket.pk).status == status_before
        if "whistle" in data:
            assert Whistle.objects.get(pk=data["whistle"].pk).status == data["whistle"].status


def test_whistle_statuses_follow_table(city, cat):
    from quanyu.tickets.states import WHISTLE_ALLOWED

    _t, lead, assist = whistled(city, cat)
    services.whistle_respond(actor=city.users["housing_handler"], whistle=lead)
    services.whistle_cancel(actor=city.users["street_staff"], whistle=assist, reason="无需协办")
    assert Whistle.objects.get(pk=assist.pk).status == WhistleStatus.CANCELLED
    assert all(
        WhistleStatus.CANCELLED not in WHISTLE_ALLOWED[s] or s in ("pending", "responded")
        for s in WHISTLE_ALLOWED
    )
