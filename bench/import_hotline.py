"""Bulk import of 12345 hotline work orders (quanyu import hotline) on PostgreSQL.

Generates a CSV of ``--rows`` work orders (default 1,000,000) and an xlsx of ``--xlsx-rows``
(default 1,000,000) over the test city of tests/factories.py, imports each into a fresh scratch
database ``bench_hotline`` with ``hotline_import(valid_only=True)`` (one transaction per chunk), and
prints tickets/s and this process's CPU seconds (the server's are not counted). In the same run it
times reading the same CSV alone (``read_rows``), so the ratio says how much the import adds to
reading the file.

    .venv/bin/python bench/import_hotline.py [--rows 1000000] [--xlsx-rows 1000000]
        [--pg postgres://postgres@127.0.0.1:5432/bench_hotline]

Writes bench/results/import_hotline.json.
"""

from __future__ import annotations

import argparse
import base64
import csv
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))

PII_KEY = base64.urlsafe_b64encode(b"bench/hotline/32-byte-key-00000!").decode()
HEADERS = [
    "工单编号",
    "来电时间",
    "诉求内容",
    "联系人",
    "联系电话",
    "地址",
    "经度",
    "纬度",
    "坐标系",
    "诉求类别",
]
TEXTS = [
    "小区门口有流动摊贩摆摊占道",
    "电梯停运三天了，老人出行困难",
    "楼道堆放杂物，存在消防隐患",
    "路灯不亮已经一周",
    "夜间施工噪音扰民",
    "下水道堵塞污水外溢",
    "装修备案咨询",
]


TARGET = 20_000  # tickets per second, CSV and xlsx alike (issue 3)


def rows(n: int) -> Any:
    rng = random.Random(20240601)
    for i in range(n):
        yield [
            f"12345-2024-{i:08d}",
            f"2024-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d} "
            f"{rng.randrange(24):02d}:{rng.randrange(60):02d}:00",
            rng.choice(TEXTS),
            rng.choice("王李张刘陈杨") + "先生",
            f"13{rng.randrange(10**9):09d}",
            f"某路{rng.randrange(1, 300)}号",
            f"{rng.uniform(121.302, 121.498):.6f}",
            f"{rng.uniform(37.502, 37.598):.6f}",
            "wgs84",
            rng.choice(["", "", "0101", "0201"]),
        ]


def generate_csv(path: Path, n: int) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADERS)
        writer.writerows(rows(n))


_XLSX_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/sharedStrings.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
        '<Override PartName="/xl/styles.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        "</Types>"
    ),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Target="xl/workbook.xml" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/>'
        "</Relationships>"
    ),
    "xl/workbook.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<sheets><sheet name="12345热线工单" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Target="worksheets/sheet1.xml" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"/>'
        '<Relationship Id="rId2" Target="sharedStrings.xml" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"/>'
        '<Relationship Id="rId3" Target="styles.xml" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles"/>'
        "</Relationships>"
    ),
    # Style 1: date and time (built-in number format 22), as the 来电时间 column of an export.
    "xl/styles.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<fonts count="1"><font><sz val="11"/><name val="宋体"/></font></fonts>'
        '<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
        '<borders count="1"><border/></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
        '<xf numFmtId="22" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
        "</styleSheet>"
    ),
}


def generate_xlsx(path: Path, n: int) -> None:
    """The same rows as an xlsx laid out as Excel and WPS save one: text in the shared-strings
    table, coordinates as numbers, the call time as a date-formatted serial number. Written here
    rather than with openpyxl, which writes text inline and takes minutes for a million rows."""
    import datetime as dt
    import zipfile
    from xml.sax.saxutils import escape

    strings: dict[str, int] = {}

    def text(col: str, r: int, value: str) -> str:
        index = strings.setdefault(value, len(strings))
        return f'<c r="{col}{r}" t="s"><v>{index}</v></c>'

    epoch = dt.datetime(1899, 12, 30)
    columns = "ABCDEFGHIJ"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, xml in _XLSX_PARTS.items():
            archive.writestr(name, xml)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(
                b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
            )
            head = "".join(text(c, 1, h) for c, h in zip(columns, HEADERS, strict=True))
            sheet.write(f'<row r="1">{head}</row>'.encode())
            batch: list[str] = []
            for r, row in enumerate(rows(n), start=2):
                ref, called, content, name, phone, address, lon, lat, crs, category = row
                serial = (dt.datetime.fromisoformat(called) - epoch) / dt.timedelta(days=1)
                cells = [
                    text("A", r, ref),
                    f'<c r="B{r}" s="1"><v>{serial!r}</v></c>',
                    text("C", r, content),
                    text("D", r, name),
                    text("E", r, phone),
                    text("F", r, address),
                    f'<c r="G{r}"><v>{lon}</v></c>',
                    f'<c r="H{r}"><v>{lat}</v></c>',
                    text("I", r, crs),
                ]
                if category:
                    cells.append(text("J", r, category))
                batch.append(f'<row r="{r}">{"".join(cells)}</row>')
                if len(batch) == 10_000:
                    sheet.write("".join(batch).encode())
                    batch.clear()
            sheet.write(("".join(batch) + "</sheetData></worksheet>").encode())
        with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as table:
            table.write(
                b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                + f'count="{len(strings)}" uniqueCount="{len(strings)}">'.encode()
            )
            values = list(strings)
            for i in range(0, len(values), 10_000):
                table.write("".join(f"<si><t>{escape(v)}</t></si>" for v in values[i : i + 10_000]).encode())
            table.write(b"</sst>")


def env_for(db_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=db_url,
        DJANGO_SETTINGS_MODULE="quanyu.settings",
        QUANYU_PII_KEY=PII_KEY,
        SECRET_KEY="bench-import-hotline-secret-0123456789-abcdefghij",
        PYTHONPATH=os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
        LOG_LEVEL="ERROR",
        # A million rows is past what an import reads by default (quanyu.core.sheetlimits), as
        # `quanyu import hotline --max-rows 2000000 --max-mb 4096` would raise it.
        QUANYU_IMPORT_MAX_ROWS="2000000",
        QUANYU_IMPORT_MAX_MB="4096",
    )
    return env


def recreate_database(db_url: str) -> None:
    import psycopg

    parsed = urlparse(db_url)
    admin = parsed._replace(path="/postgres").geturl()
    name = parsed.path.lstrip("/")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def child(phase: str, file: Path) -> dict[str, Any]:
    import django

    django.setup()
    from quanyu.core.spreadsheets import read_rows
    from quanyu.tickets.imports import HOTLINE_COLUMNS, hotline_import

    if phase == "read":
        t0 = time.perf_counter()
        n = sum(1 for _ in read_rows(file, HOTLINE_COLUMNS))
        return {"rows": n, "seconds": round(time.perf_counter() - t0, 2)}
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from tests.factories import make_city, make_personas
    from tests.tickets.factories import make_catalog

    city = make_city()
    make_personas(city)
    make_catalog(city)
    t0, cpu0 = time.perf_counter(), time.process_time()
    result = hotline_import(actor=city.users["district_admin"], source=file, valid_only=True)
    seconds, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    again_t0 = time.perf_counter()
    again = hotline_import(actor=city.users["district_admin"], source=file, valid_only=True, dry_run=True)
    return {
        "rows": result.total,
        "written": result.written,
        "errors": len(result.errors),
        "seconds": round(seconds, 2),
        "tickets_per_s": round(result.written / seconds, 1),
        # This process's CPU (all its threads); the database server's is not in it.
        "cpu_seconds": round(cpu, 2),
        "cpu_s_per_100k": round(cpu / max(result.total, 1) * 100_000, 2),
        "reimport_dry_run_skipped": again.skipped,
        "reimport_dry_run_seconds": round(time.perf_counter() - again_t0, 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def run_child(phase: str, db_url: str, file: Path) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, __file__, "--phase", phase, "--pg", db_url, "--file", str(file)],
        env=env_for(db_url),
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode != 0:
        raise SystemExit(f"{phase} failed:\n{out.stdout[-3000:]}\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--xlsx-rows", type=int, default=1_000_000)
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432/bench_hotline")
    parser.add_argument("--phase", default="main")
    parser.add_argument("--file", default="")
    args = parser.parse_args()
    if args.phase != "main":
        print(json.dumps(child(args.phase, Path(args.file))))
        return
    from _util import write_result

    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        csv_path, xlsx_path = Path(tmp) / "hotline.csv", Path(tmp) / "hotline.xlsx"
        t0 = time.perf_counter()
        generate_csv(csv_path, args.rows)
        generate_xlsx(xlsx_path, args.xlsx_rows)
        took = time.perf_counter() - t0
        print(f"generated {args.rows} CSV rows and {args.xlsx_rows} xlsx rows in {took:.1f} s")
        for label, path in (("csv", csv_path), ("xlsx", xlsx_path)):
            read = run_child("read", args.pg, path)
            recreate_database(args.pg)
            imported = run_child("import", args.pg, path)
            imported["read_only_seconds"] = read["seconds"]
            imported["ratio_import_to_read"] = round(imported["seconds"] / read["seconds"], 2)
            results[label] = imported
            print(
                f"{label}: {imported['written']} tickets in {imported['seconds']} s = "
                f"{imported['tickets_per_s']} tickets/s, {imported['cpu_s_per_100k']} CPU s per 100k "
                f"(reading alone {read['seconds']} s, "
                f"ratio {imported['ratio_import_to_read']}), peak {imported['peak_rss_mb']} MB; "
                f"re-import (dry run) skipped {imported['reimport_dry_run_skipped']} in "
                f"{imported['reimport_dry_run_seconds']} s"
            )
    figures = {
        f"{label}_{key}": results[label][key]
        for label in ("csv", "xlsx")
        for key in ("tickets_per_s", "seconds", "written", "peak_rss_mb", "cpu_s_per_100k")
    }
    reference = {
        f"{label}_read_only_seconds": results[label]["read_only_seconds"] for label in ("csv", "xlsx")
    }
    targets = {"csv_tickets_per_s": TARGET, "xlsx_tickets_per_s": TARGET}
    write_result(
        "import_hotline",
        figures=figures,
        reference=reference,
        targets=targets,
        meets_target={key: figures[key] >= TARGET for key in targets},
        runs={label: results[label] for label in ("csv", "xlsx")},
        note="reference: reading the same file alone, without validating or writing",
    )
    out = ROOT / "bench" / "results" / "import_hotline.json"
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
