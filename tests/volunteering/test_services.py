"""The main path through the services: places, waiting list, promotion, QR check-in/out, hours,
points, corrections, proofs, the sweep and the no-show rule."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from quanyu.people.models import PointEntry
from quanyu.volunteering import services
from quanyu.volunteering.models import Signup, SignupEvent, Volunteer
from quanyu.volunteering.states import HoursStatus, SignupStatus
from quanyu.volunteering.tokens import make_token
from tests.people.helpers import add_member, make_branches
from tests.volunteering.factories import add_volunteer, make_activity

pytestmark = pytest.mark.django_db


def _user(v: Volunteer):
    return v.user


def test_capacity_then_waiting_list_then_promotion_in_order(vs):
    a, b, c = vs.volunteers
    s1 = services.signup_create(actor=_user(a), activity=vs.activity)
    s2 = services.signup_create(actor=_user(b), activity=vs.activity)
    s3 = services.signup_create(actor=_user(c), activity=vs.activity)
    assert [s.status for s in (s1, s2, s3)] == ["confirmed", "confirmed", "waiting"]
    assert [s.position for s in (s1, s2, s3)] == [1, 2, 3]
    services.signup_cancel(actor=_user(a), signup=s1)
    s3.refresh_from_db()
    assert s3.status == SignupStatus.CONFIRMED
    assert SignupEvent.objects.filter(signup=s3, kind="promoted").count() == 1
    vs.activity.refresh_from_db()
    assert vs.activity.taken == 2


def test_qr_check_in_and_out_gives_capped_hours_then_points(city, vs):
    branches = make_branches(city)
    member = add_member(city, branches, 7)
    vol = vs.volunteers[0]
    Volunteer.objects.filter(pk=vol.pk).update(member=member)
    signup = services.signup_create(actor=_user(vol), activity=vs.activity)
    token = make_token(vs.activity.pk)
    services.check_in_by_qr(actor=_user(vol), token=token)
    Signup.objects.filter(pk=signup.pk).update(checked_in_at=vs.activity.starts_at - dt.timedelta(hours=1))
    out = services.check_out_by_qr(actor=_user(vol), token=token)
    assert out.status == SignupStatus.CHECKED_OUT
    assert out.minutes is not None and out.minutes <= vs.activity.length_minutes
    assert out.hours_status == HoursStatus.PENDING
    done = services.hours_decide(actor=vs.leader, signup=out, approve=True)
    assert done.hours_status == HoursStatus.APPROVED
    assert PointEntry.objects.filter(member=member, rule__code="volunteer_hours").count() == 1


def test_roll_call_late_arrival_and_declined_hours_are_kept(vs):
    vol = vs.volunteers[0]
    signup = services.signup_create(actor=_user(vol), activity=vs.activity)
    late = vs.activity.starts_at + dt.timedelta(minutes=30)
    inn = services.rollcall_check_in(actor=vs.leader, signup=signup, at=late)
    assert inn.late is True
    out = services.rollcall_check_out(actor=vs.leader, signup=signup, at=late + dt.timedelta(minutes=45))
    assert out.minutes == 45
    declined = services.hours_decide(actor=vs.leader, signup=out, approve=False, note="未按要求服务")
    assert declined.hours_status == HoursStatus.DECLINED
    assert Signup.objects.filter(pk=signup.pk).exists()


def test_correction_keeps_both_versions(vs):
    vol = vs.volunteers[0]
    signup = services.signup_create(actor=_user(vol), activity=vs.activity)
    start = vs.activity.starts_at
    services.rollcall_check_in(actor=vs.leader, signup=signup, at=start)
    services.rollcall_check_out(actor=vs.leader, signup=signup, at=start + dt.timedelta(minutes=30))
    request = services.correction_request(actor=_user(vol), signup=signup, minutes=90, reason="签退晚了")
    decided = services.correction_decide(actor=vs.leader, request=request, approve=True)
    assert (decided.old_minutes, decided.new_minutes, decided.status) == (30, 90, "approved")
    signup.refresh_from_db()
    assert signup.minutes == 90


def test_certificate_over_approved_hours(vs):
    vol = vs.volunteers[0]
    signup = services.signup_create(actor=_user(vol), activity=vs.activity)
    start = vs.activity.starts_at
    services.rollcall_check_in(actor=vs.leader, signup=signup, at=start)
    out = services.rollcall_check_out(actor=vs.leader, signup=signup, at=start + dt.timedelta(minutes=90))
    services.hours_decide(actor=vs.leader, signup=out, approve=True)
    cert = services.certificate_issue(actor=_user(vol), volunteer=vol, team=vs.team)
    assert cert.total_minutes == 90
    assert cert.issuer == "幸福社区党委"
    assert cert.number.startswith("ZYZM")
    assert "*" in cert.id_masked


def test_sweep_closes_and_flags_unclosed_check_ins_and_records_no_shows(city, vs):
    a, b, _c = vs.volunteers
    s1 = services.signup_create(actor=_user(a), activity=vs.activity)
    s2 = services.signup_create(actor=_user(b), activity=vs.activity)
    services.rollcall_check_in(actor=vs.leader, signup=s1, at=vs.activity.starts_at)
    later = vs.activity.ends_at + dt.timedelta(hours=3)
    result = services.sweep_attendance(now=later)
    assert result.as_dict() == {"auto_closed": 1, "no_shows": 1, "reminded": 0}
    s1.refresh_from_db()
    s2.refresh_from_db()
    assert s1.status == SignupStatus.CHECKED_OUT and s1.auto_closed
    assert s1.minutes == vs.activity.length_minutes
    assert s2.status == SignupStatus.NO_SHOW
    assert Volunteer.objects.get(pk=b.pk).no_shows == 1
    assert services.sweep_attendance(now=later).as_dict() == {"auto_closed": 0, "no_shows": 0, "reminded": 0}


def test_after_too_many_no_shows_sign_ups_need_approval(city, vs, settings):
    settings.VOLUNTEERING_NO_SHOW_LIMIT = 1
    vol = vs.volunteers[0]
    Volunteer.objects.filter(pk=vol.pk).update(no_shows=1)
    signup = services.signup_create(actor=_user(vol), activity=vs.activity)
    assert signup.status == SignupStatus.PENDING
    approved = services.signup_approve(actor=vs.leader, signup=signup)
    assert approved.status == SignupStatus.CONFIRMED


def test_recurring_activities(city, vs):
    made = services.activity_repeat(actor=vs.leader, activity=vs.activity, every_days=7, times=4)
    assert len(made) == 4
    assert made[-1].starts_at - vs.activity.starts_at == dt.timedelta(days=28)


def test_sign_up_outside_the_window_is_refused(city, vs):
    future = make_activity(city, vs.project, starts_in=dt.timedelta(days=10))
    future.signup_opens = timezone.now() + dt.timedelta(days=1)
    future.save(update_fields=["signup_opens"])
    vol = add_volunteer(city, 50)
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as err:
        services.signup_create(actor=vol.user, activity=future)
    assert "activity" in err.value.message_dict


def test_the_sweep_is_a_scheduled_task(city, vs):
    from quanyu.celery import app
    from quanyu.volunteering.tasks import SWEEP_TASK, sweep_attendance_task

    assert sweep_attendance_task() == {"auto_closed": 0, "no_shows": 0, "reminded": 0}
    app.loader.import_default_modules()
    app.finalize()
    scheduled = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert SWEEP_TASK in scheduled


def test_promotion_and_the_day_before_are_told(city, vs):
    from quanyu.notify.models import Notification

    a, b, c = vs.volunteers
    s1 = services.signup_create(actor=_user(a), activity=vs.activity)
    services.signup_create(actor=_user(b), activity=vs.activity)
    s3 = services.signup_create(actor=_user(c), activity=vs.activity)
    services.signup_cancel(actor=_user(a), signup=s1)
    assert Notification.objects.filter(recipient=_user(c), kind="volunteering_promoted").count() == 1
    soon = make_activity(city, vs.project, starts_in=dt.timedelta(hours=5))
    services.signup_create(actor=_user(a), activity=soon)
    assert services.sweep_attendance().reminded == 1
    assert services.sweep_attendance().reminded == 0
    assert Notification.objects.filter(recipient=_user(a), kind="volunteering_reminder").count() == 1
    assert s3.pk


def test_a_party_members_account_volunteers_as_the_member(city, vs):
    from quanyu.core.roles import Role
    from tests.factories import make_user

    branches = make_branches(city)
    member = add_member(city, branches, 8)
    user = make_user("member_vol", Role.PARTY_MEMBER, city.communities[0])
    type(member).objects.filter(pk=member.pk).update(user=user)
    vol = services.volunteer_register(
        actor=user,
        person=services.VolunteerInput(name="党员志愿者"),
        community=city.communities[0],
        user=user,
    )
    assert vol.member_id == member.pk
    s = services.signup_create(actor=user, activity=vs.activity)
    start = vs.activity.starts_at
    services.rollcall_check_in(actor=vs.leader, signup=s, at=start)
    out = services.rollcall_check_out(actor=vs.leader, signup=s, at=start + dt.timedelta(minutes=60))
    services.hours_decide(actor=vs.leader, signup=out, approve=True)
    entry = PointEntry.objects.get(member=member)
    assert entry.source == f"volunteering:{s.pk}" and entry.points == 1
