"""Bad input answers a clear, field-named error and writes nothing: an expired or forged QR token,
checking in twice, checking out before checking in, hours beyond the activity's length, signing
up twice."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.core import signing
from django.core.exceptions import ValidationError

from quanyu.core.workflow import TransitionError
from quanyu.volunteering import services
from quanyu.volunteering.tokens import SALT, make_token
from tests.asserts import nothing_written

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed(vs):
    vol = vs.volunteers[0]
    return vol, services.signup_create(actor=vol.user, activity=vs.activity)


class _SignedEarlier(signing.TimestampSigner):
    """Signs as if two minutes ago (the timestamp is part of the signature)."""

    def timestamp(self) -> str:
        return signing.b62_encode(int(time.time()) - 120)


def test_expired_token(vs, signed, settings):
    vol, signup = signed
    settings.VOLUNTEERING_QR_MAX_AGE = 60
    old = _SignedEarlier(salt=SALT).sign_object({"a": vs.activity.pk})
    with nothing_written_for(signup, vs), pytest.raises(ValidationError) as err:
        services.check_in_by_qr(actor=vol.user, token=old)
    assert "过期" in err.value.message_dict["token"][0]


def nothing_written_for(signup, vs):
    return nothing_written(signup, vs.activity)


@pytest.mark.parametrize("kind", ["forged", "empty", "other_salt"])
def test_forged_token(vs, signed, kind):
    # Signed inside the test: a token made at collection time carries a timestamp, so two
    # pytest-xdist workers would collect different test ids and refuse to run.
    token = {"forged": "forged", "empty": "", "other_salt": signing.dumps({"a": 1}, salt="another-salt")}[
        kind
    ]
    vol, signup = signed
    with nothing_written_for(signup, vs), pytest.raises(ValidationError) as err:
        services.check_in_by_qr(actor=vol.user, token=token)
    assert err.value.message_dict["token"] == ["二维码无效"]


def test_altered_token_for_another_activity(vs, signed):
    vol, signup = signed
    token = make_token(vs.activity.pk)
    value, sig = token.rsplit(":", 1)
    with nothing_written_for(signup, vs), pytest.raises(ValidationError):
        services.check_in_by_qr(actor=vol.user, token=value + ":" + sig[::-1])


def test_checking_in_twice(vs, signed):
    vol, signup = signed
    token = make_token(vs.activity.pk)
    services.check_in_by_qr(actor=vol.user, token=token)
    signup.refresh_from_db()
    with nothing_written_for(signup, vs), pytest.raises(TransitionError) as err:
        services.check_in_by_qr(actor=vol.user, token=token)
    assert "已签到" in err.value.messages[0]


def test_checking_out_before_checking_in(vs, signed):
    vol, signup = signed
    with nothing_written_for(signup, vs), pytest.raises(TransitionError) as err:
        services.check_out_by_qr(actor=vol.user, token=make_token(vs.activity.pk))
    assert "不能签退" in err.value.messages[0]


def test_hours_beyond_the_length(vs, signed):
    _vol, signup = signed
    start = vs.activity.starts_at
    services.rollcall_check_in(actor=vs.leader, signup=signup, at=start)
    services.rollcall_check_out(actor=vs.leader, signup=signup, at=start + dt.timedelta(minutes=30))
    signup.refresh_from_db()
    with nothing_written_for(signup, vs), pytest.raises(ValidationError) as err:
        services.hours_decide(
            actor=vs.leader, signup=signup, approve=True, minutes=vs.activity.length_minutes + 1
        )
    assert "不能超过活动时长" in err.value.message_dict["minutes"][0]
    with nothing_written_for(signup, vs), pytest.raises(ValidationError) as err:
        services.correction_request(actor=signup.volunteer.user, signup=signup, minutes=999, reason="x")
    assert "minutes" in err.value.message_dict


def test_checkout_time_is_capped_by_the_length(vs, signed):
    _vol, signup = signed
    start = vs.activity.starts_at
    services.rollcall_check_in(actor=vs.leader, signup=signup, at=start)
    out = services.rollcall_check_out(actor=vs.leader, signup=signup, at=start + dt.timedelta(hours=9))
    assert out.minutes == vs.activity.length_minutes


def test_signing_up_twice(vs, signed):
    vol, signup = signed
    with nothing_written_for(signup, vs), pytest.raises(TransitionError):
        services.signup_create(actor=vol.user, activity=vs.activity)


def test_no_sign_up_no_check_in(city, vs):
    other = vs.volunteers[2]
    with pytest.raises(TransitionError):
        services.check_in_by_qr(actor=other.user, token=make_token(vs.activity.pk))


def test_approving_hours_before_check_out(vs, signed):
    _vol, signup = signed
    with nothing_written_for(signup, vs), pytest.raises(TransitionError):
        services.hours_decide(actor=vs.leader, signup=signup, approve=True)


def test_deciding_hours_twice(vs, signed):
    _vol, signup = signed
    start = vs.activity.starts_at
    services.rollcall_check_in(actor=vs.leader, signup=signup, at=start)
    out = services.rollcall_check_out(actor=vs.leader, signup=signup, at=start + dt.timedelta(minutes=30))
    done = services.hours_decide(actor=vs.leader, signup=out, approve=False)
    with nothing_written_for(done, vs), pytest.raises(TransitionError):
        services.hours_decide(actor=vs.leader, signup=done, approve=True)
