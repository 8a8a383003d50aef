"""xlsx (or CSV) import of volunteer teams and volunteers, with the headers of the templates
below. All or nothing: every row is checked first; one bad row writes nothing and the errors
name the row and the column. A team's 公开联系电话 (``Team.publish_contact``: the certificates
print its contact phone in full) is a yes-or-no column (``core.spreadsheets.yes_no``), 否 when
left empty or absent, as in older sheets. Each row goes through the same service as a form would, so every
volunteer gets its registration event."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from quanyu.areas.models import Area, AreaKind
from quanyu.core.spreadsheets import Column, RowError, read_rows, yes_no
from quanyu.volunteering import access
from quanyu.volunteering.models import Team, TeamKind
from quanyu.volunteering.services.registry import (
    VolunteerInput,
    team_add_member,
    team_create,
    volunteer_register,
)

TEAM_COLUMNS: list[Column] = [
    Column("name", "队伍名称", required=True, example="幸福社区党员志愿服务队", width=24),
    Column("kind", "类型", required=True, example="党员志愿服务队", help="党员/单位/居民队或社会组织"),
    Column("community", "所在社区", required=True, example="幸福社区"),
    Column("organisation", "组织单位", required=True, example="幸福社区党委", width=20),
    Column("responsible_person", "负责人", example="王主任"),
    Column("contact_phone", "联系电话", example="0535-6000000"),
    Column("skills", "服务特长", example="作业辅导"),
    Column(
        "publish_contact",
        "公开联系电话",
        example="否",
        help="是或否（也可填 true/false、1/0）；不填为否。填“是”时志愿服务记录证明上印出完整的联系电话",
        width=12,
    ),
]
PUBLISH_HEADER = TEAM_COLUMNS[-1].header
VOLUNTEER_COLUMNS: list[Column] = [
    Column("name", "姓名", required=True, example="张三"),
    Column("id_number", "身份证号", example="", width=22),
    Column("phone", "手机号", example="13900000000", width=14),
    Column("community", "所在社区", required=True, example="幸福社区"),
    Column("team", "所属队伍", example="幸福社区党员志愿服务队", width=24),
    Column("skills", "服务特长", example="理发"),
]
KIND_BY_LABEL = {str(label): value for value, label in TeamKind.choices} | {v: v for v in TeamKind.values}


@dataclass
class ImportResult:
    created: int = 0
    errors: list[RowError] = field(default_factory=list)


def _communities() -> dict[str, Area]:
    found: dict[str, Area] = {}
    for area in Area.objects.filter(kind=AreaKind.COMMUNITY):
        found[area.name] = area
        if area.code:
            found[area.code] = area
    return found


def _message(exc: ValidationError) -> str:
    return "；".join(exc.messages)


def _row_errors(
    number: int, exc: ValidationError | PermissionDenied, columns: list[Column]
) -> list[RowError]:
    """A refused row's errors, each under the column of the field it names when it names one."""
    if isinstance(exc, PermissionDenied):
        return [RowError(number, "", str(exc))]
    if not hasattr(exc, "error_dict"):
        return [RowError(number, "", _message(exc))]
    headers = {c.key: c.header for c in columns}
    return [
        RowError(number, headers.get(field, ""), "；".join(ValidationError(errors).messages))
        for field, errors in exc.error_dict.items()
    ]


def teams_import(*, actor: Any, source: str | Path | IO[bytes]) -> ImportResult:
    communities = _communities()
    rows = list(read_rows(source, TEAM_COLUMNS))
    result = ImportResult()
    with transaction.atomic():
        for number, row in rows:
            community = communities.get(str(row["community"]).strip())
            if community is None:
                result.errors.append(RowError(number, "所在社区", _("没有这个社区")))
                continue
            kind = KIND_BY_LABEL.get(str(row["kind"]).strip())
            if kind is None:
                result.errors.append(RowError(number, "类型", _("队伍类型无效")))
                continue
            try:
                publish = yes_no(row["publish_contact"], default=False)
            except ValueError as exc:
                result.errors.append(RowError(number, PUBLISH_HEADER, str(exc)))
                continue
            try:
                with transaction.atomic():
                    team_create(
                        actor=actor,
                        name=row["name"],
                        kind=kind,
                        community=community,
                        organisation=row["organisation"],
                        responsible_person=row["responsible_person"],
                        contact_phone=row["contact_phone"],
                        skills=row["skills"],
                        publish_contact=publish,
                    )
                result.created += 1
            except (ValidationError, PermissionDenied) as exc:
                result.errors.extend(_row_errors(number, exc, TEAM_COLUMNS))
        if result.errors:
            transaction.set_rollback(True)
            result.created = 0
    return result


def volunteers_import(*, actor: Any, source: str | Path | IO[bytes]) -> ImportResult:
    communities = _communities()
    rows = list(read_rows(source, VOLUNTEER_COLUMNS))
    teams = {t.name: t for t in Team.objects.filter(name__in={str(r["team"]).strip() for _n, r in rows})}
    result = ImportResult()
    with transaction.atomic():
        for number, row in rows:
            community = communities.get(str(row["community"]).strip())
            if community is None:
                result.errors.append(RowError(number, "所在社区", _("没有这个社区")))
                continue
            team = teams.get(str(row["team"]).strip()) if str(row["team"]).strip() else None
            if str(row["team"]).strip() and (team is None or not access.is_organiser(actor, team)):
                result.errors.append(RowError(number, "所属队伍", _("没有这个队伍，或您无权管理")))
                continue
            try:
                with transaction.atomic():
                    volunteer = volunteer_register(
                        actor=actor,
                        person=VolunteerInput(
                            name=row["name"],
                            id_number=row["id_number"],
                            phone=row["phone"],
                            skills=row["skills"],
                        ),
                        community=community,
                    )
                    if team is not None:
                        team_add_member(actor=actor, team=team, volunteer=volunteer)
                result.created += 1
            except (ValidationError, PermissionDenied) as exc:
                result.errors.extend(_row_errors(number, exc, VOLUNTEER_COLUMNS))
        if result.errors:
            transaction.set_rollback(True)
            result.created = 0
    return result
