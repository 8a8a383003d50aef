"""Test helpers for the people domain: valid ID numbers, branches, members, roster files."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.test import Client
from openpyxl import Workbook

from quanyu.core.idnumber import id_check_digit
from quanyu.orgs.models import OrgKind, PartyOrg
from quanyu.people.models import PartyMember
from quanyu.people.services import PersonInput, member_create
from quanyu.people.services.imports import MEMBER_COLUMNS

MEMBER_HEADERS = [c.header for c in MEMBER_COLUMNS]
HUGE = "9" * 25  # an integer parameter past every database's range


def logged_in(user: Any) -> Client:
    """A test client logged in as ``user``."""
    client = Client()
    client.force_login(user)
    return client


def make_id(seq: int, *, born: str = "19800101", region: str = "370602", male: bool = True) -> str:
    """A valid 18-character ID number; ``seq`` (0–499) picks the sequence code."""
    order = (seq % 500) * 2 + (1 if male else 0)
    first17 = f"{region}{born}{order:03d}"
    return first17 + id_check_digit(first17)


def phone(seq: int) -> str:
    return f"139{seq:08d}"


def make_branches(city: Any) -> dict[str, PartyOrg]:
    """One branch (党支部) under each community committee, named '<community>第一党支部'."""
    branches = {}
    for community in city.communities:
        parent = PartyOrg.objects.get(pk=city.orgs[community.name].pk)
        branches[community.name] = PartyOrg.objects.add_child(
            parent,
            create_kwargs={
                "kind": OrgKind.BRANCH,
                "name": f"{community.name}第一党支部",
                "area": community,
                "code": f"B{community.code}",
            },
        )
    return branches


def add_member(
    city: Any, branches: dict[str, PartyOrg], seq: int, *, community: int = 0, **extra: Any
) -> PartyMember:
    comm = city.communities[community]
    return member_create(
        actor=city.users["district_admin"],
        person=PersonInput(name=extra.pop("name", f"党员{seq}"), id_number=make_id(seq), phone=phone(seq)),
        branch=extra.pop("branch", branches[comm.name]),
        category=extra.pop("category", "在职党员"),
        community=comm,
        joined_on=extra.pop("joined_on", dt.date(2010, 7, 1)),
        **extra,
    )


def write_roster(path: Path, rows: list[list[Any]], headers: list[str] | None = None) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(headers or MEMBER_HEADERS)
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def roster_row(seq: int, community: str, branch: str, **over: Any) -> list[Any]:
    row = {
        "姓名": f"导入{seq}",
        "性别": "男",
        "身份证号": make_id(seq),
        "手机号": phone(seq),
        "所在党组织": branch,
        "党员类别": "在职党员",
        "入党日期": "2012-07-01",
        "党员状态": "正式党员",
        "工作单位": "区城管局",
        "居住社区": community,
        "住址": "1号楼2单元301",
    }
    row.update(over)
    return [row[h] for h in MEMBER_HEADERS]
