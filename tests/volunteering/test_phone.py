"""Sign-up without an account: a phone number proved by an SMS code, rate-limited."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from quanyu.notify.channels import sms
from quanyu.notify.outbox import notify_drain
from quanyu.volunteering.models import Signup, Volunteer

pytestmark = pytest.mark.django_db


@pytest.fixture
def texts(settings):
    settings.QUANYU_SMS_BACKEND = "quanyu.notify.channels.sms.OutboxSmsBackend"
    sms.outbox.clear()
    return sms.outbox


def _code(texts) -> str:
    notify_drain()
    match = re.search(r"验证码 (\d{6})", texts[-1].text)
    assert match, texts
    return match.group(1)


def test_sign_up_with_a_phone_code(vs, texts):
    c = Client()
    url = f"/volunteering/activities/{vs.activity.pk}/phone/"
    assert c.get(url).status_code == 200
    assert c.post(url, {"action": "send", "phone": "12"}).status_code == 400
    assert c.post(url, {"action": "send", "phone": "13912345678"}).status_code == 200
    code = _code(texts)
    wrong = c.post(url, {"action": "signup", "phone": "13912345678", "code": "000000", "name": "王五"})
    assert wrong.status_code == 400 and "验证码不正确" in wrong.content.decode()
    ok = c.post(url, {"action": "signup", "phone": "13912345678", "code": code, "name": "王五"})
    assert ok.status_code == 200 and 'id="phone-done"' in ok.content.decode()
    volunteer = Volunteer.objects.get(name="王五")
    assert volunteer.user_id is None and volunteer.phone == "13912345678"
    assert Signup.objects.filter(volunteer=volunteer, activity=vs.activity).count() == 1
    again = c.post(url, {"action": "signup", "phone": "13912345678", "code": code, "name": "王五"})
    assert again.status_code == 400  # the code is used up


def test_codes_are_rate_limited(vs, texts, settings):
    settings.VOLUNTEERING_CODE_PHONE_RATE = "2/10m"
    c = Client()
    url = f"/volunteering/activities/{vs.activity.pk}/phone/"
    for _ in range(2):
        assert c.post(url, {"action": "send", "phone": "13912345679"}).status_code == 200
    limited = c.post(url, {"action": "send", "phone": "13912345679"})
    assert limited.status_code == 429
    notify_drain()
    assert len(texts) == 2


def test_missing_activity_is_404(city):
    assert Client().get("/volunteering/activities/999999/phone/").status_code == 404


def test_phone_sign_up_over_the_api(vs, texts, settings):
    c = Client()
    base = f"/api/volunteer-activities/{vs.activity.pk}"
    bad = c.post(f"{base}/phone-code/", {"phone": "1"}, content_type="application/json")
    assert bad.status_code == 400 and "phone" in bad.json()
    assert (
        c.post(f"{base}/phone-code/", {"phone": "13912340000"}, content_type="application/json").status_code
        == 202
    )
    code = _code(texts)
    r = c.post(
        f"{base}/phone-signup/",
        {"phone": "13912340000", "code": code, "name": "赵六"},
        content_type="application/json",
    )
    assert r.status_code == 201 and r.json()["status"] == "confirmed"
    settings.VOLUNTEERING_CODE_PHONE_RATE = "1/10m"
    c.post(f"{base}/phone-code/", {"phone": "13912340001"}, content_type="application/json")
    assert (
        c.post(f"{base}/phone-code/", {"phone": "13912340001"}, content_type="application/json").status_code
        == 429
    )
    assert (
        c.post(
            "/api/volunteer-activities/999999/phone-code/",
            {"phone": "13912340002"},
            content_type="application/json",
        ).status_code
        == 404
    )


def test_the_cache_holds_no_phone_number(vs, texts):
    """Residual information (等保 8.1.4): the codes and the rate-limit counters of a phone sign-up
    sit in the cache (Redis in production) under keyed hashes; neither a key nor a value holds
    the number, or the name."""
    import pickle

    from django.core.cache import cache

    c = Client()
    url = f"/volunteering/activities/{vs.activity.pk}/phone/"
    assert c.post(url, {"action": "send", "phone": "13912345678"}).status_code == 200
    code = _code(texts)
    c.post(url, {"action": "signup", "phone": "13912345678", "code": "000000", "name": "王五"})
    assert c.post(url, {"action": "send", "phone": "13912345678"}).status_code in (200, 429)
    if not hasattr(cache, "_cache"):
        pytest.skip("reads the entries of the test settings' LocMemCache")
    entries = list(cache._cache.items())  # key → pickled value
    assert entries, "the flow should have used the cache"
    for key, raw in entries:
        shown = f"{key} {pickle.loads(raw)!r}"
        for secret in ("13912345678", "3912345678", "王五", code):
            assert secret not in shown, (key, shown)
