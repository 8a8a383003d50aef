"""A wish claimed by a volunteer team points at the team's row (volunteering.Team): only its leader
or one of its volunteers claims for it, the API takes the team's id (a missing one is a 400 naming
``team``), the staff reassign to a team of their area, and the team's claim counts once."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from quanyu.core.workflow.errors import ConflictError
from quanyu.volunteering import services as volunteering
from quanyu.volunteering.models import Volunteer
from quanyu.wishes import services
from quanyu.wishes.models import WishClaim
from tests.asserts import nothing_written
from tests.people.helpers import logged_in
from tests.wishes.factories import claimed, published, resident_wish


def post(client: Client, url: str, data: dict) -> object:
    return client.post(url, json.dumps(data), content_type="application/json")


def test_the_leader_claims_for_the_team_and_the_claim_points_at_it(world, city):
    wish = published(resident_wish(city), city, shares=2)
    claim = services.wish_claim(actor=world.member_users[1], wish=wish, claimant_kind="team", team=world.team)
    claim.refresh_from_db()
    assert claim.team_id == world.team.pk and claim.claimant_label == "红马甲服务队"
    assert list(world.team.wish_claims.all()) == [claim]
    with nothing_written(wish), pytest.raises(ConflictError):
        services.wish_claim(actor=world.member_users[1], wish=wish, claimant_kind="team", team=world.team)


def test_a_volunteer_of_the_team_may_claim_for_it_and_an_outsider_may_not(world, city):
    wish = published(resident_wish(city), city)
    with nothing_written(wish), pytest.raises(PermissionDenied):
        services.wish_claim(actor=world.member_users[0], wish=wish, claimant_kind="team", team=world.team)
    volunteer = Volunteer.objects.create(
        user=world.member_users[0],
        number="V-TEST-0001",
        name="队员甲",
        community=city.communities[0],
        scope_path=city.communities[0].path,
    )
    volunteering.team_add_member(actor=city.users["community_x"], team=world.team, volunteer=volunteer)
    claim = services.wish_claim(actor=world.member_users[0], wish=wish, claimant_kind="team", team=world.team)
    assert claim.team_id == world.team.pk


def test_a_team_claim_without_a_team_names_the_field(world, city):
    wish = published(resident_wish(city), city)
    with nothing_written(wish), pytest.raises(ValidationError) as err:
        services.wish_claim(actor=world.member_users[1], wish=wish, claimant_kind="team")
    assert "team" in err.value.message_dict


def test_the_api_claims_for_a_team_by_its_id(world, city):
    wish = published(resident_wish(city), city)
    leader = logged_in(world.member_users[1])
    with nothing_written(wish):
        r = post(leader, f"/api/wish-wall/{wish.pk}/claim/", {"claimant_kind": "team", "team": 999_999})
    assert r.status_code == 400 and "team" in r.json()
    r = post(leader, f"/api/wish-wall/{wish.pk}/claim/", {"claimant_kind": "team", "team": world.team.pk})
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["team"] == world.team.pk and body["team_name"] == "红马甲服务队"
    assert WishClaim.objects.get(pk=body["id"]).team_id == world.team.pk


def test_staff_reassign_a_claim_to_a_team_of_their_area(world, city):
    wish = published(resident_wish(city), city)
    claim = claimed(world, wish)
    staff = logged_in(city.users["community_x"])
    r = post(
        staff, f"/api/wish-claims/{claim.pk}/reassign/", {"reason": "改派给服务队", "team": world.team.pk}
    )
    assert r.status_code == 201, r.content
    assert WishClaim.objects.get(pk=r.json()["id"]).team_id == world.team.pk
    page = staff.post(f"/wishes/claims/{r.json()['id']}/reassign/", {"reason": "再改派", "team": "abc"})
    assert page.status_code == 400
