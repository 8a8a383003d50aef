"""The fast paths of intake keep the answers of the slow ones: per-process caches (catalogue matcher,
holiday years, grid index, grid rows) see changes after their re-check window or at once after an
explicit invalidation; insert-first idempotency; the streamed CSV reader. No timing is asserted:
the window is moved by settings (0 = always re-check, 3600 = never within a test)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from quanyu.accounts.models import RoleGrant
from quanyu.areas import locate as locate_module
from quanyu.catalog import calendar as calendar_module
from quanyu.catalog import suggest as suggest_module
from quanyu.catalog.models import Category, Holiday
from quanyu.core.roles import Role
from quanyu.core.spreadsheets import Column, read_rows
from quanyu.notify.models import Notification
from quanyu.tickets import services
from quanyu.tickets.models import Channel, Ticket, TicketEvent
from tests.factories import make_user
from tests.tickets.factories import GRID_111

pytestmark = pytest.mark.django_db


def test_matcher_is_reused_within_the_window_and_rebuilt_after(cat, settings, django_assert_num_queries):
    settings.QUANYU_REVISION_RECHECK_SECONDS = 3600
    first = suggest_module.cached_matcher()
    with django_assert_num_queries(0):
        assert suggest_module.cached_matcher() is first
        assert suggest_module.category_suggest("路边有人摆摊").category.code == "0101"
    # An edit that sends no signal (queryset update), as another process's edit looks from here.
    Category.objects.filter(code="0101").update(keywords="摆摊 占道 流动摊贩 烧烤")
    assert suggest_module.category_suggest("烧烤油烟") is None  # still inside the window
    settings.QUANYU_REVISION_RECHECK_SECONDS = 0  # the window has passed
    found = suggest_module.category_suggest("烧烤油烟")
    assert found is not None and found.category.code == "0101"


def test_matcher_sees_a_saved_category_at_once(cat, settings):
    settings.QUANYU_REVISION_RECHECK_SECONDS = 3600
    assert suggest_module.category_suggest("井盖丢失") is None
    Category.objects.create(code="0102", name="井盖缺失", parent=cat["env"], keywords="井盖")
    found = suggest_module.category_suggest("井盖丢失")
    assert found is not None and found.category.code == "0102"
    assert suggest_module.cached_item("0102").pk == found.category.pk


def test_suggestion_scores_as_before(cat):
    matcher = suggest_module.CategoryMatcher()
    found = matcher.suggest("电梯停运，有人困人")
    assert found is not None and found.category.code == "0201"
    assert found.matched == ("电梯", "困人", "停运") and found.score == round(6 / 10, 3)
    assert matcher.suggest("") is None and matcher.suggest("天气很好") is None


def test_calendar_years_cached_and_invalidated(db, settings, django_assert_num_queries):
    settings.QUANYU_REVISION_RECHECK_SECONDS = 3600
    calendar_module.invalidate()
    known = calendar_module.WorkCalendar().year_known(2031)
    with django_assert_num_queries(0):
        assert calendar_module.WorkCalendar().year_known(2031) is known
    Holiday.objects.bulk_create([Holiday(date=dt.date(2031, 1, 1), kind=Holiday.Kind.HOLIDAY)])
    assert calendar_module.WorkCalendar().year_known(2031) is known  # no signal, inside the window
    calendar_module.invalidate()
    assert calendar_module.WorkCalendar().year_known(2031) is True
    assert not calendar_module.WorkCalendar().is_working_day(dt.date(2031, 1, 1))


def test_calendar_sees_other_process_edits_after_the_window(db, settings):
    settings.QUANYU_REVISION_RECHECK_SECONDS = 0
    assert calendar_module.WorkCalendar().year_known(2032) is False
    Holiday.objects.bulk_create([Holiday(date=dt.date(2032, 1, 1), kind=Holiday.Kind.HOLIDAY)])
    assert calendar_module.WorkCalendar().year_known(2032) is True


def test_grid_index_revision_is_throttled(city, settings, django_assert_num_queries):
    settings.QUANYU_REVISION_RECHECK_SECONDS = 3600
    index = locate_module.grid_index()
    with django_assert_num_queries(0):
        assert locate_module.grid_index() is index
    grid = city.grids[0]
    # A change without a signal (another process's) is not seen inside the window ...
    type(grid).objects.filter(pk=grid.pk).update(geometry=None, updated_at=timezone.now())
    assert locate_module.grid_index() is index
    # ... and is seen after it.
    settings.QUANYU_REVISION_RECHECK_SECONDS = 0
    assert locate_module.grid_index() is not index


def test_grid_index_rebuilt_after_a_save_here(city, settings):
    settings.QUANYU_REVISION_RECHECK_SECONDS = 3600
    index = locate_module.grid_index()
    grid = city.grids[0]
    grid.name = grid.name + "（改）"
    grid.save()
    assert locate_module.grid_index() is not index


def test_create_uses_cached_areas_and_catalogue(city, cat, settings, django_assert_num_queries):
    settings.QUANYU_REVISION_RECHECK_SECONDS = 3600
    actor = city.users["resident"]
    services.ticket_create(
        actor=actor, text="路灯不亮", channel=Channel.API, lon=GRID_111[0], lat=GRID_111[1]
    )
    # Warm, inside one savepoint (SAVEPOINT + RELEASE = 2): the ticket and its event (2 inserts)
    # and the in-app rows of the grid's staff (1 insert; who they are is remembered since the
    # first create). No outbox row: none of the test staff has an e-mail address or a phone, so no
    # channel that delivers later reaches anyone (a staff member with one would add 1 insert).
    with django_assert_num_queries(5):
        ticket = services.ticket_create(
            actor=actor, text="路边有人摆摊", channel=Channel.API, lon=GRID_111[0], lat=GRID_111[1]
        )
    assert ticket.grid == city.grids[0] and ticket.community is not None and ticket.street is not None
    assert ticket.suggested_category.code == "0101" and ticket.tier == "grid"
    assert ticket.response_due is not None and ticket.replayed is False
    assert Notification.objects.filter(recipient=city.users["grid_worker"]).count() == 2


def _report(actor, text):
    return services.ticket_create(
        actor=actor, text=text, channel=Channel.API, lon=GRID_111[0], lat=GRID_111[1]
    )


def test_recipients_follow_grant_changes_at_once_in_this_process(city, cat, settings):
    settings.QUANYU_REVISION_RECHECK_SECONDS = 3600
    actor = city.users["resident"]
    services.ticket_create(
        actor=actor, text="路灯不亮", channel=Channel.API, lon=GRID_111[0], lat=GRID_111[1]
    )
    newcomer = make_user("grid_worker_2", Role.GRID_WORKER, city.grids[0])  # a grant saved here
    services.ticket_create(
        actor=actor, text="路灯又不亮", channel=Channel.API, lon=GRID_111[0], lat=GRID_111[1]
    )
    assert Notification.objects.filter(recipient=newcomer).count() == 1
    RoleGrant.objects.get(user=newcomer).delete()
    services.ticket_create(
        actor=actor, text="路灯还不亮", channel=Channel.API, lon=GRID_111[0], lat=GRID_111[1]
    )
    assert Notification.objects.filter(recipient=newcomer).count() == 1
    assert Notification.objects.filter(recipient=city.users["grid_worker"]).count() == 3


def test_idempotent_replay_answers_the_first_ticket(city, cat):
    actor = city.users["resident"]
    args = {
        "actor": actor,
        "text": "路灯不亮",
        "channel": Channel.API,
        "lon": GRID_111[0],
        "lat": GRID_111[1],
    }
    first = services.ticket_create(**args, idempotency_key="k-1")
    again = services.ticket_create(**args, idempotency_key="k-1")
    assert again.pk == first.pk and again.replayed is True and first.replayed is False
    assert Ticket.objects.filter(idempotency_key="k-1").count() == 1
    assert TicketEvent.objects.filter(ticket=first).count() == 1
    with pytest.raises(ValidationError) as err:
        services.ticket_create(**{**args, "actor": city.users["grid_worker"]}, idempotency_key="k-1")
    assert "idempotency_key" in err.value.message_dict


def test_csv_streamed_utf8_and_gbk(tmp_path):
    columns = [Column("a", "甲", required=True), Column("b", "乙")]
    utf8 = tmp_path / "u.csv"
    utf8.write_bytes("\ufeff甲,乙\n 一 ,二\n,\n三\n".encode())
    assert list(read_rows(utf8, columns)) == [(2, {"a": "一", "b": "二"}), (4, {"a": "三", "b": ""})]
    gbk = tmp_path / "g.csv"
    gbk.write_bytes("甲,乙\n北京,上海\n".encode("gbk"))
    assert list(read_rows(gbk, columns)) == [(2, {"a": "北京", "b": "上海"})]
