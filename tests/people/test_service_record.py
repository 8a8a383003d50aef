"""A party member's 双报到 yearly record includes what the apps above people add
(``people.service_record``): volunteer hours the organiser approved and micro-wishes the member
realised, computed from those apps' records (declined hours and unconfirmed wishes do not count),
for the member, for the unit of in-service members, and on the member's own page."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from quanyu.people import selectors
from quanyu.people.models import PartyMember
from quanyu.volunteering import services as volunteering
from quanyu.volunteering.models import Volunteer
from quanyu.wishes import services as wishes
from tests.volunteering.factories import make_setup
from tests.wishes.factories import claimed, fulfilled, make_world, published, resident_wish

pytestmark = pytest.mark.django_db


def _served(vs, volunteer: Volunteer, minutes: int, *, approve: bool):
    signup = volunteering.signup_create(actor=volunteer.user, activity=vs.activity)
    start = vs.activity.starts_at
    volunteering.rollcall_check_in(actor=vs.leader, signup=signup, at=start)
    out = volunteering.rollcall_check_out(
        actor=vs.leader, signup=signup, at=start + dt.timedelta(minutes=minutes)
    )
    return volunteering.hours_decide(actor=vs.leader, signup=out, approve=approve)


def _lines(lines) -> dict[str, tuple[int, Decimal | None]]:
    return {line.key: (line.count, line.hours) for line in lines}


def test_volunteer_hours_and_realised_wishes_on_the_yearly_record(city):
    world = make_world(city)
    member, user = world.members[0], world.member_users[0]
    other = world.members[1]
    year = timezone.localdate().year
    assert _lines(selectors.member_year_report(member=member, year=year).services) == {
        "volunteering": (0, Decimal(0)),
        "wishes": (0, None),
    }

    vs = make_setup(city, capacity=5, volunteers=3)
    Volunteer.objects.filter(pk=vs.volunteers[0].pk).update(member=member)
    Volunteer.objects.filter(pk=vs.volunteers[1].pk).update(member=other)
    vs.volunteers[0].refresh_from_db()
    vs.volunteers[1].refresh_from_db()
    _served(vs, vs.volunteers[0], 90, approve=True)
    _served(vs, vs.volunteers[1], 60, approve=False)  # declined: never counted

    done = published(resident_wish(city), city)
    fulfilled(world, claimed(world, done))
    wishes.wish_confirm(actor=city.users["resident"], wish=done)
    waiting = published(resident_wish(city, text="想学用智能手机"), city)
    fulfilled(world, claimed(world, waiting))  # not yet confirmed by the wisher: not counted

    record = selectors.member_year_report(member=member, year=year)
    assert _lines(record.services) == {"volunteering": (1, Decimal("1.5")), "wishes": (1, None)}
    assert _lines(selectors.member_year_report(member=other, year=year).services) == {
        "volunteering": (0, Decimal(0)),
        "wishes": (0, None),
    }
    assert _lines(selectors.member_year_report(member=member, year=year - 1).services)["volunteering"] == (
        0,
        Decimal(0),
    )

    # The unit of in-service members adds its members' lines up.
    unit = city.units[0]
    PartyMember.objects.filter(pk__in=[member.pk, other.pk]).update(work_unit=unit)
    unit_record = selectors.unit_year_report(actor=city.users["district_admin"], unit=unit, year=year)
    assert _lines(unit_record.services) == {"volunteering": (1, Decimal("1.5")), "wishes": (1, None)}

    # The member's own page shows them.
    client = Client()
    client.force_login(user)
    page = client.get("/people/me/").content.decode()
    assert 'data-service="volunteering"' in page and "志愿服务时长（小时，1 次）" in page
    assert 'data-service="wishes"' in page and "认领实现微心愿" in page
