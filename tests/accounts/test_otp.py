"""Two-step log-in (TOTP) for staff while QUANYU_REQUIRE_OTP is on: the web pages, the admin, the
API token endpoint; residents are not asked. Codes are computed from the device's own key."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from axes.utils import reset
from django.test import Client, override_settings
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from quanyu.accounts.models import User
from quanyu.core.models import AuditEntry
from tests.factories import PASSWORD, make_user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clean_axes")]

otp_on = override_settings(QUANYU_REQUIRE_OTP=True)


@pytest.fixture
def clean_axes():
    reset()
    yield
    reset()


def code_for(device: TOTPDevice, steps_ahead: int = 0) -> str:
    """The code the authenticator app shows now (or ``steps_ahead`` periods later, still within
    the device's tolerance, for a second code in the same test: each code works once)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def signed_in(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def confirmed_device(username: str) -> TOTPDevice:
    return TOTPDevice.objects.create(user=User.objects.get(username=username), name="phone", confirmed=True)


def post_token(username: str, **extra: str):
    body = {"username": username, "password": PASSWORD, **extra}
    return Client().post("/api/auth/token/", body, content_type="application/json")


@otp_on
def test_staff_without_device_is_sent_to_set_up_and_confirms_with_a_real_code(city):
    client = signed_in("community_x")
    response = client.get("/units/")
    assert response.status_code == 302
    assert response["Location"].startswith("/otp/setup/?next=%2Funits%2F")

    page = client.get(response["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert "otpauth://totp/" in html
    assert "<svg" in html
    assert "<script" not in html.split("<body", 1)[1].split("</main>", 1)[0]
    device = TOTPDevice.objects.get(user__username="community_x")
    assert device.confirmed is False
    # Reloading the page keeps the same secret.
    client.get("/otp/setup/")
    assert TOTPDevice.objects.filter(user__username="community_x").count() == 1

    wrong = client.post("/otp/setup/", {"code": "000000" if code_for(device) != "000000" else "111111"})
    assert wrong.status_code == 200
    assert "验证码错误" in wrong.content.decode()
    device.refresh_from_db()
    assert device.confirmed is False
    assert client.get("/units/").status_code == 302

    device.throttle_reset()
    done = client.post("/otp/setup/", {"code": code_for(device), "next": "/units/"})
    assert done.status_code == 302
    assert done["Location"] == "/units/"
    device.refresh_from_db()
    assert device.confirmed is True
    assert client.get("/units/").status_code == 200
    assert AuditEntry.objects.filter(actor_name="community_x", target_type="otp_totp.totpdevice").exists()


@otp_on
def test_staff_with_a_device_verifies_each_session(city):
    device = confirmed_device("street_staff")
    client = signed_in("street_staff")
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/otp/verify/")
    # A second authenticator cannot be added by someone holding only the password.
    assert client.get("/otp/setup/")["Location"].startswith("/otp/verify/")
    assert TOTPDevice.objects.filter(user__username="street_staff").count() == 1

    bad = client.post("/otp/verify/", {"code": "12ab"})
    assert bad.status_code == 200
    assert "6 位数字" in bad.content.decode()
    ok = client.post("/otp/verify/", {"code": code_for(device), "next": "https://evil.example/"})
    assert ok.status_code == 302
    assert ok["Location"] == "/"
    assert client.get("/").status_code == 200


@otp_on
def test_residents_and_users_without_role_are_not_asked(city):
    for username in ("resident", "outsider"):
        response = signed_in(username).get("/")
        assert "/otp/" not in response.get("Location", ""), username


@otp_on
def test_admin_site_needs_the_second_step(city):
    make_user("root", superuser=True)
    client = signed_in("root")
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/otp/setup/?next=%2Fadmin%2F")


@otp_on
def test_unverified_session_cannot_use_the_api(city):
    response = signed_in("community_x").get("/api/me/")
    assert response.status_code == 403
    assert "两步验证" in response.json()["detail"]


def test_off_by_default_in_tests(city):
    assert signed_in("community_x").get("/units/").status_code == 200
    assert post_token("community_x").status_code == 200


@otp_on
def test_token_endpoint_asks_staff_for_a_code(city):
    missing = post_token("community_x")
    assert missing.status_code == 400
    assert "otp" in missing.json()
    no_device = post_token("community_x", otp="123456")
    assert no_device.status_code == 400
    assert "otp" in no_device.json()
    assert not Token.objects.filter(user__username="community_x").exists()

    device = confirmed_device("community_x")
    wrong = post_token("community_x", otp="000000" if code_for(device) != "000000" else "111111")
    assert wrong.status_code == 400
    assert "otp" in wrong.json()
    device.throttle_reset()
    ok = post_token("community_x", otp=code_for(device))
    assert ok.status_code == 200
    assert Client(HTTP_AUTHORIZATION=f"Token {ok.json()['token']}").get("/api/units/").status_code == 200
    # The same code cannot be replayed; the next one works.
    assert post_token("community_x", otp=code_for(device)).status_code == 400
    device.refresh_from_db()
    device.throttle_reset()  # the refused replay counted as a failure
    assert post_token("community_x", otp=code_for(device, steps_ahead=1)).status_code == 200


@otp_on
def test_token_endpoint_does_not_ask_residents(city):
    assert post_token("resident").status_code == 200


@override_settings(QUANYU_TOKEN_TTL_HOURS=12)
def test_expired_token_is_401_and_a_new_log_in_issues_a_fresh_one(city):
    first = post_token("community_x").json()["token"]
    assert post_token("community_x").json()["token"] == first  # still valid: the same token
    Token.objects.filter(key=first).update(created=timezone.now() - timedelta(hours=12, minutes=1))
    expired = Client(HTTP_AUTHORIZATION=f"Token {first}").get("/api/me/")
    assert expired.status_code == 401
    assert "过期" in expired.json()["detail"]
    fresh = post_token("community_x").json()["token"]
    assert fresh != first
    assert Client(HTTP_AUTHORIZATION=f"Token {fresh}").get("/api/me/").status_code == 200
    assert not Token.objects.filter(key=first).exists()


def test_a_token_issued_before_two_step_log_in_came_on_stops_working(city):
    old = post_token("community_x").json()["token"]  # QUANYU_REQUIRE_OTP is off in tests
    resident = post_token("resident").json()["token"]
    with otp_on:
        refused = Client(HTTP_AUTHORIZATION=f"Token {old}").get("/api/units/")
        assert refused.status_code == 401
        assert "两步验证" in refused.json()["detail"]
        # Residents are not asked for a second step: their token goes on working.
        assert Client(HTTP_AUTHORIZATION=f"Token {resident}").get("/api/me/").status_code == 200
        device = confirmed_device("community_x")
        fresh = post_token("community_x", otp=code_for(device)).json()["token"]
        assert fresh != old  # the unverified token is not handed out again
        assert not Token.objects.filter(key=old).exists()
        assert Client(HTTP_AUTHORIZATION=f"Token {fresh}").get("/api/units/").status_code == 200
