"""``core.rows`` writes rows as the ORM would, for models nobody listens to."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.models.signals import post_save, pre_save
from django.forms.models import model_to_dict
from django.utils import timezone

from quanyu.core.rows import insert_many, insert_one
from quanyu.notify.models import Notification
from quanyu.tickets.models import Ticket, TicketEvent

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", [Ticket, TicketEvent, Notification])
def test_no_signal_receiver_listens_to_the_models_written_this_way(model):
    for signal in (pre_save, post_save):
        sync, asynchronous = signal._live_receivers(model)
        assert not sync and not asynchronous, (signal, model)


def _ticket(city, **kw):
    grid = city.grids[0]
    return Ticket(
        text="路灯不亮",
        channel="api",
        grid=grid,
        area_path=grid.path,
        handling_area=grid,
        tier="grid",
        status="new",
        contact_phone="13812345678",
        materials=["身份证"],
        response_due=timezone.now() + dt.timedelta(hours=4),
        created_at=timezone.now(),
        **kw,
    )


def test_insert_one_stores_what_save_stores(city):
    by_orm = _ticket(city)
    by_orm.save()
    fast = _ticket(city)
    insert_one(fast)
    assert fast.pk and fast.pk != by_orm.pk and fast._state.adding is False
    a = model_to_dict(Ticket.objects.get(pk=by_orm.pk))
    b = model_to_dict(Ticket.objects.get(pk=fast.pk))
    for key in ("id", "created_at", "updated_at", "response_due"):
        a.pop(key, None), b.pop(key, None)
    assert a == b
    stored = Ticket.objects.get(pk=fast.pk)
    assert stored.contact_phone == "13812345678" and stored.updated_at is not None
    with connection.cursor() as cursor:
        cursor.execute("SELECT contact_phone FROM tickets_ticket WHERE id = %s", [fast.pk])
        assert cursor.fetchone()[0].startswith("enc1:")  # encrypted at rest, as by save()


def test_insert_many_writes_every_row(city):
    user = city.users["resident"]
    rows = [
        Notification(recipient_id=user.pk, kind="k", title=f"t{i}", body="", link="/x/") for i in range(3)
    ]
    assert insert_many(rows) == 3
    assert insert_many([]) == 0
    assert sorted(Notification.objects.filter(recipient=user).values_list("title", flat=True)) == [
        "t0",
        "t1",
        "t2",
    ]
