"""组织关系转接 (issue 12 item 7): registering a member whose ID number is in the register outside
the actor's area no longer answers "already a member" (which told community staff the person is a
party member somewhere they cannot see): it becomes a transfer request, answered without saying
where the member is, and audited. The organisation department over both sides approves (the
member moves) or declines; nobody else can; the requesting side never sees the member's branch."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from rest_framework.authtoken.models import Token

from quanyu.core.models import AuditEntry
from quanyu.people import selectors
from quanyu.people.models import MemberEvent, MemberTransfer, PartyMember
from quanyu.people.services import PersonInput, member_create
from quanyu.people.services.transfers import TransferRequested, transfer_decide
from tests.people.helpers import add_member, make_id, phone

pytestmark = pytest.mark.django_db


@pytest.fixture
def elsewhere(city, branches):
    """A member of community 2 (community_y's), whom community_x cannot see."""
    return add_member(city, branches, 41, community=2, name="李四")


def _register_at_x(city, branches, seq: int = 41):
    community = city.communities[0]
    return member_create(
        actor=city.users["community_x"],
        person=PersonInput(name="李四", id_number=make_id(seq), phone=phone(seq)),
        branch=branches[community.name],
        category="在职党员",
        community=community,
    )


def test_a_duplicate_elsewhere_becomes_a_transfer_request_that_names_no_place(city, branches, elsewhere):
    with pytest.raises(TransferRequested) as caught:
        _register_at_x(city, branches)
    message = " ".join(caught.value.messages)
    assert "组织关系转接" in message and "已在党员名册中" not in message
    for secret in (elsewhere.branch.name, elsewhere.community.name, city.streets[1].name):
        assert secret not in message
    transfer = MemberTransfer.objects.get()
    assert (transfer.member, transfer.status) == (elsewhere, "requested")
    assert transfer.to_community == city.communities[0]
    assert PartyMember.objects.filter(id_hash=elsewhere.id_hash).count() == 1  # nothing registered twice
    audited = AuditEntry.objects.filter(action="member.transfer_requested", target_id=str(transfer.pk))
    assert audited.count() == 1
    assert MemberEvent.objects.filter(member=elsewhere, kind="transfer_requested").count() == 1
    # Asking again answers the open request: one request, one more audit entry for the attempt.
    with pytest.raises(TransferRequested):
        _register_at_x(city, branches)
    assert MemberTransfer.objects.count() == 1
    assert AuditEntry.objects.filter(action="member.transfer_requested").count() == 2


def test_a_duplicate_the_actor_can_see_is_still_the_plain_error(city, branches):
    add_member(city, branches, 42, community=0)
    with pytest.raises(ValidationError) as caught:
        _register_at_x(city, branches, 42)
    assert not isinstance(caught.value, TransferRequested)
    assert caught.value.message_dict == {"身份证号": ["该身份证号已在党员名册中"]}
    assert MemberTransfer.objects.count() == 0


def test_the_organisation_department_decides_and_approval_moves_the_member(city, branches, elsewhere):
    with pytest.raises(TransferRequested):
        _register_at_x(city, branches)
    transfer = MemberTransfer.objects.get()
    # Neither side's community staff may decide; nothing changes when they try.
    for who in ("community_x", "community_y"):
        with pytest.raises(PermissionDenied):
            transfer_decide(actor=city.users[who], transfer=transfer, approve=True)
    transfer.refresh_from_db()
    assert transfer.status == "requested"
    admin = city.users["district_admin"]
    done = transfer_decide(actor=admin, transfer=transfer, approve=True, note="同意转入")
    elsewhere.refresh_from_db()
    assert done.status == "approved" and elsewhere.community == city.communities[0]
    assert elsewhere.branch == branches[city.communities[0].name]
    assert elsewhere.scope_path == city.communities[0].path
    assert MemberEvent.objects.filter(member=elsewhere, kind="transfer_approved").count() == 1
    # Decided once: a second decision is refused with nothing written.
    with pytest.raises(ValidationError):
        transfer_decide(actor=city.users["district_admin"], transfer=done, approve=False)
    assert MemberEvent.objects.filter(member=elsewhere, kind__startswith="transfer_").count() == 2


def test_decline_leaves_the_member_where_it_was(city, branches, elsewhere):
    with pytest.raises(TransferRequested):
        _register_at_x(city, branches)
    transfer_decide(actor=city.users["district_admin"], transfer=MemberTransfer.objects.get(), approve=False)
    elsewhere.refresh_from_db()
    assert elsewhere.community == city.communities[2]
    assert MemberTransfer.objects.get().status == "declined"


def _api(user) -> Client:
    token, _made = Token.objects.get_or_create(user=user)
    return Client(HTTP_AUTHORIZATION=f"Token {token.key}")


def test_the_api_answers_409_and_shows_the_origin_only_to_those_who_see_the_member(city, branches, elsewhere):
    community = city.communities[0]
    answer = _api(city.users["community_x"]).post(
        "/api/members/",
        {
            "name": "李四",
            "id_number": make_id(41),
            "phone": phone(41),
            "branch": branches[community.name].pk,
            "community": community.pk,
            "category": "in_service",
        },
        content_type="application/json",
    )
    assert answer.status_code == 409, answer.content
    text = answer.content.decode()
    assert "组织关系转接" in text
    assert elsewhere.branch.name not in text and elsewhere.community.name not in text
    transfer = MemberTransfer.objects.get()
    asked = _api(city.users["community_x"]).get("/api/member-transfers/").json()["results"]
    assert [(t["id"], t["from_branch"]) for t in asked] == [(transfer.pk, None)]
    held = _api(city.users["community_y"]).get("/api/member-transfers/").json()["results"]
    assert [(t["id"], t["from_branch"]) for t in held] == [(transfer.pk, elsewhere.branch_id)]
    # Someone with no side in it: 404, and may not decide.
    stranger = _api(city.users["grid_worker"])
    assert stranger.get(f"/api/member-transfers/{transfer.pk}/").status_code == 404
    assert stranger.post(f"/api/member-transfers/{transfer.pk}/decide/", {"approve": True}).status_code == 404
    refused = _api(city.users["community_x"]).post(
        f"/api/member-transfers/{transfer.pk}/decide/", {"approve": True}, content_type="application/json"
    )
    assert refused.status_code == 403
    bad = _api(city.users["district_admin"]).post(
        f"/api/member-transfers/{transfer.pk}/decide/", {}, content_type="application/json"
    )
    assert bad.status_code == 400 and "approve" in bad.json()
    ok = _api(city.users["district_admin"]).post(
        f"/api/member-transfers/{transfer.pk}/decide/", {"approve": True}, content_type="application/json"
    )
    assert ok.status_code == 200 and ok.json()["status"] == "approved"


def test_the_page_lists_and_decides(city, branches, elsewhere):
    with pytest.raises(TransferRequested):
        _register_at_x(city, branches)
    transfer = MemberTransfer.objects.get()
    asking = Client()
    asking.force_login(city.users["community_x"])
    page = asking.get("/people/transfers/").content.decode()
    assert f'data-transfer="{transfer.pk}"' in page and elsewhere.branch.name not in page
    assert "同意转入" not in page  # no decision on the asking side
    admin = Client()
    admin.force_login(city.users["district_admin"])
    page = admin.get("/people/transfers/").content.decode()
    assert elsewhere.branch.name in page and "同意转入" in page
    answer = admin.post(f"/people/transfers/{transfer.pk}/decide/", {"action": "approve", "note": "同意"})
    assert answer.status_code == 302
    seen = selectors.transfer_get_for(actor=city.users["district_admin"], transfer_id=transfer.pk)
    assert seen.status == "approved"
    assert asking.post(f"/people/transfers/{transfer.pk}/decide/", {"action": "approve"}).status_code == 302
    outsider = Client()
    outsider.force_login(city.users["grid_worker"])
    assert outsider.post(f"/people/transfers/{transfer.pk}/decide/", {"action": "approve"}).status_code == 404
