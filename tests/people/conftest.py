from __future__ import annotations

import pytest

from quanyu.accounts.models import RoleGrant, User
from quanyu.core.roles import Role
from quanyu.people import services
from quanyu.people.services import PersonInput
from tests.factories import make_user
from tests.people.helpers import add_member, make_branches, make_id, phone


@pytest.fixture
def branches(city):
    return make_branches(city)


@pytest.fixture
def registers(city, branches):
    """A party member (community 0), an elderly resident living alone (空巢老人, community 0) and a
    left-behind child (留守儿童, community 2)."""
    member = add_member(city, branches, 1)
    old = services.resident_create(
        actor=city.users["community_x"],
        person=PersonInput(name="王奶奶", id_number=make_id(2, male=False), phone=phone(2)),
        community=city.communities[0],
        tags="空巢老人",
    )
    child = services.resident_create(
        actor=city.users["community_y"],
        person=PersonInput(name="小李", id_number=make_id(3, born="20150304"), phone=phone(3)),
        community=city.communities[2],
        tags="留守儿童",
    )
    return {"member": member, "old": old, "child": child}


@pytest.fixture
def mixed_reader(registers, city):
    """Building head (a reader, no tags) in community 0; community staff (tags) in community 2."""
    user = make_user("mixed", Role.BUILDING_HEAD, city.communities[0])
    RoleGrant.objects.create(user=user, role=Role.COMMUNITY_STAFF, area=city.communities[2])
    return User.objects.get(pk=user.pk)
