"""``core.rows`` writes rows as the ORM would, for models nobody listens to."""

from __future__ import annotations

import contextlib
import datetime as dt
import inspect

import pytest
from django.db import connection
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.signals import post_save, pre_save
from django.forms.models import model_to_dict
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from quanyu.core.rows import DJANGO_WRAPPER_API, _cursor, gathered, insert_many, insert_one, new
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


def test_insert_keeps_an_aware_datetime_to_the_microsecond(city):
    due = dt.datetime(2026, 3, 2, 9, 30, 15, 123456, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    fast = _ticket(city)
    fast.response_due = due
    insert_one(fast)
    by_orm = _ticket(city)
    by_orm.response_due = due
    by_orm.save()
    assert Ticket.objects.get(pk=fast.pk).response_due == due == Ticket.objects.get(pk=by_orm.pk).response_due


def test_insert_many_returning_gives_each_row_its_own_key_in_order(city):
    rows = [_ticket(city, address=f"{i}号") for i in range(7)]
    assert insert_many(rows, returning=True, batch_size=3) == 7  # three statements
    assert all(r.pk and r._state.adding is False for r in rows)
    stored = dict(Ticket.objects.filter(pk__in=[r.pk for r in rows]).values_list("pk", "address"))
    assert [stored[r.pk] for r in rows] == [f"{i}号" for i in range(7)]


def test_gathered_sends_the_rows_at_the_end_of_the_block(city, django_assert_num_queries):
    user = city.users["resident"]

    def note(i):
        return Notification(recipient_id=user.pk, kind="k", title=f"g{i}", body="", link="/x/")

    with django_assert_num_queries(1), gathered():
        for i in range(5):
            insert_many([note(i)])
    assert Notification.objects.filter(recipient=user, title__startswith="g").count() == 5


def test_gathered_sends_nothing_when_the_block_fails(city):
    user = city.users["resident"]
    with pytest.raises(RuntimeError), gathered():
        insert_many([Notification(recipient_id=user.pk, kind="k", title="lost", body="", link="/x/")])
        raise RuntimeError("boom")
    assert not Notification.objects.filter(title="lost").exists()
    # and the next block starts empty
    with gathered():
        insert_many([Notification(recipient_id=user.pk, kind="k", title="kept", body="", link="/x/")])
    assert Notification.objects.filter(title__in=["lost", "kept"]).count() == 1


def test_new_builds_what_the_constructor_builds(city, django_assert_num_queries):
    grid, user = city.grids[0], city.users["resident"]
    given = {
        "text": "路灯不亮",
        "channel": "api",
        "grid": grid,
        "community": city.communities[0],
        "street": None,
        "area_path": grid.path,
        "handling_area": grid,
        "created_by": user,
        "tier": "grid",
        "status": "new",
        "contact_phone": "13812345678",
        "materials": ["身份证"],
        "response_due": timezone.now(),
        "created_at": timezone.now(),
        "suggested_category_id": None,
    }
    by_init, by_new = Ticket(**given), new(Ticket, **given)
    state = lambda obj: {k: v for k, v in obj.__dict__.items() if k != "_state"}  # noqa: E731
    assert state(by_new) == state(by_init)
    assert by_new._state.adding and by_new._state.db is None
    with django_assert_num_queries(0):  # the related objects given are cached, as by __init__
        assert by_new.grid is grid and by_new.created_by is user and by_new.street is None
        assert by_new.community == city.communities[0] and by_new.handling_area is grid
    with pytest.raises(TypeError, match="no field"):
        new(Ticket, text="x", colour="red")


# -- the adapter to Django's database wrapper ---------------------------------------------------


@pytest.mark.parametrize("name", sorted(DJANGO_WRAPPER_API))
def test_the_wrapper_methods_the_adapter_calls_are_there_as_expected(name):
    """A Django upgrade that renames or reshapes one of them must fail here, not in production."""
    method = getattr(BaseDatabaseWrapper, name, None)
    assert callable(method), f"Django's BaseDatabaseWrapper has no {name}() any more: update core.rows"
    signature = inspect.signature(method)
    names = [p for p in signature.parameters if p not in ("args", "kwargs")]  # async_unsafe's wrapper
    assert names == list(DJANGO_WRAPPER_API[name])[: len(names)], (name, signature)
    signature.bind(*(object() for _ in DJANGO_WRAPPER_API[name]))  # callable as the adapter calls it
    assert isinstance(inspect.getattr_static(BaseDatabaseWrapper, "queries_logged"), property)
    assert hasattr(connection, "wrap_database_errors")


@pytest.mark.parametrize("logged", [False, True], ids=["plain", "logged"])
def test_round_trip_through_the_adapter(city, logged):
    """An insert through the adapter's cursor reads back as written, with and without query logging
    (``make_debug_cursor`` / ``make_cursor``), on the database under test (SQLite and PostgreSQL)."""
    ticket = _ticket(city)
    ticket.text = "井盖缺失"
    with CaptureQueriesContext(connection) if logged else contextlib.nullcontext() as captured:
        insert_one(ticket)
    if logged:
        assert any(q["sql"].startswith("INSERT") for q in captured.captured_queries)
    assert Ticket.objects.filter(pk=ticket.pk).values_list("text", flat=True).get() == "井盖缺失"
    if connection.vendor == "postgresql":
        import psycopg

        with _cursor(connection) as cursor:
            assert isinstance(cursor.cursor, psycopg.RawCursor)
            cursor.execute("SELECT $1::int + 1", [41])
            assert cursor.fetchone() == (42,)
