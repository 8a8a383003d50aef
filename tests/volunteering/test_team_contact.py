"""A team's contact phone (usually a leader's own mobile) is personal data: encrypted at rest with
its keyed hash, masked in the API and exports, revealed in full only with a reason (audited) to
the roles that reveal phones, printed in full on certificates only when the organiser publishes
it, encrypted in place for existing rows, and cleared when the person it belongs to is
anonymised."""

from __future__ import annotations

import importlib
import io

import pytest
from django.apps import apps
from django.db import connection
from django.test import Client
from openpyxl import load_workbook

from quanyu.core.models import AuditEntry
from quanyu.core.pii import pii_hash
from quanyu.people.models import PartyMember
from quanyu.people.services import person_anonymise
from quanyu.volunteering import services
from quanyu.volunteering.models import Certificate, Team
from tests.people.helpers import add_member, make_branches
from tests.volunteering.test_pdf import _certificate

pytestmark = pytest.mark.django_db
MOBILE = "13912345678"


def _stored(table: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT contact_phone FROM {table} WHERE id = %s", [pk])
        return str(cursor.fetchone()[0])


def _client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _with_mobile(team: Team, *, publish: bool = False) -> Team:
    team.contact_phone, team.publish_contact = MOBILE, publish
    team.save()
    return team


def test_the_contact_phone_is_encrypted_at_rest_with_its_hash(vs):
    team = _with_mobile(vs.team)
    assert _stored("volunteering_team", team.pk).startswith("enc1:")
    assert MOBILE not in _stored("volunteering_team", team.pk)
    assert Team.objects.get(pk=team.pk).contact_phone == MOBILE
    assert Team.objects.get(pk=team.pk).contact_phone_hash == pii_hash("phone", MOBILE)
    spaced = Team.objects.get(pk=team.pk)
    spaced.contact_phone = "139 1234 5678"  # typed with spaces: the same person's number
    spaced.save(update_fields=["contact_phone"])
    assert Team.objects.get(pk=team.pk).contact_phone_hash == pii_hash("phone", MOBILE)


def test_the_api_masks_it_and_reveals_it_with_a_reason_to_revealers_only(city, vs):
    team = _with_mobile(vs.team)
    staff = _client(city.users["community_x"])
    shown = staff.get(f"/api/volunteer-teams/{team.pk}/").json()
    assert shown["contact_phone"] == "139****5678" and shown["publish_contact"] is False
    listed = staff.get("/api/volunteer-teams/").json()["results"]
    assert [row["contact_phone"] for row in listed] == ["139****5678"]

    url = f"/api/volunteer-teams/{team.pk}/reveal/"
    no_reason = staff.post(url, {}, content_type="application/json")
    assert no_reason.status_code == 400 and "reason" in no_reason.json()
    assert not AuditEntry.objects.filter(action="reveal").exists()
    # The team's leader organises it but may not reveal personal data.
    leader = _client(vs.leader).post(url, {"reason": "联系"}, content_type="application/json")
    assert leader.status_code == 403
    answer = staff.post(url, {"reason": "核实活动安排"}, content_type="application/json")
    assert answer.status_code == 200 and answer.json() == {"field": "contact_phone", "value": MOBILE}
    entry = AuditEntry.objects.get(action="reveal")
    assert (entry.target_type, entry.target_id, entry.fields) == (
        "volunteering.team",
        str(team.pk),
        "contact_phone",
    )
    assert entry.reason == "核实活动安排" and entry.actor_name == "community_x"


def test_creating_a_team_over_the_api_takes_the_number_and_the_publish_flag(city):
    staff = _client(city.users["community_x"])
    made = staff.post(
        "/api/volunteer-teams/",
        {
            "name": "红色物业服务队",
            "kind": "resident",
            "community": city.communities[0].pk,
            "organisation": "居委会",
            "contact_phone": MOBILE,
            "publish_contact": True,
        },
        content_type="application/json",
    )
    assert made.status_code == 201, made.content
    assert made.json()["contact_phone"] == "139****5678" and made.json()["publish_contact"] is True
    team = Team.objects.get(pk=made.json()["id"])
    assert team.contact_phone == MOBILE and team.publish_contact


def test_the_teams_export_masks_it(city, vs):
    _with_mobile(vs.team)
    data = _client(city.users["community_x"]).get("/volunteering/teams/export.xlsx")
    assert data.status_code == 200
    cells = [
        str(c)
        for row in load_workbook(io.BytesIO(data.content)).active.iter_rows(values_only=True)
        for c in row
    ]
    assert "139****5678" in cells and MOBILE not in " ".join(cells)


@pytest.mark.parametrize("publish", [False, True])
def test_certificates_print_it_in_full_only_when_the_team_publishes_it(city, vs, publish):
    _with_mobile(vs.team, publish=publish)
    _vol, cert = _certificate(vs)
    assert _stored("volunteering_certificate", cert.pk).startswith("enc1:")
    cert = Certificate.objects.get(pk=cert.pk)
    assert cert.contact_phone == (MOBILE if publish else "139****5678")


def test_the_data_migration_encrypts_existing_rows(vs):
    team = vs.team
    _vol, cert = _certificate(vs)
    with connection.cursor() as cursor:  # as the rows stood before: plaintext, no hash
        cursor.execute(
            "UPDATE volunteering_team SET contact_phone = %s, contact_phone_hash = '' WHERE id = %s",
            [MOBILE, team.pk],
        )
        cursor.execute(
            "UPDATE volunteering_certificate SET contact_phone = %s WHERE id = %s", [MOBILE, cert.pk]
        )
    migration = importlib.import_module("quanyu.volunteering.migrations.0005_team_contact_encrypted")
    migration.forwards(apps, None)
    migration.forwards(apps, None)  # twice: rows already encrypted are left alone
    assert _stored("volunteering_team", team.pk).startswith("enc1:")
    assert _stored("volunteering_certificate", cert.pk).startswith("enc1:")
    team.refresh_from_db()
    assert team.contact_phone == MOBILE and team.contact_phone_hash == pii_hash("phone", MOBILE)
    assert Certificate.objects.get(pk=cert.pk).contact_phone == MOBILE


def test_anonymising_the_person_clears_the_team_contact_that_is_theirs(city, vs):
    member = add_member(city, make_branches(city), 31, name="王主任")
    PartyMember.objects.filter(pk=member.pk).update(phone=MOBILE, phone_hash=pii_hash("phone", MOBILE))
    member.refresh_from_db()
    team = _with_mobile(vs.team, publish=True)
    _vol, cert = _certificate(vs)
    other = services.team_create(
        actor=city.users["community_x"],
        name="另一支队伍",
        kind="resident",
        community=city.communities[0],
        organisation="居委会",
        contact_phone="0535-6000001",
    )

    person_anonymise(actor=city.users["community_x"], person=member, reason="保存期满")

    team.refresh_from_db()
    assert (team.contact_phone, team.contact_phone_hash, team.publish_contact) == ("", "", False)
    assert team.responsible_person == "（已匿名化）"
    cert = Certificate.objects.get(pk=cert.pk)
    assert cert.contact_phone == "139****5678" and cert.responsible_person == "（已匿名化）"
    other.refresh_from_db()
    assert other.contact_phone == "0535-6000001"
    entry = AuditEntry.objects.get(action="anonymise", target_type="volunteering.team")
    assert entry.target_id == str(team.pk) and entry.detail["certificates"] == 1
    assert "contact_phone" in entry.fields and MOBILE not in str(entry.detail)
