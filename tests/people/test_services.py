import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from quanyu.core.models import AuditEntry
from quanyu.core.pii import pii_hash
from quanyu.core.roles import Role
from quanyu.people import selectors, services
from quanyu.people.models import (
    FloatingEvent,
    MemberEvent,
    PartyMember,
    PointEntry,
    PointRule,
    Post,
    PostClaim,
    Report,
    ReportEvent,
    Resident,
)
from quanyu.people.services import PersonInput
from tests.asserts import nothing_written
from tests.factories import make_user
from tests.people.helpers import add_member, make_id, phone

pytestmark = pytest.mark.django_db


def test_member_create_encrypts_and_derives(city, branches):
    member = add_member(city, branches, 1)
    assert member.birth_date == dt.date(1980, 1, 1)
    assert member.gender == "M"
    assert member.id_hash == pii_hash("id", make_id(1))
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number, phone FROM people_partymember WHERE id = %s", [member.pk])
        raw_id, raw_phone = cursor.fetchone()
    assert make_id(1) not in raw_id and raw_id.startswith("enc1:")
    assert phone(1) not in raw_phone
    assert MemberEvent.objects.filter(member=member, kind="created").count() == 1


def test_member_create_rejects_duplicate_and_bad_id(city, branches):
    add_member(city, branches, 1)
    with pytest.raises(ValidationError) as exc:
        add_member(city, branches, 1)
    assert "身份证号" in exc.value.message_dict
    bad = make_id(2)[:-1] + ("0" if make_id(2)[-1] != "0" else "1")
    with pytest.raises(ValidationError, match="校验位"):
        services.member_create(
            actor=city.users["district_admin"],
            person=PersonInput(name="甲", id_number=bad),
            branch=branches[city.communities[0].name],
            category="在职党员",
            community=city.communities[0],
        )
    assert PartyMember.objects.count() == 1


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [
        ("district_admin", True),
        ("street_staff", True),
        ("community_x", True),
        ("community_y", False),
        ("grid_worker", False),
        ("resident", False),
        ("outsider", False),
    ],
)
def test_member_create_permission_matrix(city, branches, persona, allowed):
    community = city.communities[0]
    call = lambda: services.member_create(  # noqa: E731
        actor=city.users[persona],
        person=PersonInput(name="乙", id_number=make_id(7)),
        branch=branches[community.name],
        category="社区党员",
        community=community,
    )
    if allowed:
        call()
        assert PartyMember.objects.count() == 1
    else:
        with nothing_written(), pytest.raises(PermissionDenied):
            call()
        assert PartyMember.objects.count() == 0
        assert MemberEvent.objects.count() == 0


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [
        ("district_admin", True),
        ("street_staff", True),
        ("community_x", True),
        ("community_y", False),
        ("grid_worker", False),
        ("resident", False),
        ("department_handler", False),
    ],
)
def test_reveal_matrix_writes_exactly_one_audit_entry(city, branches, persona, allowed):
    member = add_member(city, branches, 3)
    before = AuditEntry.objects.count()
    actor = city.users[persona]
    if allowed:
        value = services.person_reveal(actor=actor, person=member, field="id_number", reason="核对身份")
        assert value == make_id(3)
        assert AuditEntry.objects.count() == before + 1
        entry = AuditEntry.objects.latest("id")
        assert (entry.action, entry.target_id, entry.fields, entry.reason, entry.actor_name) == (
            "reveal",
            str(member.pk),
            "id_number",
            "核对身份",
            actor.username,
        )
    else:
        with nothing_written(member), pytest.raises(PermissionDenied):
            services.person_reveal(actor=actor, person=member, field="phone", reason="核对")
        assert AuditEntry.objects.count() == before


def test_reveal_needs_reason_and_known_field(city, branches):
    member = add_member(city, branches, 3)
    before = AuditEntry.objects.count()
    with pytest.raises(ValidationError, match="事由"):
        services.person_reveal(actor=city.users["community_x"], person=member, field="phone", reason="  ")
    with pytest.raises(ValidationError):
        services.person_reveal(actor=city.users["community_x"], person=member, field="name", reason="x")
    assert AuditEntry.objects.count() == before


def test_data_export_and_anonymise_keep_history(city, branches):
    member = add_member(city, branches, 4)
    entry = services.points_record_action(
        actor=city.users["community_x"],
        member=member,
        rule="duty_logged",
        occurred_on=dt.date(2024, 5, 1),
        reason="值守",
    )
    assert entry is not None
    before = AuditEntry.objects.count()
    data = services.person_data_export(actor=city.users["community_x"], person=member, reason="本人申请")
    assert data["身份证号"] == make_id(4)
    assert data["积分记录"][0]["分值"] == 2
    assert AuditEntry.objects.count() == before + 1
    assert AuditEntry.objects.latest("id").action == "export_unmasked"

    with pytest.raises(PermissionDenied):
        services.person_anonymise(actor=city.users["community_y"], person=member, reason="保存期满")
    services.person_anonymise(actor=city.users["community_x"], person=member, reason="保存期满")
    member.refresh_from_db()
    assert member.anonymised and member.name == "（已匿名化）"
    assert (member.id_number, member.id_hash, member.phone, member.phone_hash) == ("", "", "", "")
    assert member.birth_date == dt.date(1980, 1, 1)
    assert PointEntry.objects.filter(member=member).count() == 1  # history intact
    assert selectors.balance(member=member) == 2
    with pytest.raises(ValidationError):
        services.person_reveal(actor=city.users["community_x"], person=member, field="id_number", reason="x")


def test_resident_tags_only_for_roles_that_serve(city):
    community = city.communities[0]
    resident = services.resident_create(
        actor=city.users["community_x"],
        person=PersonInput(name="王奶奶", id_number=make_id(9, born="19400302", male=False), phone=phone(9)),
        community=community,
        building=city.buildings[0],
        tags="空巢老人、低收入",
    )
    assert resident.tag_list == ["elderly_alone", "low_income"]
    assert resident.scope_path == city.buildings[0].path
    assert selectors.tags_visible_for(actor=city.users["grid_worker"], person=resident) == resident.tag_list
    head = make_user("head", Role.BUILDING_HEAD, city.buildings[0])
    assert selectors.tags_visible_for(actor=head, person=resident) == []
    # A building head may list residents but filtering by tag does nothing for them.
    listed = selectors.resident_list_for(actor=head, filters=selectors.ResidentFilters(tag="elderly_alone"))
    assert list(listed) == [resident]
    with pytest.raises(PermissionDenied):
        services.resident_set_tags(actor=head, resident=resident, tags="残疾人")
    with pytest.raises(ValidationError, match="未知标签"):
        services.resident_set_tags(actor=city.users["grid_worker"], resident=resident, tags="富豪")


def test_report_lifecycle_with_events_and_points(city, branches):
    member = add_member(city, branches, 5, community=0, branch=branches[city.communities[2].name])
    community = city.communities[0]
    report = services.report_submit_member(
        actor=city.users["district_admin"], member=member, community=community
    )
    with pytest.raises(ValidationError, match="已向该社区报到"):
        services.report_submit_member(actor=city.users["district_admin"], member=member, community=community)
    with pytest.raises(PermissionDenied):
        services.report_confirm(actor=city.users["community_y"], report=report)
    report.refresh_from_db()
    assert report.status == "submitted"
    with pytest.raises(ValidationError, match="原因"):
        services.report_reject(actor=city.users["community_x"], report=report, note="")
    services.report_confirm(actor=city.users["community_x"], report=report, note="欢迎")
    report.refresh_from_db()
    assert report.status == "confirmed" and report.decided_by == city.users["community_x"]
    assert list(ReportEvent.objects.filter(report=report).values_list("status", flat=True)) == [
        "submitted",
        "confirmed",
    ]
    with pytest.raises(ValidationError, match="不能变为"):
        services.report_confirm(actor=city.users["community_x"], report=report)
    assert PointEntry.objects.get(member=member).rule.code == "report_confirmed"


def test_unit_reports_to_its_own_community(city):
    unit = city.units[0]  # sits in community 0
    with pytest.raises(ValidationError, match="不在该社区"):
        services.report_submit_unit(
            actor=city.users["district_admin"], unit=unit, community=city.communities[1]
        )
    report = services.report_submit_unit(
        actor=city.users["community_x"], unit=unit, community=city.communities[0]
    )
    assert report.kind == Report.Kind.UNIT


def test_posts_capacity_duty_and_review(city, branches):
    staff = city.users["community_x"]
    post = services.post_create(
        actor=staff, community=city.communities[0], name="环境监督岗", duties="巡查", capacity=1
    )
    with pytest.raises(PermissionDenied):
        services.post_create(actor=city.users["community_y"], community=city.communities[0], name="x")
    a = add_member(city, branches, 10)
    b = add_member(city, branches, 11)
    outsider = add_member(city, branches, 12, community=2)
    claim = services.post_claim(actor=staff, post=post, member=a)
    with pytest.raises(ValidationError, match="岗位已满"):
        services.post_claim(actor=staff, post=post, member=b)
    with pytest.raises(ValidationError, match="报到"):
        services.post_claim(actor=city.users["district_admin"], post=post, member=outsider)
    log = services.duty_log_add(
        actor=staff, claim=claim, on_date=dt.date(2024, 3, 1), hours=2.5, note="清理楼道"
    )
    assert log.hours == pytest.approx(2.5)
    assert selectors.balance(member=a) == 2
    services.post_review(actor=staff, claim=claim, year=2024, rating="excellent")
    with pytest.raises(ValidationError, match="已评议"):
        services.post_review(actor=staff, claim=claim, year=2024, rating="good")
    services.claim_release(actor=staff, claim=claim)
    with pytest.raises(ValidationError, match="已离岗"):
        services.duty_log_add(actor=staff, claim=claim, on_date=dt.date(2024, 3, 2), hours=1, note="x")
    assert PostClaim.objects.filter(post=post, status="active").count() == 0
    services.post_claim(actor=staff, post=post, member=b)  # capacity free again
    assert Post.objects.count() == 1


def test_points_cap_balance_and_corrections(city, branches):
    member = add_member(city, branches, 20)
    PointRule.objects.filter(code="duty_logged").update(points=15, cap=40, period="year")
    awarded = [
        services.points_record_action(
            actor=None, member=member, rule="duty_logged", occurred_on=dt.date(2024, m, 1), reason="值守"
        )
        for m in (1, 2, 3, 4)
    ]
    assert [e.points if e else None for e in awarded] == [15, 15, 10, None]  # cut to the cap, then nothing
    next_year = services.points_record_action(
        actor=None, member=member, rule="duty_logged", occurred_on=dt.date(2025, 1, 5), reason="值守"
    )
    assert next_year is not None and next_year.points == 15  # a new period
    first = awarded[0]
    assert first is not None
    correction = services.points_correct(
        actor=city.users["community_x"], entry=first, points=-5, reason="时长记错"
    )
    assert correction.corrects == first and correction.points == -5
    first.refresh_from_db()
    assert first.points == 15  # never edited
    entries = list(PointEntry.objects.filter(member=member).values_list("points", flat=True))
    assert selectors.balance(member=member) == sum(entries)
    assert selectors.balance(member=member, year=2024) == 35
    with pytest.raises(PermissionDenied):
        services.points_correct(actor=city.users["community_y"], entry=first, points=1, reason="x")
    with pytest.raises(ValidationError, match="不能小于0"):
        services.points_correct(actor=city.users["community_x"], entry=first, points=-20, reason="x")
    statement = selectors.yearly_statement(member=member, year=2024)
    assert [(s.rule, s.entries, s.points) for s in statement] == [("岗位履职", 3, 35)]


def test_point_requests_need_the_approver_role(city, branches):
    member = add_member(city, branches, 21)
    rule = PointRule.objects.get(code="commendation")  # approver: community staff
    request = services.points_request(
        actor=city.users["community_x"],
        member=member,
        rule=rule,
        occurred_on=dt.date(2024, 6, 1),
        reason="优秀党员",
    )
    assert PointEntry.objects.filter(member=member).count() == 0
    for persona in ("community_y", "grid_worker", "resident"):
        with pytest.raises(PermissionDenied):
            services.points_request_decide(actor=city.users[persona], request=request, approve=True)
    assert PointEntry.objects.filter(member=member).count() == 0
    decided = services.points_request_decide(actor=city.users["community_x"], request=request, approve=True)
    assert decided.entry is not None and decided.entry.points == 10 and decided.entry.approved_by_id
    with pytest.raises(ValidationError, match="不能变为"):
        services.points_request_decide(
            actor=city.users["community_x"], request=request, approve=False, note="x"
        )
    # Automatic awards never bypass an approval rule.
    assert (
        services.points_record_action(
            actor=None, member=member, rule="commendation", occurred_on=dt.date(2024, 6, 2), reason="x"
        )
        is None
    )


def test_rankings_per_branch_and_community(city, branches):
    a = add_member(city, branches, 30)
    b = add_member(city, branches, 31)
    add_member(city, branches, 32, community=2)
    for _ in range(2):
        services.points_record_action(
            actor=None, member=b, rule="meeting_attended", occurred_on=dt.date(2024, 1, 2), reason="x"
        )
    services.points_record_action(
        actor=None, member=a, rule="meeting_attended", occurred_on=dt.date(2024, 1, 2), reason="x"
    )
    ranking = selectors.ranking_for(
        actor=city.users["community_x"], year=2024, community=city.communities[0].pk
    )
    assert [(m.pk, m.year_points) for m in ranking] == [(b.pk, 2), (a.pk, 1)]
    by_branch = selectors.ranking_for(
        actor=city.users["district_admin"], year=2024, branch=branches[city.communities[2].name].pk
    )
    assert [m.year_points for m in by_branch] == [0]


def test_floating_contact_sweep_is_idempotent(city, branches):
    member = add_member(city, branches, 40, category="流动党员")
    record = services.floating_open(
        actor=city.users["community_x"],
        member=member,
        direction="out",
        place="广东省深圳市",
        starts_on=dt.date(2024, 1, 1),
        keeper=city.users["community_x"],
        contact_interval_days=30,
    )
    assert record.contact_due_on == dt.date(2024, 1, 31)
    with pytest.raises(ValidationError, match="未结束"):
        services.floating_open(
            actor=city.users["community_x"],
            member=member,
            direction="in",
            place="x",
            starts_on=dt.date(2024, 1, 1),
        )
    assert services.floating_contact_sweep(today=dt.date(2024, 1, 31)) == []
    assert len(services.floating_contact_sweep(today=dt.date(2024, 2, 5))) == 1
    assert services.floating_contact_sweep(today=dt.date(2024, 2, 6)) == []  # once per due date
    services.floating_contact(
        actor=city.users["community_x"], record=record, on_date=dt.date(2024, 2, 6), note="电话联系"
    )
    record.refresh_from_db()
    assert record.contact_due_on == dt.date(2024, 3, 7)
    assert len(services.floating_contact_sweep(today=dt.date(2024, 3, 8))) == 1
    assert FloatingEvent.objects.filter(record=record, kind="reminder").count() == 2
    with pytest.raises(PermissionDenied):
        services.floating_end(actor=city.users["community_y"], record=record)
    services.floating_end(actor=city.users["community_x"], record=record)
    assert services.floating_contact_sweep(today=dt.date(2025, 1, 1)) == []


def test_meetings_attendance_rates_and_points(city, branches):
    branch = branches[city.communities[0].name]
    a, b = add_member(city, branches, 50), add_member(city, branches, 51)
    other = add_member(city, branches, 52, community=2)
    services.meeting_record(
        actor=city.users["community_x"],
        branch=branch,
        kind="congress",
        held_on=dt.date(2024, 4, 1),
        topic="学习",
        attendance={a.pk: "present", b.pk: "absent"},
    )
    with pytest.raises(ValidationError, match="不属于该支部"):
        services.meeting_record(
            actor=city.users["community_x"],
            branch=branch,
            kind="lecture",
            held_on=dt.date(2024, 4, 2),
            topic="x",
            attendance={other.pk: "present"},
        )
    rates = selectors.attendance_rates_for(actor=city.users["community_x"], year=2024)
    assert [(r.branch_id, r.meetings, r.present, r.expected, r.rate) for r in rates] == [
        (branch.pk, 1, 1, 2, 0.5)
    ]
    assert selectors.balance(member=a) == 1 and selectors.balance(member=b) == 0
    assert selectors.attendance_rates_for(actor=city.users["community_y"], year=2024) == []


def test_households_and_board(city, branches):
    member = add_member(city, branches, 60)
    for i in range(10):
        services.member_household_add(actor=city.users["community_x"], member=member, household_key=f"H{i}")
    with pytest.raises(ValidationError, match="最多"):
        services.member_household_add(actor=city.users["community_x"], member=member, household_key="H10")
    with pytest.raises(ValidationError, match="楼栋不在"):
        services.member_board_set(
            actor=city.users["community_x"], member=member, opt_in=True, building=city.buildings[5]
        )
    services.member_board_set(
        actor=city.users["community_x"], member=member, opt_in=True, building=city.buildings[0]
    )
    board = selectors.contact_board_for(actor=city.users["resident"])
    assert [(e.name, e.phone) for e in board] == [(member.name, "139****0060")]
    assert selectors.contact_board_for(actor=city.users["community_y"]) == []


def test_member_update_records_field_names_only(city, branches):
    member = add_member(city, branches, 70)
    services.member_update(
        actor=city.users["community_x"], member=member, phone="13700000000", category="离退休党员"
    )
    member.refresh_from_db()
    assert member.phone == "13700000000" and member.category == "retired"
    event = MemberEvent.objects.filter(member=member, kind="changed").get()
    assert event.payload == {"fields": ["category", "phone"]}
    with pytest.raises(ValidationError):
        services.member_update(actor=city.users["community_x"], member=member, id_number="x")
    assert Resident.objects.count() == 0


def test_duplicate_id_is_a_clear_error_and_nothing_written(registers, city, branches):
    from django.core.exceptions import ValidationError

    members = PartyMember.objects.count()
    with pytest.raises(ValidationError) as exc:
        add_member(city, branches, 1)
    assert exc.value.message_dict == {"身份证号": ["该身份证号已在党员名册中"]}
    assert PartyMember.objects.count() == members
    residents = Resident.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.resident_create(
            actor=city.users["community_x"],
            person=PersonInput(name="又一个", id_number=make_id(2, male=False), phone=phone(9)),
            community=city.communities[0],
        )
    assert exc.value.message_dict == {"身份证号": ["该身份证号已在居民名册中"]}
    assert Resident.objects.count() == residents
