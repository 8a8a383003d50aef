import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from quanyu.accounts.models import User
from quanyu.core.models import AuditEntry
from quanyu.core.roles import Role
from quanyu.people import services
from quanyu.people.models import PartyMember
from quanyu.people.services import PersonInput
from tests.factories import make_user
from tests.people.helpers import HUGE, add_member, make_branches, make_id, roster_row, write_roster

pytestmark = pytest.mark.django_db


def client_for(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


@pytest.fixture
def world(city):
    branches = make_branches(city)
    member = add_member(city, branches, 1)
    services.resident_create(
        actor=city.users["community_x"],
        person=PersonInput(name="王奶奶", id_number=make_id(2, male=False), phone="13912345678"),
        community=city.communities[0],
        tags="空巢老人",
    )
    report = services.report_submit_member(
        actor=city.users["district_admin"], member=member, community=city.communities[0]
    )
    make_user("auditor", Role.AUDITOR, city.district)
    return {"member": member, "report": report, "branches": branches}


PAGES = [
    "/people/members/",
    "/people/residents/",
    "/people/reports/",
    "/people/posts/",
    "/people/points/",
    "/people/rankings/",
    "/people/floating/",
]


@pytest.mark.parametrize("url", PAGES)
@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("community_x", 200),
        ("street_staff", 200),
        ("resident", 403),
        ("department_handler", 403),
        ("outsider", 403),
    ],
)
def test_page_access_matrix(world, url, persona, status):
    assert client_for(persona).get(url).status_code == status


def test_anonymous_is_sent_to_login(world):
    response = Client().get("/people/members/")
    assert response.status_code == 302 and "/login/" in response["Location"]


@pytest.mark.parametrize(
    ("persona", "status"), [("community_x", 200), ("community_y", 404), ("district_admin", 200)]
)
def test_member_profile_is_scoped_and_masked(world, persona, status):
    member = world["member"]
    response = client_for(persona).get(f"/people/members/{member.pk}/")
    assert response.status_code == status
    if status == 200:
        body = response.content.decode()
        assert make_id(1) not in body and "139****0001" in body
        assert "显示明文" in body


def test_member_list_filters_and_query_count(world, city, django_assert_max_num_queries):
    for i in range(3, 23):
        add_member(city, world["branches"], i, category="离退休党员" if i % 2 else "在职党员")
    client = client_for("community_x")
    with django_assert_max_num_queries(12):
        response = client.get("/people/members/")
    assert response.status_code == 200
    body = client.get("/people/members/?category=retired", HTTP_HX_REQUEST="true").content.decode()
    assert "共 10 名党员" in body
    assert "共 1 名党员" in client.get(f"/people/members/?q={make_id(1)}").content.decode()
    assert "共 0 名党员" in client_for("community_y").get("/people/members/").content.decode()


def test_reveal_on_page_is_audited_once_and_auditor_sees_it(world):
    member = world["member"]
    before = AuditEntry.objects.count()
    response = client_for("community_x").post(
        f"/people/reveal/member/{member.pk}/", {"field": "id_number", "reason": "核对身份"}
    )
    assert response.status_code == 200 and make_id(1) in response.content.decode()
    assert AuditEntry.objects.count() == before + 1
    empty = client_for("community_x").post(
        f"/people/reveal/member/{member.pk}/", {"field": "id_number", "reason": ""}
    )
    assert empty.status_code == 400 and AuditEntry.objects.count() == before + 1
    assert (
        client_for("community_y")
        .post(f"/people/reveal/member/{member.pk}/", {"field": "id_number", "reason": "x"})
        .status_code
        == 404
    )
    make_user("leader", Role.LEADER, world["member"].community)
    assert (
        client_for("leader")
        .post(f"/people/reveal/member/{member.pk}/", {"field": "id_number", "reason": "x"})
        .status_code
        == 403
    )
    assert AuditEntry.objects.count() == before + 1
    audit_page = client_for("auditor").get("/audit/?action=reveal").content.decode()
    assert "核对身份" in audit_page and "community_x" in audit_page
    assert client_for("community_x").get("/audit/").status_code == 403


def test_resident_tags_hidden_from_building_heads(world, city):
    make_user("head", Role.BUILDING_HEAD, city.communities[0])
    assert "空巢老人" in client_for("community_x").get("/people/residents/").content.decode()
    body = client_for("head").get("/people/residents/?tag=elderly_alone").content.decode()
    assert "王奶奶" in body and "空巢老人" not in body


def test_confirm_report_on_page(world):
    report = world["report"]
    assert (
        client_for("community_y")
        .post(f"/people/reports/{report.pk}/decide/", {"action": "confirm"})
        .status_code
        == 404
    )
    response = client_for("community_x").post(f"/people/reports/{report.pk}/decide/", {"action": "confirm"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == "confirmed"


def test_upload_roster_with_errors_then_fixed(world, city, tmp_path):
    comm = city.communities[0].name
    branch = world["branches"][comm].name
    bad = write_roster(
        tmp_path / "bad.xlsx", [roster_row(10, comm, branch), roster_row(11, comm, branch, 手机号="123")]
    )
    client = client_for("community_x")
    upload = SimpleUploadedFile("bad.xlsx", bad.read_bytes())
    body = client.post("/people/import/", {"kind": "members", "file": upload}).content.decode()
    assert "有误 1 行" in body and "手机号格式不正确" in body
    assert PartyMember.objects.count() == 1
    errors = client.get("/people/import/errors.xlsx")
    assert errors.status_code == 200 and errors["Content-Type"].startswith("application/vnd.openxml")
    good = write_roster(tmp_path / "good.xlsx", [roster_row(10, comm, branch), roster_row(11, comm, branch)])
    body = client.post(
        "/people/import/", {"kind": "members", "file": SimpleUploadedFile("good.xlsx", good.read_bytes())}
    ).content.decode()
    assert "已导入 2 行" in body
    assert PartyMember.objects.count() == 3
    assert client_for("grid_worker").get("/people/import/").status_code == 403


def test_board_shows_masked_phones(world, city):
    services.member_board_set(
        actor=city.users["community_x"],
        member=world["member"],
        opt_in=True,
        building=city.buildings[0],
        unit_no="2",
    )
    body = client_for("resident").get("/people/board/").content.decode()
    assert "139****0001" in body and "13900000001" not in body


def test_export_page_masked_then_unmasked_audited(world):
    client = client_for("community_x")
    before = AuditEntry.objects.count()
    assert client.get("/people/members/export.xlsx").status_code == 200
    assert client.post("/people/members/export.xlsx", {"reason": "上报"}).status_code == 200
    assert list(AuditEntry.objects.order_by("id").values_list("action", flat=True))[before:] == [
        "export",
        "export_unmasked",
    ]


# ------------------------------------------------- personal data: audit log, birth dates, tags, exports


def test_audit_log_is_for_auditors_only(world, city):
    make_user("street_admin", Role.ADMIN, city.streets[0])
    assert client_for("street_admin").get("/audit/").status_code == 403
    assert client_for("district_admin").get("/audit/").status_code == 403
    assert client_for("auditor").get("/audit/").status_code == 200
    make_user("root", superuser=True)
    assert client_for("root").get("/audit/").status_code == 200


def test_member_page_shows_birth_year_month_only(world):
    body = client_for("community_x").get(f"/people/members/{world['member'].pk}/").content.decode()
    assert "1980-01" in body and "1980-01-01" not in body


def test_resident_tags_decided_per_row(world, city):
    from quanyu.accounts.models import RoleGrant

    services.resident_create(
        actor=city.users["community_y"],
        person=PersonInput(name="小李", id_number=make_id(3, born="20150304"), phone="13912345679"),
        community=city.communities[2],
        tags="留守儿童",
    )
    mixed = make_user("mixed", Role.BUILDING_HEAD, city.communities[0])
    RoleGrant.objects.create(user=mixed, role=Role.COMMUNITY_STAFF, area=city.communities[2])
    rows = client_for("mixed").get("/people/residents/").content.decode().split("<tbody>", 1)[1]
    assert "王奶奶" in rows and "小李" in rows
    assert "留守儿童" in rows.split("小李", 1)[1]
    assert "空巢老人" not in rows  # community 0: a building head there, no tags


def test_export_writes_a_formula_like_name_as_text(world):
    """A member named "=HYPERLINK(…)" (typed by anyone who can post a name) is text in the export,
    never a formula that runs on the office's computer."""
    import io

    from openpyxl import load_workbook

    member = world["member"]
    type(member).objects.filter(pk=member.pk).update(name='=HYPERLINK("http://x","y")')
    book = load_workbook(io.BytesIO(client_for("community_x").get("/people/members/export.xlsx").content))
    cells = [
        c for row in book.active.iter_rows(min_row=2) for c in row if c.value == '=HYPERLINK("http://x","y")'
    ]
    assert cells and all(c.data_type == "s" for c in cells)


def test_unmasked_export_needs_post_with_csrf(world):
    client = client_for("community_x")
    before = AuditEntry.objects.count()
    masked = client.get("/people/members/export.xlsx")
    assert masked.status_code == 200 and "no-store" in masked["Cache-Control"]
    assert client.get("/people/members/export.xlsx?unmasked=1&reason=上报").status_code == 405
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(User.objects.get(username="community_x"))
    assert strict.post("/people/members/export.xlsx", {"reason": "上报"}).status_code == 403
    assert client.post("/people/members/export.xlsx", {"reason": ""}).status_code == 302  # reason needed
    plain = client.post("/people/members/export.xlsx", {"reason": "上报"})
    assert plain.status_code == 200 and "no-store" in plain["Cache-Control"]
    assert list(AuditEntry.objects.order_by("id").values_list("action", flat=True))[before:] == [
        "export",
        "export_unmasked",
    ]
    page = client.get("/people/members/").content.decode()
    assert 'method="post" action="/people/members/export.xlsx"' in page and "csrfmiddlewaretoken" in page


def test_import_template_kind_whitelisted(world):
    client = client_for("community_x")
    ok = client.get("/people/import/template-members.xlsx")
    assert ok.status_code == 200 and 'filename="members-template.xlsx"' in ok["Content-Disposition"]
    assert client.get("/people/import/template-residents.xlsx").status_code == 200
    assert client.get('/people/import/template-x"evil.xlsx').status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "/people/members/{member}/?year=99999",
        "/people/rankings/?year=99999",
        "/people/rankings/?branch=" + HUGE,
        "/people/rankings/?community=" + HUGE,
        "/people/members/?branch=" + HUGE,
        "/people/members/?community=" + HUGE,
        "/people/residents/?community=" + HUGE,
        "/people/members/export.xlsx?branch=" + HUGE,
    ],
)
def test_huge_parameters_are_ignored(world, url):
    response = client_for("community_x").get(url.format(member=world["member"].pk))
    assert response.status_code == 200


def test_floating_page_adds_up_to_the_category(city, world):
    """Issue 13 point 9: members of the 流动党员 category without a record are counted on the page,
    so the page's figures add up to the category's, and the link lists them."""
    branches = world["branches"]
    floating = [add_member(city, branches, 20 + i, category="流动党员") for i in range(3)]
    services.floating_open(
        actor=city.users["district_admin"],
        member=floating[0],
        direction="out",
        place="上海市浦东新区",
        starts_on=dt.date(2025, 3, 1),
    )
    page = client_for("district_admin").get("/people/floating/").content.decode()
    assert 'data-registered="1"' in page and 'data-unregistered="2"' in page
    listed = client_for("district_admin").get("/people/members/?category=floating")
    assert listed.status_code == 200
    assert PartyMember.objects.filter(category="floating").count() == 1 + 2
