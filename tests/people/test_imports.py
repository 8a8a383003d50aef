import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.db import connection
from openpyxl import load_workbook

from quanyu.core.models import AuditEntry
from quanyu.people.models import PartyMember, Resident
from quanyu.people.services import members_import, residents_import
from quanyu.people.services.imports import RESIDENT_COLUMNS
from tests.people.helpers import make_id, phone, roster_row, write_roster

pytestmark = pytest.mark.django_db


def _names(city, branches, i=0):
    community = city.communities[i]
    return community.name, branches[community.name].name


def bad_roster(tmp_path, city, branches):
    """Rows 2–3 good; rows 4–11 one of each kind of bad row; row 12 good."""
    comm, branch = _names(city, branches)
    other_comm, _ = _names(city, branches, 2)  # a community outside community_x's scope
    wrong_check = make_id(103)[:-1] + ("1" if make_id(103)[-1] != "1" else "2")
    rows = [
        roster_row(101, comm, branch),
        roster_row(102, comm, branch),
        roster_row(103, comm, branch, 身份证号=wrong_check),  # row 4: wrong check digit
        roster_row(104, comm, branch, 身份证号="370602" + "19800230" + "0011"),  # row 5: 30 February
        roster_row(105, comm, branch, 手机号="1234567"),  # row 6: bad phone
        roster_row(106, comm, "不存在的党支部"),  # row 7: unknown branch
        roster_row(107, other_comm, branch),  # row 8: out-of-scope community
        roster_row(101, comm, branch, 姓名="重复"),  # row 9: duplicate ID within the file
        roster_row(109, comm, branch, 党员类别="外星党员"),  # row 10: unknown category
        roster_row(110, comm, branch, 入党日期="2012-13-45"),  # row 11: bad date
        roster_row(111, comm, branch),
    ]
    return write_roster(tmp_path / "roster.xlsx", rows)


def _fix_feb30(path):
    workbook = load_workbook(path)
    sheet = workbook.active
    first17 = "370602198002300011"[:17]
    from quanyu.core.idnumber import id_check_digit

    sheet.cell(row=5, column=3, value=first17 + id_check_digit(first17))
    workbook.save(path)


def test_each_kind_of_bad_row_named_and_nothing_written(tmp_path, city, branches):
    path = bad_roster(tmp_path, city, branches)
    _fix_feb30(path)  # a correct check digit, so that the birth date is what fails
    result = members_import(actor=city.users["community_x"], source=path)
    assert result.written == 0
    assert PartyMember.objects.count() == 0
    by_row = {}
    for error in result.errors:
        by_row.setdefault(error.row, []).append((error.column, error.message))
    assert sorted(by_row) == [4, 5, 6, 7, 8, 9, 10, 11]
    assert by_row[4] == [("身份证号", "身份证号校验位错误")]
    assert by_row[5][0][0] == "身份证号" and "出生日期19800230不存在" in by_row[5][0][1]
    assert by_row[6][0][0] == "手机号"
    assert by_row[7] == [("所在党组织", "党组织“不存在的党支部”不存在")]
    assert by_row[8][0][0] == "居住社区" and "不在您的管辖范围内" in by_row[8][0][1]
    assert by_row[9] == [("身份证号", "身份证号与第2行重复")]
    assert by_row[10][0][0] == "党员类别"
    assert by_row[11][0][0] == "入党日期"
    assert not AuditEntry.objects.filter(action="import").exists()


def test_valid_only_writes_exactly_the_good_rows(tmp_path, city, branches):
    path = bad_roster(tmp_path, city, branches)
    result = members_import(actor=city.users["community_x"], source=path, valid_only=True)
    assert result.written == 3
    assert set(PartyMember.objects.values_list("name", flat=True)) == {"导入101", "导入102", "导入111"}
    member = PartyMember.objects.get(name="导入101")
    assert member.category == "in_service" and member.work_unit == city.units[-1]
    assert member.scope_path == city.communities[0].path
    audit = AuditEntry.objects.get(action="import")
    assert audit.detail["created"] == 3


def test_duplicate_against_register_and_dry_run(tmp_path, city, branches):
    comm, branch = _names(city, branches)
    path = write_roster(tmp_path / "a.xlsx", [roster_row(1, comm, branch), roster_row(2, comm, branch)])
    dry = members_import(actor=city.users["community_x"], source=path, dry_run=True)
    assert (dry.valid, dry.written, PartyMember.objects.count()) == (2, 0, 0)
    assert members_import(actor=city.users["community_x"], source=path).written == 2
    again = members_import(actor=city.users["community_x"], source=path)
    assert [(e.row, e.column, e.message) for e in again.errors] == [
        (2, "身份证号", "该身份证号已在名册中"),
        (3, "身份证号", "该身份证号已在名册中"),
    ]
    assert PartyMember.objects.count() == 2


def test_raw_database_holds_no_plaintext_after_import(tmp_path, city, branches):
    comm, branch = _names(city, branches)
    rows = [roster_row(i, comm, branch) for i in range(1, 6)]
    members_import(actor=city.users["community_x"], source=write_roster(tmp_path / "r.xlsx", rows))
    assert PartyMember.objects.count() == 5
    secrets = [make_id(i) for i in range(1, 6)] + [phone(i) for i in range(1, 6)]
    if connection.vendor == "sqlite":
        # Everything the SQLite database holds, as SQL text, through the raw sqlite3 connection.
        connection.ensure_connection()
        dump = "\n".join(connection.connection.iterdump())
    else:
        # Every row of every table, cast to text by PostgreSQL itself.
        with connection.cursor() as cursor:
            parts = []
            for table in connection.introspection.table_names(cursor):
                cursor.execute(f'SELECT t::text FROM "{table}" t')
                parts.extend(r[0] for r in cursor.fetchall())
        dump = "\n".join(parts)
    assert "导入1" in dump  # the dump does hold the rows
    for secret in secrets:
        assert secret not in dump


def test_command_flags(tmp_path, city, branches, capsys):
    template = tmp_path / "t.xlsx"
    call_command("import_members", "--template", str(template))
    headers = [c.value for c in next(load_workbook(template).active.iter_rows(max_row=1))]
    expected = ["姓名", "性别", "身份证号", "手机号", "所在党组织", "党员类别"]
    expected += ["入党日期", "党员状态", "工作单位", "居住社区", "住址"]
    assert [h.rstrip("*") for h in headers] == expected
    path = bad_roster(tmp_path, city, branches)
    errors_out = tmp_path / "err.xlsx"
    with pytest.raises(CommandError, match="未导入任何数据"):
        call_command(
            "import_members",
            str(path),
            "--actor",
            "community_x",
            "--errors-out",
            str(errors_out),
            verbosity=0,
        )
    assert PartyMember.objects.count() == 0
    report = list(load_workbook(errors_out).active.iter_rows(values_only=True))
    assert report[0] == ("行号", "列", "原因")
    assert {r[0] for r in report[1:]} == {4, 5, 6, 7, 8, 9, 10, 11}
    call_command("import_members", str(path), "--actor", "community_x", "--valid-only", verbosity=0)
    assert PartyMember.objects.count() == 3
    with pytest.raises(CommandError, match="--actor"):
        call_command("import_members", str(path), verbosity=0)
    with pytest.raises(CommandError, match="无法读取"):
        bogus = tmp_path / "bogus.xlsx"
        bogus.write_text("not a spreadsheet")
        call_command("import_members", str(bogus), "--actor", "community_x", verbosity=0)


@pytest.mark.parametrize("persona", ["grid_worker", "resident", "outsider", "department_handler"])
def test_only_registry_editors_import(tmp_path, city, branches, persona):
    comm, branch = _names(city, branches)
    path = write_roster(tmp_path / "a.xlsx", [roster_row(1, comm, branch)])
    with pytest.raises(PermissionDenied):
        members_import(actor=city.users[persona], source=path)
    assert PartyMember.objects.count() == 0
    assert not AuditEntry.objects.filter(action="import").exists()


def test_resident_import_by_community_staff(tmp_path, city):
    headers = [c.header for c in RESIDENT_COLUMNS]
    comm = city.communities[0]
    building = city.buildings[0]
    rows = [
        [
            "赵一",
            "",
            make_id(1, born="19450101"),
            phone(1),
            comm.name,
            building.name,
            "1",
            "101",
            "H1",
            "空巢老人",
            "",
        ],
        ["钱二", "", make_id(2), "", comm.name, "不存在楼", "", "", "", "", ""],
        ["孙三", "", make_id(3), "", comm.name, "", "", "", "", "富豪", ""],
    ]
    path = write_roster(tmp_path / "res.xlsx", rows, headers=headers)
    result = residents_import(actor=city.users["community_x"], source=path, valid_only=True)
    assert [(e.row, e.column) for e in result.errors] == [(3, "楼栋"), (4, "标签")]
    resident = Resident.objects.get()
    assert resident.building == building and resident.scope_path == building.path
    assert resident.tag_list == ["elderly_alone"]
