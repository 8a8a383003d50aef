"""Import of a 100,000-row party-member roster (quanyu import members) on SQLite and PostgreSQL.

For each database: a fresh schema with a Zhifu-sized tree (12 streets, 150 communities, one
branch each), then ``members_import`` of the generated xlsx in a subprocess of its own, so that the
peak memory (ru_maxrss) is the import's. In the same run, openpyxl alone reads the same file
(read-only mode, ``iter_rows(values_only=True)``), also in its own subprocess: the ratio
import/read is our overhead over reading the file. Targets: ratio ≤ 2, peak < 500 MB. The import
reads sheets of this size with calamine (``core.spreadsheets.CALAMINE_MAX_XML``), so calamine's
own read time is printed too: the import's time beyond it is validation, hashing, encryption and
writing.

    .venv/bin/python bench/import_members.py [--rows 100000] [--skip-postgres]
        [--pg postgres://postgres@127.0.0.1:5432/bench_people]

Writes bench/results/import_members.json.
"""

from __future__ import annotations

import argparse
import base64
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

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

STREETS, COMMUNITIES = 12, 150
PII_KEY = base64.urlsafe_b64encode(b"bench/import_members/32-byte-key").decode()
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡"
    "余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯"
    "龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志红玉兰文斌海燕鹏飞晓东春梅丹宇浩然子涵思远"
)
CATEGORIES = ["社区党员", "在职党员", "离退休党员", "流动党员", "企业党员"]
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def community_name(i: int) -> str:
    return f"基准社区{i + 1:03d}"


def branch_name(i: int) -> str:
    return f"基准社区{i + 1:03d}第一党支部"


def valid_id(n: int) -> str:
    """The n-th of many distinct valid ID numbers: region × birth date × sequence."""
    region = 370602 + (n % 7)
    n //= 7
    day = n % 28 + 1
    n //= 28
    month = n % 12 + 1
    n //= 12
    seq = n % 999 + 1
    year = 1950 + (n // 999) % 50
    first17 = f"{region}{year:04d}{month:02d}{day:02d}{seq:03d}"
    total = sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True))
    return first17 + "10X98765432"[total % 11]


def address(rng: random.Random) -> str:
    floor, door = rng.randrange(1, 30), rng.randrange(1, 5)
    return f"{rng.randrange(1, 30)}号楼{rng.randrange(1, 5)}单元{floor}0{door}室"


def generate(path: Path, rows: int) -> None:
    from openpyxl import Workbook

    rng = random.Random(20240701)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("党员名册")
    sheet.append(
        [
            "姓名",
            "性别",
            "身份证号",
            "手机号",
            "所在党组织",
            "党员类别",
            "入党日期",
            "党员状态",
            "工作单位",
            "居住社区",
            "住址",
        ]
    )
    for n in range(rows):
        number = valid_id(n)
        c = rng.randrange(COMMUNITIES)
        born_year = int(number[6:10])
        sheet.append(
            [
                rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.6 else ""),
                "男" if int(number[16]) % 2 else "女",
                number,
                f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}",
                branch_name(c),
                rng.choice(CATEGORIES),
                f"{born_year + 25}-{rng.randrange(1, 13):02d}-01",
                "正式党员" if rng.random() < 0.95 else "预备党员",
                f"单位{rng.randrange(500)}",
                community_name(c),
                address(rng),
            ]
        )
    workbook.save(path)


def child_env(db_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=db_url,
        DJANGO_SETTINGS_MODULE="quanyu.settings",
        QUANYU_PII_KEY=PII_KEY,
        SECRET_KEY="bench-import-members-secret",
        PYTHONPATH=str(ROOT / "src"),
    )
    return env


def run_child(phase: str, db_url: str, file: Path) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, __file__, "--phase", phase, "--db", db_url, "--file", str(file)],
        env=child_env(db_url),
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode != 0:
        raise SystemExit(f"{phase} failed:\n{out.stdout}\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_seconds() -> float:
    """This process's CPU time (user + system): steadier than wall time on a busy machine."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def phase_read(file: Path) -> dict[str, Any]:
    from openpyxl import load_workbook

    t0, c0 = time.perf_counter(), cpu_seconds()
    workbook = load_workbook(file, read_only=True, data_only=True)
    rows = sum(1 for _ in workbook.worksheets[0].iter_rows(values_only=True)) - 1
    workbook.close()
    return {
        "rows": rows,
        "seconds": time.perf_counter() - t0,
        "cpu_seconds": cpu_seconds() - c0,
        "peak_mib": peak_mib(),
    }


def phase_read_calamine(file: Path) -> dict[str, Any]:
    """The reader the import itself uses for a file this size (quanyu.core.spreadsheets)."""
    from python_calamine import CalamineWorkbook

    t0, c0 = time.perf_counter(), cpu_seconds()
    workbook = CalamineWorkbook.from_path(str(file))
    rows = sum(1 for _ in workbook.get_sheet_by_index(0).iter_rows()) - 1
    workbook.close()
    return {
        "rows": rows,
        "seconds": time.perf_counter() - t0,
        "cpu_seconds": cpu_seconds() - c0,
        "peak_mib": peak_mib(),
    }


def phase_setup() -> dict[str, Any]:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from quanyu.accounts.models import RoleGrant, User
    from quanyu.areas.models import Area, AreaKind
    from quanyu.core.roles import Role
    from quanyu.orgs.models import OrgKind, PartyOrg

    city = Area.objects.add_root(create_kwargs={"kind": AreaKind.CITY, "name": "基准市"})
    district = Area.objects.add_child(city, create_kwargs={"kind": AreaKind.DISTRICT, "name": "基准区"})
    committee = PartyOrg.objects.add_root(
        create_kwargs={"kind": OrgKind.COMMITTEE, "name": "基准区委", "area": district}
    )
    for s in range(STREETS):
        street = Area.objects.add_child(
            Area.objects.get(pk=district.pk),
            create_kwargs={"kind": AreaKind.STREET, "name": f"基准街道{s + 1}"},
        )
        for c in range(s, COMMUNITIES, STREETS):
            community = Area.objects.add_child(
                Area.objects.get(pk=street.pk),
                create_kwargs={"kind": AreaKind.COMMUNITY, "name": community_name(c)},
            )
            PartyOrg.objects.add_child(
                PartyOrg.objects.get(pk=committee.pk),
                create_kwargs={"kind": OrgKind.BRANCH, "name": branch_name(c), "area": community},
            )
    user = User.objects.create_user(username="bench_admin", password="bench-pass-123456")
    RoleGrant.objects.create(user=user, role=Role.ADMIN, area=district)
    return {"communities": Area.objects.filter(kind=AreaKind.COMMUNITY).count()}


def phase_import(file: Path) -> dict[str, Any]:
    import django

    django.setup()
    from quanyu.accounts.models import User
    from quanyu.people.models import PartyMember
    from quanyu.people.services import members_import

    actor = User.objects.get(username="bench_admin")
    done = [0]
    t0, c0 = time.perf_counter(), cpu_seconds()
    result = members_import(actor=actor, source=file, progress=lambda n: done.__setitem__(0, done[0] + n))
    seconds = time.perf_counter() - t0
    cpu = cpu_seconds() - c0
    assert not result.errors, result.errors[:5]
    return {
        "rows": result.total,
        "written": result.written,
        "in_database": PartyMember.objects.count(),
        "progress_rows": done[0],
        "seconds": seconds,
        "cpu_seconds": cpu,
        "rows_per_s": result.written / seconds,
        "peak_mib": peak_mib(),
    }


def fresh_postgres(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--skip-postgres", action="store_true")
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432/bench_people")
    parser.add_argument("--phase", choices=["read", "read_calamine", "setup", "import"])
    parser.add_argument("--db")
    parser.add_argument("--file")
    args = parser.parse_args()
    if args.phase:
        file = Path(args.file)
        result = {
            "read": lambda: phase_read(file),
            "read_calamine": lambda: phase_read_calamine(file),
            "setup": phase_setup,
            "import": lambda: phase_import(file),
        }[args.phase]()
        print(json.dumps(result))
        return

    from _util import write_result

    work = Path(tempfile.mkdtemp(prefix="bench_people_"))
    roster = work / "members.xlsx"
    t0 = time.perf_counter()
    generate(roster, args.rows)
    size = roster.stat().st_size / 2**20
    print(f"generated {args.rows} rows in {time.perf_counter() - t0:.1f}s ({size:.1f} MiB)")
    reads = [run_child("read", "sqlite://", roster) for _ in range(3)]
    read = min(reads, key=lambda r: r["seconds"])
    read_cpu = min(r["cpu_seconds"] for r in reads)
    print(
        f"openpyxl read-only alone: {read['seconds']:.2f}s wall, {read_cpu:.2f}s CPU, "
        f"peak {read['peak_mib']:.0f} MiB (best of 3)"
    )

    fast = min(
        (run_child("read_calamine", "sqlite://", roster) for _ in range(3)), key=lambda r: r["seconds"]
    )
    print(
        f"calamine alone (the reader the import uses): {fast['seconds']:.2f}s wall, "
        f"peak {fast['peak_mib']:.0f} MiB (best of 3)"
    )

    databases = {"sqlite": f"sqlite:///{work / 'bench.sqlite3'}"}
    if not args.skip_postgres:
        fresh_postgres(args.pg)
        databases["postgresql"] = args.pg
    results: dict[str, Any] = {}
    for name, url in databases.items():
        run_child("setup", url, roster)
        imported = run_child("import", url, roster)
        imported["ratio_to_openpyxl_read"] = imported["seconds"] / read["seconds"]
        # The importing process's own CPU time (PostgreSQL's server work is not in it).
        imported["cpu_ratio_to_openpyxl_read"] = imported["cpu_seconds"] / read_cpu
        # What the import adds over the reader it uses: validation, hashing, encryption, writing.
        imported["seconds_beyond_calamine_read"] = imported["seconds"] - fast["seconds"]
        results[name] = imported
        print(
            f"{name:>10}: {imported['written']} rows in {imported['seconds']:.2f}s = "
            f"{imported['rows_per_s']:.0f} rows/s, peak {imported['peak_mib']:.0f} MiB, "
            f"ratio to openpyxl read {imported['ratio_to_openpyxl_read']:.2f}x wall, "
            f"{imported['cpu_ratio_to_openpyxl_read']:.2f}x CPU"
        )
    figures = {
        f"{name}_{key}": round(results[name][key], 3)
        for name in results
        for key in ("ratio_to_openpyxl_read", "peak_mib", "rows_per_s", "seconds")
    }
    targets = {f"{name}_ratio_to_openpyxl_read": 2.0 for name in results}
    targets |= {f"{name}_peak_mib": 500 for name in results}
    write_result(
        "import_members",
        figures=figures,
        reference={
            "openpyxl_read": read,
            "openpyxl_read_runs_s": [r["seconds"] for r in reads],
            "calamine_read": fast,
        },
        targets=targets,
        meets_target={key: figures[key] <= limit for key, limit in targets.items()},
        rows=args.rows,
        file_mib=round(roster.stat().st_size / 2**20, 2),
        imports=results,
        note="targets are maxima: the import at most 2x openpyxl's read of the same file, peak under 500 MiB",
    )
    out = ROOT / "bench" / "results" / "import_members.json"
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
