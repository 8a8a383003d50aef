"""people.models: one register entry per ID number (the id_hash unique constraints)."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from quanyu.people import services
from quanyu.people.models import PartyMember, Resident
from quanyu.people.services import PersonInput
from tests.people.helpers import make_id, phone

pytestmark = pytest.mark.django_db


def test_id_hash_unique_per_register(registers, city, branches):
    member = registers["member"]
    with pytest.raises(IntegrityError), transaction.atomic():
        PartyMember.objects.create(
            name="重复",
            id_hash=member.id_hash,
            branch=member.branch,
            branch_path=member.branch_path,
            category=member.category,
            community=member.community,
            scope_path=member.scope_path,
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Resident.objects.create(
            name="重复", id_hash=registers["old"].id_hash, community=city.communities[0], scope_path="x"
        )
    # Anonymised people (empty hash) are exempt; a member may also be a resident.
    for name in ("甲", "乙"):
        Resident.objects.create(name=name, id_hash="", community=city.communities[0], scope_path="x")
    services.resident_create(
        actor=city.users["community_x"],
        person=PersonInput(name="党员1", id_number=make_id(1), phone=phone(1)),
        community=city.communities[0],
    )
