import datetime as dt
import io

import pytest
from openpyxl import Workbook, load_workbook

from quanyu.core import spreadsheets
from quanyu.core.spreadsheets import (
    Column,
    RowError,
    SpreadsheetError,
    read_errors,
    read_rows,
    sheet_names,
    write_errors,
    write_rows,
    write_sheets,
    write_template,
    write_template_sheets,
)

COLUMNS = [
    Column("name", "名称", required=True, example="毓璜顶社区"),
    Column("code", "代码", example="370602001001"),
    Column("population", "人口", aliases=("常住人口",)),
]


def test_csv_with_utf8_bom(tmp_path):
    path = tmp_path / "a.csv"
    path.write_bytes("\ufeff名称,代码,人口\n向阳社区,370602001001,8500\n".encode())
    assert list(read_rows(path, COLUMNS)) == [
        (2, {"name": "向阳社区", "code": "370602001001", "population": "8500"})
    ]


def test_csv_in_gbk(tmp_path):
    path = tmp_path / "a.csv"
    path.write_bytes("名称,代码,常住人口\n芝罘区向阳街道,,12\n".encode("gbk"))
    assert list(read_rows(path, COLUMNS)) == [(2, {"name": "芝罘区向阳街道", "code": "", "population": "12"})]


def test_csv_in_an_unknown_encoding(tmp_path):
    path = tmp_path / "a.csv"
    path.write_bytes(b"\xff\xfe\x00\xd8\x00\xd8")
    with pytest.raises(SpreadsheetError, match="编码"):
        list(read_rows(path, COLUMNS))


@pytest.fixture(params=["calamine", "openpyxl"])
def reader(request, monkeypatch):
    """Both xlsx readers: calamine for sheets up to CALAMINE_MAX_XML, openpyxl streaming above."""
    if request.param == "openpyxl":
        monkeypatch.setattr(spreadsheets, "CALAMINE_MAX_XML", -1)
    return request.param


def test_xlsx_rows_keep_their_numbers_and_types(tmp_path, reader):
    book = Workbook()
    sheet = book.active
    sheet.append(["代码", " 名称* ", "备注"])
    sheet.append([370602001001.0, " 向阳社区 ", "x"])
    sheet.append([None, None, None])
    sheet.append(["", "   ", ""])
    sheet.append([None, "东山社区", dt.datetime(2024, 1, 2)])
    path = tmp_path / "a.xlsx"
    book.save(path)
    rows = list(read_rows(path, COLUMNS))
    assert rows == [
        (2, {"name": "向阳社区", "code": 370602001001, "population": ""}),
        (5, {"name": "东山社区", "code": "", "population": ""}),
    ]


def test_both_readers_give_the_same_records_from_paths_and_uploads(tmp_path, reader):
    book = Workbook()
    sheet = book.active
    sheet.title = "名册"
    sheet.append(["名称", "人口", "代码", "多余"])
    sheet.append(["向阳社区", 8500, True, "x"])
    sheet.append(["东山社区", 12.5, dt.date(2024, 2, 29)])  # a short row: missing cells are ''
    sheet.append([None, None, None, None])
    sheet["A6"] = "世回尧社区"
    sheet["B6"] = dt.datetime(2024, 1, 2, 8, 30)
    other = book.create_sheet("其他")
    other.append(["名称"])
    other.append(["只在第二张表"])
    path = tmp_path / "a.xlsx"
    book.save(path)
    expected = [
        (2, {"name": "向阳社区", "population": 8500, "code": True}),
        (3, {"name": "东山社区", "population": 12.5, "code": dt.datetime(2024, 2, 29)}),
        (6, {"name": "世回尧社区", "population": dt.datetime(2024, 1, 2, 8, 30), "code": ""}),
    ]

    def comparable(rows):
        # openpyxl gives datetimes for date cells, calamine dates for whole days: compare as datetimes
        def norm(v):
            return dt.datetime.combine(v, dt.time()) if type(v) is dt.date else v

        return [(n, {k: norm(v) for k, v in r.items()}) for n, r in rows]

    assert comparable(read_rows(path, COLUMNS)) == expected
    upload = io.BytesIO(path.read_bytes())
    assert comparable(read_rows(upload, COLUMNS)) == expected
    assert list(read_rows(path, COLUMNS, sheet="其他")) == [
        (2, {"name": "只在第二张表", "code": "", "population": ""})
    ]


def test_missing_required_header_and_sheet(tmp_path, reader):
    book = Workbook()
    book.active.title = "区域"
    book.active.append(["代码"])
    path = tmp_path / "a.xlsx"
    book.save(path)
    with pytest.raises(SpreadsheetError, match="缺少必填列：名称"):
        list(read_rows(path, COLUMNS))
    with pytest.raises(SpreadsheetError, match="没有名为“单位”的工作表"):
        list(read_rows(path, COLUMNS, sheet="单位"))
    assert sheet_names(path) == ["区域"]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("a.xlsx", b"plain text", "无法读取Excel文件"),
        ("a.xls", b"\xd0\xcf\x11\xe0", ".xls"),
        ("missing.xlsx", None, "文件不存在"),
        ("missing.csv", None, "文件不存在"),
    ],
)
def test_unreadable_files(tmp_path, name, content, message, reader):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(SpreadsheetError, match=message):
        list(read_rows(path, COLUMNS))


def test_empty_file(tmp_path, reader):
    path = tmp_path / "a.xlsx"
    Workbook().save(path)
    with pytest.raises(SpreadsheetError, match="空"):
        list(read_rows(path, COLUMNS))


def test_template_marks_required_columns_and_reads_back(tmp_path):
    path = tmp_path / "t.xlsx"
    write_template(path, COLUMNS, title="区域导入模板")
    sheet = load_workbook(path)["区域导入模板"]
    assert [c.value for c in sheet[1]] == ["名称*", "代码", "人口"]
    assert [c.value for c in sheet[2]][:2] == ["毓璜顶社区", "370602001001"]
    # the template itself is a valid input: headers with * are recognised
    assert [r for _n, r in read_rows(path, COLUMNS)] == [
        {"name": "毓璜顶社区", "code": "370602001001", "population": ""}
    ]


def test_multi_sheet_template_and_export(tmp_path):
    path = tmp_path / "t.xlsx"
    write_template_sheets(path, [("单位", COLUMNS[:1]), ("党组织", COLUMNS)])
    assert load_workbook(path).sheetnames == ["单位", "党组织"]
    out = tmp_path / "out.xlsx"
    assert write_sheets(out, [("一", COLUMNS, [{"name": "a"}, {"name": "b"}]), ("二", COLUMNS, [])]) == [2, 0]
    assert [r["name"] for _n, r in read_rows(out, COLUMNS, sheet="一")] == ["a", "b"]
    assert write_rows(out, COLUMNS, iter([{"name": "c", "population": 3}])) == 1
    assert list(read_rows(out, COLUMNS)) == [(2, {"name": "c", "code": "", "population": 3})]


def test_errors_round_trip_with_and_without_sheets(tmp_path):
    errors = [RowError(3, "名称", "名称不能为空"), RowError(7, "人口", "不能为负数")]
    path = tmp_path / "e.xlsx"
    write_errors(path, errors)
    assert [c.value for c in load_workbook(path).active[1]] == ["行号", "列", "原因"]
    assert read_errors(path) == errors
    with_sheets = [RowError(2, "类型", "未知", sheet="单位"), RowError(5, "", "整行有误", sheet="党组织")]
    write_errors(path, with_sheets)
    assert read_errors(path) == with_sheets
    assert str(with_sheets[0]) == "“单位”表第2行【类型】：未知"
    assert str(RowError(4, "geometry", "无效", noun="feature")) == "第4个要素【geometry】：无效"


def test_a_zip_that_is_not_a_workbook(tmp_path, reader):
    import zipfile

    path = tmp_path / "a.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("xl/worksheets/sheet1.xml", "<<< not xml")
    with pytest.raises(SpreadsheetError, match="无法读取Excel文件"):
        list(read_rows(path, COLUMNS))
