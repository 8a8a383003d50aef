"""The xlsx export of service records in the fields the national volunteer information system
(全国志愿服务信息系统) takes in: masked by default; the ID number and phone in clear only for a
role that may see personal data, asked for with a reason. Either way one audit entry records it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from quanyu.core.audit import audit_record
from quanyu.core.permissions import has_role
from quanyu.core.pii import mask_id_number, mask_name, mask_phone
from quanyu.core.roles import PII_REVEALERS
from quanyu.core.spreadsheets import Column, Target, write_rows
from quanyu.volunteering.models import Signup

NATIONAL_COLUMNS: list[Column] = [
    Column("name", "姓名"),
    Column("id_type", "证件类型"),
    Column("id_number", "证件号码", width=22),
    Column("phone", "手机号码", width=14),
    Column("volunteer_number", "志愿者编号", width=16),
    Column("team", "志愿队伍名称", width=24),
    Column("organisation", "记录单位", width=24),
    Column("project", "项目名称", width=20),
    Column("activity", "活动名称", width=20),
    Column("address", "服务地点", width=24),
    Column("date", "服务日期", width=12),
    Column("start", "开始时间", width=18),
    Column("end", "结束时间", width=18),
    Column("hours", "服务时长（小时）", width=10),
]


def _rows(signups: QuerySet[Signup], unmasked: bool) -> Iterator[dict[str, Any]]:
    qs = signups.select_related("volunteer", "activity__project__team")
    for s in qs.iterator(chunk_size=2000):
        v, a = s.volunteer, s.activity
        yield {
            "name": v.name if unmasked else mask_name(v.name),
            "id_type": "居民身份证" if v.id_number else "",
            "id_number": v.id_number if unmasked else mask_id_number(v.id_number),
            "phone": v.phone if unmasked else mask_phone(v.phone),
            "volunteer_number": v.number,
            "team": a.project.team.name,
            "organisation": a.project.team.organisation,
            "project": a.project.name,
            "activity": a.title,
            "address": a.address,
            "date": timezone.localtime(a.starts_at).date(),
            "start": s.checked_in_at,
            "end": s.checked_out_at,
            "hours": round((s.minutes or 0) / 60, 2),
        }


def hours_export(
    *, actor: Any, signups: QuerySet[Signup], target: Target, unmasked: bool = False, reason: str = ""
) -> int:
    """Write ``signups`` (already scoped by a selector: the approved records to report)."""
    reason = (reason or "").strip()
    if unmasked:
        if not has_role(actor, PII_REVEALERS):
            raise PermissionDenied(_("您无权导出明文个人信息"))
        if not reason:
            raise ValidationError({"reason": [_("明文导出请填写事由")]})
    count = write_rows(target, NATIONAL_COLUMNS, _rows(signups, unmasked), title="志愿服务记录")
    audit_record(
        actor=actor,
        action="export_unmasked" if unmasked else "export",
        target_type="volunteering.signup",
        fields="name,id_number,phone" if unmasked else "",
        reason=reason,
        detail={"rows": count},
    )
    return count


TEAM_EXPORT_COLUMNS: list[Column] = [
    Column("name", "队伍名称", width=24),
    Column("kind", "类型"),
    Column("community", "所在社区"),
    Column("organisation", "组织单位", width=20),
    Column("responsible_person", "负责人"),
    Column("contact_phone", "联系电话", width=14),
    Column("skills", "服务特长"),
    Column("publish_contact", "公开联系电话", width=12),
    Column("members", "队员人数"),
]
VOLUNTEER_EXPORT_COLUMNS: list[Column] = [
    Column("number", "志愿者编号", width=16),
    Column("name", "姓名"),
    Column("phone", "手机号", width=14),
    Column("community", "所在社区"),
    Column("skills", "服务特长"),
    Column("no_shows", "缺席次数"),
]


def teams_export(*, actor: Any, teams: QuerySet[Any], target: Target) -> int:
    """The teams list (already scoped by a selector), contact phones masked; the columns the
    import takes (``TEAM_COLUMNS``, 公开联系电话 as 是/否) and the member count."""
    rows = (
        {
            "name": t.name,
            "kind": t.get_kind_display(),
            "community": t.community.name,
            "organisation": t.organisation,
            "responsible_person": t.responsible_person,
            "contact_phone": mask_phone(t.contact_phone),  # in full only by an audited reveal
            "skills": t.skills,
            "publish_contact": _("是") if t.publish_contact else _("否"),
            "members": getattr(t, "member_count", ""),
        }
        for t in teams.iterator(chunk_size=2000)
    )
    count = write_rows(target, TEAM_EXPORT_COLUMNS, rows, title="志愿服务队")
    audit_record(actor=actor, action="export", target_type="volunteering.team", detail={"rows": count})
    return count


def volunteers_export(*, actor: Any, volunteers: QuerySet[Any], target: Target) -> int:
    """The volunteers list (already scoped by a selector), names and phones masked."""
    rows = (
        {
            "number": v.number,
            "name": mask_name(v.name),
            "phone": mask_phone(v.phone),
            "community": v.community.name,
            "skills": v.skills,
            "no_shows": v.no_shows,
        }
        for v in volunteers.defer(None).iterator(chunk_size=2000)  # the phone is read (masked)
    )
    count = write_rows(target, VOLUNTEER_EXPORT_COLUMNS, rows, title="志愿者")
    audit_record(actor=actor, action="export", target_type="volunteering.volunteer", detail={"rows": count})
    return count
