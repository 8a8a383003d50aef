"""A party member anonymised takes their log-in account with them (accounts.erasure): deactivated,
renamed, every personal field cleared, tokens, sessions and authenticators dropped, one audit
entry; refused, with nothing changed, while the account still holds a working role."""

from __future__ import annotations

import pytest
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from quanyu.accounts.models import RoleGrant, User
from quanyu.core.models import AuditEntry
from quanyu.core.pii import pii_hash
from quanyu.core.roles import Role
from quanyu.people.models import PartyMember
from quanyu.people.services import person_anonymise
from tests.factories import make_user
from tests.people.helpers import add_member, make_branches

pytestmark = pytest.mark.django_db
PHONE = "13812345678"


def _members_account(city, username: str, role: str = Role.PARTY_MEMBER) -> tuple[PartyMember, User]:
    member = add_member(city, make_branches(city), 21, name="王建国")
    user = make_user(username, role, city.communities[0])
    User.objects.filter(pk=user.pk).update(
        first_name="建国", last_name="王", email="wjg@example.cn", display_name="王建国"
    )
    user = User.objects.get(pk=user.pk)
    user.phone, user.phone_hash = PHONE, pii_hash("phone", PHONE)
    user.save()
    PartyMember.objects.filter(pk=member.pk).update(user=user)
    member.refresh_from_db()
    return member, user


def test_the_members_own_account_is_anonymised_and_closed(city):
    member, user = _members_account(city, "wangjianguo")
    token = Token.objects.create(user=user)
    TOTPDevice.objects.create(user=user, name="验证器", confirmed=True)
    browser = Client()
    browser.force_login(user)
    api = Client(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert api.get("/api/tickets/").status_code == 200
    other = Client()
    other.force_login(city.users["grid_worker"])

    person_anonymise(actor=city.users["community_x"], person=member, reason="本人申请注销")

    user.refresh_from_db()
    assert user.username == f"anonymised-{user.pk}" and not user.is_active
    assert (user.first_name, user.last_name, user.display_name, user.email) == ("", "", "", "")
    assert (user.phone, user.phone_hash) == ("", "")
    assert not user.has_usable_password()
    assert not Token.objects.filter(user=user).exists()
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert not RoleGrant.objects.filter(user=user).exists()  # the party-member role was their own
    assert "_auth_user_id" not in browser.session  # the session is gone from the store
    assert Session.objects.count() == 1  # the other user's session stays
    assert api.get("/api/tickets/").status_code == 401
    assert PartyMember.objects.get(pk=member.pk).user_id is None

    entry = AuditEntry.objects.get(action="anonymise", target_type="accounts.user")
    assert entry.target_id == str(user.pk) and entry.target_repr == f"anonymised-{user.pk}"
    assert entry.detail == {
        "person": f"member:{member.pk}",
        "grants": 1,
        "tokens": 1,
        "sessions": 1,
        "otp_devices": 1,
    }
    assert "王" not in str(entry.detail) and PHONE not in str(entry.detail)
    person = AuditEntry.objects.get(action="anonymise", target_type="people.partymember")
    assert person.detail["account"]["tokens"] == 1


def test_an_account_that_still_holds_a_working_role_is_refused_with_the_role_named(city):
    member, user = _members_account(city, "wangjg_staff", Role.GRID_WORKER)
    with pytest.raises(ValidationError) as raised:
        person_anonymise(actor=city.users["community_x"], person=member, reason="保存期满")
    message = " ".join(raised.value.messages)
    assert "网格员" in message and city.communities[0].name in message
    user.refresh_from_db()
    member.refresh_from_db()
    assert user.is_active and user.username == "wangjg_staff" and user.email == "wjg@example.cn"
    assert not member.anonymised and member.name == "王建国"
    assert not AuditEntry.objects.filter(action="anonymise").exists()

    RoleGrant.objects.filter(user=user).delete()  # the administrator revokes the role first
    person_anonymise(actor=city.users["community_x"], person=member, reason="保存期满")
    user.refresh_from_db()
    assert not user.is_active and user.email == ""


def test_a_staff_account_is_refused_too(city):
    member, user = _members_account(city, "wangjg_admin", Role.PARTY_MEMBER)
    User.objects.filter(pk=user.pk).update(is_staff=True)
    with pytest.raises(ValidationError, match="后台管理人员"):
        person_anonymise(actor=city.users["community_x"], person=member, reason="保存期满")
