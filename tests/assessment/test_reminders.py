"""Scoring reminders for hand-scored entries: the set's scorers (and only they) are told when
submitted entries near their deadline, once more when it has passed, never twice for a stage;
a scored entry is not reminded; a resubmission starts again; the task is on the beat schedule."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection

from quanyu.assessment.indicators import reminders, services
from quanyu.assessment.models import IndicatorEvent, ManualEntry, Source
from quanyu.assessment.periods import parse_period
from quanyu.assessment.tasks import REMIND_TASK
from quanyu.core.clock import LOCAL_TZ, local_today
from quanyu.notify.models import Notification
from tests.assessment.factories import community_set

MARCH = parse_period("2025-03")
DAY = dt.timedelta(days=1)


def at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(9), tzinfo=LOCAL_TZ)


@pytest.fixture
def submitted(city, people):
    """Street 1's set with two entries submitted today (scoring deadline in 10 days)."""
    s = community_set(city, people["district_admin"])
    manual = s.indicators.get(source=Source.MANUAL)
    entries = [
        services.entry_submit(
            actor=people["community_x"],
            indicator=manual,
            period=MARCH,
            statement="材料",
            target_area=city.communities[0],
        ),
        services.entry_submit(
            actor=people["district_admin"],
            indicator=manual,
            period=MARCH,
            statement="材料",
            target_area=city.communities[1],
        ),
    ]
    return s, entries


def told() -> dict[str, int]:
    out: dict[str, int] = {}
    for n in Notification.objects.filter(kind=reminders.KIND).select_related("recipient"):
        out[n.recipient.username] = out.get(n.recipient.username, 0) + 1
    return out


@pytest.mark.django_db
def test_scorers_are_reminded_once_before_and_once_after_the_deadline(city, people, submitted):
    s, entries = submitted
    due = entries[0].due_on
    assert due == local_today() + 10 * DAY
    # Not yet within the window: nothing.
    assert reminders.entries_remind(now=at(due - 3 * DAY)).entries == 0
    assert told() == {}
    result = reminders.entries_remind(now=at(due - 2 * DAY))
    # The set's scorers: the district's administrator and organisation department, the street's staff.
    scorers = {"district_admin", "org_dept", "street_staff"}
    assert result.entries == 2 and result.notified == len(scorers)
    assert told() == dict.fromkeys(scorers, 1)
    note = Notification.objects.filter(kind=reminders.KIND).first()
    assert "2 份自评材料待评分" in note.title and note.link == f"/assessment/sets/{s.pk}/#entries"
    # Idempotent: again the same day, or the next, tells nobody.
    assert reminders.entries_remind(now=at(due - 2 * DAY)).entries == 0
    assert reminders.entries_remind(now=at(due)).entries == 0
    assert told() == dict.fromkeys(scorers, 1)
    # One is scored in time; the other passes its deadline: told once more, for that one only.
    services.entry_score(actor=people["district_admin"], entry=entries[0], score=20)
    result = reminders.entries_remind(now=at(due + DAY))
    assert result.entries == 1
    assert told() == dict.fromkeys(scorers, 2)
    late = Notification.objects.filter(kind=reminders.KIND).order_by("-id").first()
    assert "1 份自评材料已超过评分期限" in late.title
    assert reminders.entries_remind(now=at(due + 5 * DAY)).entries == 0
    assert list(ManualEntry.objects.order_by("pk").values_list("reminded", flat=True)) == [1, 2]
    events = IndicatorEvent.objects.filter(kind="entries_reminded").order_by("id")
    assert [e.payload["overdue"] for e in events] == [0, 1] and all(e.actor is None for e in events)


@pytest.mark.django_db
def test_a_resubmission_is_reminded_afresh(city, people, submitted):
    _s, entries = submitted
    reminders.entries_remind(now=at(entries[1].due_on + DAY))
    assert ManualEntry.objects.get(pk=entries[1].pk).reminded == 2
    returned = services.entry_return(actor=people["district_admin"], entry=entries[1], comment="补充材料")
    again = services.entry_submit(
        actor=people["district_admin"],
        indicator=returned.indicator,
        period=MARCH,
        statement="补充后的材料",
        target_area=city.communities[1],
    )
    assert again.reminded == 0
    assert reminders.entries_remind(now=at(again.due_on - DAY)).entries == 1


def test_the_reminder_is_on_the_beat_schedule():
    from quanyu.celery import app

    assert any(e["task"] == REMIND_TASK for e in app.conf.beat_schedule.values())


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_tell_each_set_once(city, people, submitted):
    if connection.vendor != "postgresql":
        pytest.skip("row locks with SKIP LOCKED need PostgreSQL")
    _s, entries = submitted
    now = at(entries[0].due_on - DAY)
    barrier = threading.Barrier(2)
    results: list[int] = []

    def sweep() -> None:
        barrier.wait()
        try:
            results.append(reminders.entries_remind(now=now).entries)
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(results) == 2
    assert set(told().values()) == {1}
