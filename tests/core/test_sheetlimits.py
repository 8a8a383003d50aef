"""Import bombs (issue 12): an xlsx that unpacks to millions of rows or hundreds of MB of shared
strings, an oversized CSV, a sheet longer than the limit. Each is refused with a message naming
the limit, before it is parsed where the file says enough; nothing is written; the command line
raises the limits with --max-rows / --max-mb. The files are built here."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from quanyu.core.models import AuditEntry
from quanyu.core.roles import Role
from quanyu.core.sheetlimits import raised_limits
from quanyu.core.spreadsheets import Column, SpreadsheetError, read_rows
from quanyu.people.models import PartyMember
from quanyu.tickets.models import Ticket
from tests.factories import make_user
from tests.tickets.factories import hotline_row, make_catalog, write_hotline_csv

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override '
        'PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        'spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="'
        'application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override '
        'PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        'spreadsheetml.sharedStrings+xml"/></Types>'
    ),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
        'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
        'officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/workbook.xml": (
        f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{NS}" xmlns:r="http://schemas.'
        'openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" '
        'r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
        'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
        'officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship '
        'Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'sharedStrings" Target="sharedStrings.xml"/></Relationships>'
    ),
}
COLUMNS = [Column("name", "姓名", required=True)]
HEADER_ROW = '<row r="1"><c r="A1" t="inlineStr"><is><t>姓名</t></is></c></row>'


def xlsx(path: Path, rows: str | bytes, *, dimension: str = "", strings: bytes = b"") -> Path:
    """A workbook of one sheet whose rows are ``rows`` (sheetData's XML), packed as tightly as
    zlib can: the shape of a zip bomb."""
    head = f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{NS}">{dimension}<sheetData>'
    body = rows.encode() if isinstance(rows, str) else rows
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, xml in PARTS.items():
            archive.writestr(name, xml)
        archive.writestr("xl/worksheets/sheet1.xml", head.encode() + body + b"</sheetData></worksheet>")
        sst = f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{NS}">'.encode()
        archive.writestr("xl/sharedStrings.xml", sst + strings + b"</sst>")
    return path


def names(n: int, start: int = 2) -> str:
    return "".join(
        f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>居民{r}</t></is></c></row>'
        for r in range(start, start + n)
    )


def test_a_sheet_that_declares_two_million_rows_is_refused_before_it_is_read(tmp_path):
    bomb = xlsx(tmp_path / "rows.xlsx", HEADER_ROW + names(3), dimension='<dimension ref="A1:A2000001"/>')
    with pytest.raises(SpreadsheetError, match="行数超过上限 300000 行"):
        list(read_rows(bomb, COLUMNS))


def test_two_million_empty_rows_packed_into_kilobytes_are_refused_by_their_ratio(tmp_path):
    empty_rows = b"<row/>" * 2_000_000
    bomb = xlsx(tmp_path / "empty.xlsx", HEADER_ROW.encode() + empty_rows)
    assert bomb.stat().st_size < 1_000_000
    with pytest.raises(SpreadsheetError, match="压缩比异常"):
        list(read_rows(bomb, COLUMNS))


def test_shared_strings_that_expand_to_hundreds_of_megabytes_are_refused(tmp_path, settings):
    settings.QUANYU_IMPORT_MAX_UNPACKED_MB = 64
    one = b"<si><t>" + "重复".encode() * 4000 + b"</t></si>"
    bomb = xlsx(tmp_path / "strings.xlsx", HEADER_ROW, strings=one * 3000)  # 72 MB unpacked
    with pytest.raises(SpreadsheetError, match="解压后过大：68 MB，上限为 64 MB"):
        list(read_rows(bomb, COLUMNS))


def test_rows_past_the_limit_stop_the_read_when_the_sheet_declares_no_size(tmp_path, settings):
    settings.QUANYU_IMPORT_MAX_ROWS = 50
    sheet = xlsx(tmp_path / "long.xlsx", HEADER_ROW + names(60))
    read: list[int] = []
    with pytest.raises(SpreadsheetError, match="行数超过上限 50 行"):
        for number, _record in read_rows(sheet, COLUMNS):
            read.append(number)
    assert len(read) == 50
    with raised_limits(max_rows=100):
        assert len(list(read_rows(sheet, COLUMNS))) == 60
    assert len(list(read_rows(xlsx(tmp_path / "ok.xlsx", HEADER_ROW + names(50)), COLUMNS))) == 50


def test_a_csv_over_the_size_limit_is_refused_before_it_is_read(tmp_path, settings):
    settings.QUANYU_IMPORT_MAX_MB = 1
    big = tmp_path / "big.csv"
    big.write_text("姓名\n" + "居民\n" * 400_000, encoding="utf-8")
    with pytest.raises(SpreadsheetError, match=r"文件过大：2\.7 MB，上限为 1 MB"):
        list(read_rows(big, COLUMNS))
    with raised_limits(max_mb=3, max_rows=500_000):
        assert sum(1 for _ in read_rows(big, COLUMNS)) == 400_000


@pytest.mark.django_db
def test_the_roster_upload_page_reports_a_bomb_and_writes_nothing(city, tmp_path):
    user = make_user("bomb_uploader", Role.COMMUNITY_STAFF, city.communities[0])
    client = Client()
    client.force_login(user)
    audit_before = AuditEntry.objects.count()
    bomb = xlsx(tmp_path / "r.xlsx", HEADER_ROW, dimension='<dimension ref="A1:Q2000001"/>')
    upload = SimpleUploadedFile("roster.xlsx", bomb.read_bytes())
    response = client.post("/people/import/", {"kind": "members", "file": upload})
    assert response.status_code == 200
    assert "行数超过上限" in response.content.decode()
    assert PartyMember.objects.count() == 0
    assert AuditEntry.objects.count() == audit_before


@pytest.mark.django_db
def test_the_import_command_raises_the_row_limit_with_max_rows(city, tmp_path, settings, capsys):
    settings.QUANYU_IMPORT_MAX_ROWS = 2
    make_catalog(city)
    source = write_hotline_csv(tmp_path / "h.csv", [hotline_row(f"GD{i}") for i in range(3)])
    admin = city.users["district_admin"]
    with pytest.raises(CommandError, match="行数超过上限 2 行"):
        call_command("import_hotline", str(source), "--actor", admin.username)
    assert Ticket.objects.count() == 0
    call_command("import_hotline", str(source), "--actor", admin.username, "--max-rows", "10")
    assert Ticket.objects.count() == 3
