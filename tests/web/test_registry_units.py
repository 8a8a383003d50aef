"""A unit's page, its in-service members' records and the part-time committee members, through the
Django test client: who may open what (out of scope is a 404), and figures equal to the records."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from quanyu.accounts.models import User
from quanyu.core.roles import Role
from quanyu.orgs.models import OrgKind, PartTimeMember, PartyOrg, Unit, UnitKind
from quanyu.people import services as people_services
from tests.factories import make_user
from tests.people.helpers import add_member, make_branches

pytestmark = pytest.mark.django_db


def client_for(user: User | str) -> Client:
    client = Client()
    client.force_login(user if isinstance(user, User) else User.objects.get(username=user))
    return client


@pytest.fixture
def unit_world(city):
    """社区1-1驻区单位 with a party branch, a committee seat, two in-service members living in 社区1-1
    and one living in 社区2-1, a contact holding a grant on behalf of the unit."""
    unit = city.units[0]
    unit.credit_code = "91370602MA3C00001X"
    unit.contact_phone = "13912345678"
    unit.save()
    PartyOrg.objects.add_child(
        city.orgs[city.communities[0].name],
        create_kwargs={
            "kind": OrgKind.BRANCH,
            "name": "驻区单位党支部",
            "area": city.communities[0],
            "unit": unit,
        },
    )
    PartTimeMember.objects.create(
        name="王兼职", unit=unit, unit_post="党委书记", committee=city.orgs[city.communities[0].name]
    )
    PartTimeMember.objects.create(
        name="李兼职", unit=city.units[2], committee=city.orgs[city.streets[1].name]
    )
    branches = make_branches(city)
    members = [
        add_member(city, branches, 1, name="张三", work_unit_name=unit.name),
        add_member(city, branches, 2, name="阿明", work_unit_name=unit.name),
        add_member(city, branches, 3, name="赵四", community=2, work_unit_name=unit.name),
        add_member(city, branches, 4, name="无关", work_unit_name=city.units[1].name),
    ]
    year = timezone.localdate().year
    report = people_services.report_submit_member(
        actor=city.users["district_admin"], member=members[0], community=city.communities[0], year=year
    )
    people_services.report_confirm(actor=city.users["community_x"], report=report)
    people_services.report_submit_member(
        actor=city.users["district_admin"], member=members[2], community=city.communities[2], year=year
    )
    post = people_services.post_create(
        actor=city.users["community_x"], community=city.communities[0], name="楼道宣传员"
    )
    claim = people_services.post_claim(actor=city.users["community_x"], post=post, member=members[0])
    people_services.duty_log_add(
        actor=city.users["community_x"],
        claim=claim,
        on_date=timezone.localdate() - dt.timedelta(days=1),
        hours=2.5,
        note="宣传",
    )
    contact = make_user("unit_contact", Role.PARTY_MEMBER, city.communities[0], unit=unit)
    return unit, members, contact


def test_unit_page_for_staff_in_scope_shows_orgs_seats_members_and_masks_the_phone(city, unit_world):
    unit, _members, _contact = unit_world
    response = client_for("community_x").get(f"/units/{unit.pk}/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "驻区单位党支部" in body
    assert "王兼职" in body and "李兼职" not in body
    assert "13912345678" not in body and "139****5678" in body
    assert "91370602MA3C00001X" in body
    # Community staff of 社区1-1 see the two members living there, not the one in 社区2-1.
    assert response.context["members"] == 2
    assert f'href="/units/{unit.pk}/members/"' in body


def test_unit_page_out_of_scope_is_404(city, unit_world):
    unit, _members, _contact = unit_world
    assert client_for("community_y").get(f"/units/{unit.pk}/").status_code == 404
    for persona in ["resident", "outsider"]:
        assert client_for(persona).get(f"/units/{unit.pk}/").status_code == 404
    assert client_for("district_admin").get("/units/999999/").status_code == 404
    assert Client().get(f"/units/{unit.pk}/").status_code == 302


def test_the_units_contact_sees_its_page_and_all_its_members_records(city, unit_world):
    unit, members, contact = unit_world
    client = client_for(contact)
    assert client.get(f"/units/{unit.pk}/").context["members"] == 3
    response = client.get(f"/units/{unit.pk}/members/")
    assert response.status_code == 200
    rows = list(response.context["page"].object_list)
    assert [m.name for m in rows] == ["阿明", "张三", "赵四"]  # pinyin: a, zhang, zhao
    figures = response.context["figures"]
    assert (figures.members, figures.reported, figures.waiting) == (3, 1, 1)
    assert figures.duty_hours == sum(m.duty_hours for m in rows)
    assert figures.points == sum(m.year_points for m in rows)
    # The apps' lines (volunteer hours, realised wishes) add up over the members listed.
    services = {line.key: line.count for line in response.context["services"]}
    assert set(services) == {"volunteering", "wishes"}
    for line in response.context["services"]:
        assert line.count == sum(next(x.count for x in m.services if x.key == line.key) for m in rows)
    body = response.content.decode()
    assert "楼道宣传员" in body and "无关" not in body
    assert members[0].phone not in body
    # Another unit's page and records are not the contact's.
    assert client.get(f"/units/{city.units[1].pk}/").status_code == 404
    assert client.get(f"/units/{city.units[1].pk}/members/").status_code == 404


def test_staff_see_only_the_members_in_their_scope(city, unit_world):
    unit, _members, _contact = unit_world
    rows = client_for("community_x").get(f"/units/{unit.pk}/members/").context["page"].object_list
    assert [m.name for m in rows] == ["阿明", "张三"]
    assert client_for("district_admin").get(f"/units/{unit.pk}/members/").context["figures"].members == 3
    # A department handler (an office role that reads no member register) sees no one's records.
    assert client_for("department_handler").get(f"/units/{unit.pk}/members/").status_code == 404


def test_part_time_members_page_is_scoped_and_grouped(city, unit_world):
    response = client_for("community_x").get("/orgs/part-time/")
    assert response.status_code == 200
    assert response.context["total"] == 1
    assert "王兼职" in response.content.decode()
    everyone = client_for("district_admin").get("/orgs/part-time/")
    assert everyone.context["total"] == 2
    other = city.orgs[city.streets[1].name]
    assert client_for("community_x").get("/orgs/part-time/", {"committee": other.pk}).status_code == 404
    assert client_for("resident").get("/orgs/part-time/").status_code == 403


def test_unit_list_is_in_pinyin_order_with_numbers_by_value(city):
    for name in ["烟台市第10中学", "烟台市第2中学", "安泰物业", "第二党支部单位", "第一党支部单位"]:
        Unit.objects.create(kind=UnitKind.RESIDENT_UNIT, name=name, area=city.communities[0])
    page = client_for("district_admin").get("/units/", {"kind": "resident_unit"}).context["page"]
    names = [u.name for u in page.object_list]
    assert names.index("安泰物业") < names.index("第一党支部单位") < names.index("第二党支部单位")
    assert names.index("烟台市第2中学") + 1 == names.index("烟台市第10中学")
    assert page.paginator.count == 9


def test_grid_resources_link_units_to_their_pages(city):
    unit = Unit.objects.create(kind=UnitKind.RESIDENT_UNIT, name="网格里的单位", area=city.grids[0])
    body = client_for("community_x").get(f"/areas/{city.grids[0].pk}/").content.decode()
    assert f'href="/units/{unit.pk}/"' in body


def test_pages_read_a_fixed_number_of_queries(city, unit_world, django_assert_max_num_queries):
    unit, _members, contact = unit_world
    client = client_for(contact)
    client.get(f"/units/{unit.pk}/members/")  # warm the session and caches
    with django_assert_max_num_queries(20):
        assert client.get(f"/units/{unit.pk}/members/").status_code == 200
    with django_assert_max_num_queries(20):
        assert client.get(f"/units/{unit.pk}/").status_code == 200
    admin = client_for("district_admin")
    admin.get("/orgs/part-time/")
    with django_assert_max_num_queries(12):
        assert admin.get("/orgs/part-time/").status_code == 200
