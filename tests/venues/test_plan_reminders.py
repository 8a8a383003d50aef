"""Each month's activity plan is posted at the start of the month (连云港: 每月初公布活动计划): once
the due day has passed, the keepers of every in-use centre without a plan are told, once a month
per venue, with an event in the venue's history; posted plans, closed venues, stations and the days
before the due day are left alone; a repeated sweep tells nobody twice."""

from __future__ import annotations

import datetime as dt

import pytest

from quanyu.notify.models import Notification
from quanyu.venues.models import Venue, VenueEvent, VenueKind
from quanyu.venues.services import plans
from quanyu.venues.states import VenueStatus
from tests.venues.factories import make_venue

pytestmark = pytest.mark.django_db

MARCH_5 = dt.date(2026, 3, 5)


def told(venue: Venue) -> set[str]:
    return set(
        Notification.objects.filter(kind="venue_plan_late", link=f"/venues/{venue.pk}/").values_list(
            "recipient__username", flat=True
        )
    )


def test_late_plans_are_reminded_once_a_month(city):
    late = make_venue(city, city.communities[0])
    posted = make_venue(city, city.communities[1])
    plans.plan_post(actor=city.users["district_admin"], venue=posted, month=dt.date(2026, 3, 1), items=[])
    make_venue(city, city.communities[2], status=VenueStatus.CLOSED)
    make_venue(city, city.communities[3], kind=VenueKind.STATION, name="驿站")
    street = make_venue(city, city.streets[1], kind=VenueKind.STREET_CENTRE, name="街道2党群服务中心")

    assert plans.plans_remind(dt.date(2026, 3, 3)) == 0  # due on the 3rd: not late yet
    assert plans.plans_remind(MARCH_5) == 2
    assert "community_x" in told(late) and "community_y" not in told(late)
    assert told(posted) == set()
    assert "street_staff" not in told(street)  # street 1's staff; this is street 2's centre
    event = VenueEvent.objects.get(venue=late, kind="plan_reminded")
    assert event.payload == {"month": "2026-03", "due": "2026-03-03", "told": len(told(late))}
    before = Notification.objects.count()
    assert plans.plans_remind(MARCH_5 + dt.timedelta(days=1)) == 0  # once a month
    assert Notification.objects.count() == before
    assert plans.plans_remind(dt.date(2026, 4, 10)) == 3  # April: every centre again, posted too
    assert Venue.objects.get(pk=late.pk).plan_reminded_for == dt.date(2026, 4, 1)


def test_the_beat_task_runs_the_sweep(city):
    from quanyu.venues.tasks import remind_plans_task

    make_venue(city, city.communities[0])
    assert remind_plans_task.apply().get() in (0, 1)  # today's date decides whether it is late
    assert remind_plans_task.apply().get() == 0
