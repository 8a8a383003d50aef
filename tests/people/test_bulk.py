"""``residents_bulk_create``: the roster import's checks for a batch, all or nothing, encrypted."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from quanyu.core.models import AuditEntry
from quanyu.people import services
from quanyu.people.models import Resident
from tests.people.helpers import make_id, phone

pytestmark = pytest.mark.django_db


def spec(city, seq: int, **over):
    fields = {
        "name": f"居民{seq}",
        "id_number": make_id(seq),
        "community": city.communities[0],
        "building": city.buildings[0],
        "phone": phone(seq),
        "unit_no": "1单元",
        "room": "301",
        "household_key": "H-301",
    }
    return services.ResidentSpec(**{**fields, **over})


def test_a_household_is_written_encrypted_with_tags_and_one_audit_entry(city):
    written = services.residents_bulk_create(
        actor=city.users["community_x"],
        residents=[spec(city, 1, tags="空巢老人"), spec(city, 2), spec(city, 3, phone="")],
    )
    assert written == 3
    first = Resident.objects.get(name="居民1")
    assert first.tag_list == ["elderly_alone"] and first.household_key == "H-301"
    assert first.scope_path == city.buildings[0].path and first.id_number == make_id(1)
    with connection.cursor() as cursor:  # the column itself holds ciphertext
        cursor.execute("SELECT id_number, phone FROM people_resident WHERE id = %s", [first.pk])
        stored = cursor.fetchone()
    assert make_id(1) not in stored[0] and phone(1) not in stored[1]
    assert Resident.objects.get(name="居民3").phone_hash == ""
    assert AuditEntry.objects.filter(action="import", target_type="people.resident").count() == 1


def test_a_bad_row_is_named_and_nothing_is_written(city):
    with pytest.raises(ValidationError) as refused:
        services.residents_bulk_create(
            actor=city.users["community_x"], residents=[spec(city, 1), spec(city, 2, id_number="123")]
        )
    assert "第2名居民【身份证号】" in refused.value.messages[0]
    with pytest.raises(ValidationError, match="身份证号重复"):
        services.residents_bulk_create(
            actor=city.users["community_x"], residents=[spec(city, 1), spec(city, 1)]
        )
    assert not Resident.objects.exists()


def test_outside_the_actors_place_is_refused(city):
    with pytest.raises(PermissionDenied):
        services.residents_bulk_create(
            actor=city.users["community_x"],
            residents=[spec(city, 1, community=city.communities[3], building=None)],
        )
    with pytest.raises(ValidationError, match="楼栋不在该社区内"):
        services.residents_bulk_create(
            actor=city.users["district_admin"],
            residents=[spec(city, 1, community=city.communities[3])],
        )
    assert not Resident.objects.exists()
