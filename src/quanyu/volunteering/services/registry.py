"""Teams, volunteers, projects and activities: the register the sign-ups hang on."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from quanyu.areas.models import Area, AreaKind
from quanyu.core.audit import audit_record
from quanyu.core.idnumber import validate_id_number, validate_mobile
from quanyu.core.permissions import can_reveal_pii
from quanyu.core.pii import pii_hash
from quanyu.people.models import PartyMember
from quanyu.venues.models import Room
from quanyu.volunteering import access, events
from quanyu.volunteering.models import Activity, Project, ProjectKind, Team, TeamKind, TeamMember, Volunteer
from quanyu.volunteering.services.rooms import book_room, place_from_room


def _text(value: Any, field: str, label: str, *, max_length: int, required: bool = True) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise ValidationError({field: [_("请填写%(label)s") % {"label": label}]})
    if len(text) > max_length:
        raise ValidationError({field: [_("%(label)s不能超过%(n)d个字") % {"label": label, "n": max_length}]})
    return text


def _community(area: Area) -> Area:
    if area.kind != AreaKind.COMMUNITY:
        raise ValidationError({"community": [_("请选择社区")]})
    return area


def team_create(
    *,
    actor: Any,
    name: str,
    kind: str,
    community: Area,
    organisation: str,
    leader: Any = None,
    responsible_person: str = "",
    contact_phone: str = "",
    skills: str = "",
    publish_contact: bool = False,
) -> Team:
    name = _text(name, "name", _("队伍名称"), max_length=100)
    if kind not in TeamKind.values:
        raise ValidationError({"kind": [_("队伍类型无效")]})
    organisation = _text(organisation, "organisation", _("组织单位"), max_length=100)
    phone = _text(contact_phone, "contact_phone", _("联系电话"), max_length=30, required=False)
    if "*" in phone:
        # A masked number (an export's 139****5678) read back in would replace the real one.
        raise ValidationError({"contact_phone": [_("联系电话不能是打码后的号码（含 *），请填写完整号码")]})
    community = _community(community)
    access.require_staff(actor, community.path)
    return Team.objects.create(
        name=name,
        kind=kind,
        community=community,
        scope_path=community.path,
        organisation=organisation,
        leader=leader,
        responsible_person=_text(
            responsible_person, "responsible_person", _("负责人"), max_length=50, required=False
        ),
        contact_phone=phone,
        skills=_text(skills, "skills", _("服务特长"), max_length=200, required=False),
        publish_contact=bool(publish_contact),
    )


def team_contact_reveal(*, actor: Any, team: Team, reason: str, request: Any = None) -> str:
    """A team's contact phone in full, for a role that may reveal personal data at the team's
    community (as a person's phone is revealed), with a reason; one audit entry."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("请填写查看事由")]})
    if not can_reveal_pii(actor, at_path=team.scope_path):
        raise PermissionDenied(_("您无权查看明文个人信息"))
    audit_record(
        actor=actor, action="reveal", target=team, fields="contact_phone", reason=reason, request=request
    )
    return team.contact_phone


@dataclass
class VolunteerInput:
    name: str
    id_number: str = ""
    phone: str = ""
    skills: str = ""


def _clean_volunteer(data: VolunteerInput) -> dict[str, Any]:
    name = _text(data.name, "name", _("姓名"), max_length=50)
    number = ""
    if str(data.id_number or "").strip():
        try:
            number = validate_id_number(str(data.id_number))
        except ValidationError as exc:
            raise ValidationError({"id_number": exc.messages}) from None
    phone = ""
    if str(data.phone or "").strip():
        try:
            phone = validate_mobile(str(data.phone))
        except ValidationError as exc:
            raise ValidationError({"phone": exc.messages}) from None
    return {
        "name": name,
        "id_number": number,
        "id_hash": pii_hash("id", number) if number else "",
        "phone": phone,
        "phone_hash": pii_hash("phone", phone) if phone else "",
        "skills": _text(data.skills, "skills", _("服务特长"), max_length=200, required=False),
    }


def new_volunteer_number() -> str:
    return "V" + secrets.token_hex(6).upper()


def volunteer_register(
    *,
    actor: Any,
    person: VolunteerInput,
    community: Area,
    user: Any = None,
    member: PartyMember | None = None,
) -> Volunteer:
    """A volunteer entered by staff of the community, or by a user for themself (``user`` = actor)."""
    fields = _clean_volunteer(person)
    community = _community(community)
    own = (
        user is not None
        and getattr(actor, "pk", None) == user.pk
        and getattr(actor, "is_authenticated", False)
    )
    if not own:
        access.require_staff(actor, community.path)
    if member is None and user is not None:
        # A party member's account volunteers as that member: approved hours earn points.
        member = PartyMember.objects.filter(user=user).first()
    if user is not None and Volunteer.objects.filter(user=user).exists():
        raise ValidationError({"user": [_("该账号已注册为志愿者")]})
    if fields["id_hash"] and Volunteer.objects.filter(id_hash=fields["id_hash"]).exists():
        raise ValidationError({"id_number": [_("该身份证号已注册为志愿者")]})
    with transaction.atomic():
        try:
            volunteer = Volunteer.objects.create(
                **fields,
                number=new_volunteer_number(),
                community=community,
                scope_path=community.path,
                user=user,
                member=member,
            )
        except IntegrityError:
            raise ValidationError({"user": [_("该账号已注册为志愿者")]}) from None
        events.volunteer_registered_event(volunteer=volunteer, actor=actor)
    return volunteer


def team_add_member(
    *, actor: Any, team: Team, volunteer: Volunteer, joined_on: dt.date | None = None
) -> TeamMember:
    access.require_organiser(actor, team)
    if TeamMember.objects.filter(team=team, volunteer=volunteer).exists():
        raise ValidationError({"volunteer": [_("该志愿者已是队员")]})
    with transaction.atomic():
        row = TeamMember.objects.create(
            team=team, volunteer=volunteer, joined_on=joined_on or timezone.localdate()
        )
        events.volunteer_joined_event(volunteer=volunteer, actor=actor, team=team.pk)
    return row


def project_create(
    *, actor: Any, team: Team, name: str, kind: str = ProjectKind.OTHER, description: str = ""
) -> Project:
    name = _text(name, "name", _("项目名称"), max_length=100)
    if kind not in ProjectKind.values:
        raise ValidationError({"kind": [_("项目类型无效")]})
    access.require_organiser(actor, team)
    return Project.objects.create(
        team=team, name=name, kind=kind, description=str(description or "")[:2000], scope_path=team.scope_path
    )


def _point(value: Any, field: str, low: float, high: float) -> float | None:
    if value in (None, ""):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValidationError({field: [_("坐标格式不正确")]}) from None
    if not low <= number <= high:
        raise ValidationError({field: [_("坐标超出范围")]})
    return number


def activity_create(
    *,
    actor: Any,
    project: Project,
    title: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    address: str,
    capacity: int,
    signup_opens: dt.datetime | None = None,
    signup_closes: dt.datetime | None = None,
    latitude: Any = None,
    longitude: Any = None,
    skills: str = "",
    room: Room | None = None,
) -> Activity:
    """An activity of the project; with ``room``, the room is booked for it in the same
    transaction (``rooms.book_room``: a taken slot is a 409 and no activity is written) and the
    venue gives its address and point."""
    title = _text(title, "title", _("活动名称"), max_length=100)
    if room is not None:
        place = place_from_room(room)
        address, latitude, longitude = place["address"], place["latitude"], place["longitude"]
    address = _text(address, "address", _("地点"), max_length=200)
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": [_("结束时间须晚于开始时间")]})
    if ends_at - starts_at > dt.timedelta(hours=24):
        raise ValidationError({"ends_at": [_("一次活动不能超过24小时")]})
    if not isinstance(capacity, int) or capacity < 1 or capacity > 10000:
        raise ValidationError({"capacity": [_("名额须为1至10000之间的整数")]})
    opens = signup_opens or timezone.now()
    closes = signup_closes or starts_at
    if closes <= opens:
        raise ValidationError({"signup_closes": [_("报名截止时间须晚于报名开始时间")]})
    if closes > ends_at:
        raise ValidationError({"signup_closes": [_("报名截止时间不能晚于活动结束时间")]})
    lat = _point(latitude, "latitude", -90, 90)
    lng = _point(longitude, "longitude", -180, 180)
    access.require_organiser(actor, project.team)
    with transaction.atomic():
        activity = Activity.objects.create(
            project=project,
            title=title,
            starts_at=starts_at,
            ends_at=ends_at,
            address=address,
            latitude=lat,
            longitude=lng,
            room=room,
            capacity=capacity,
            skills=_text(skills, "skills", _("所需技能"), max_length=200, required=False),
            signup_opens=opens,
            signup_closes=closes,
            scope_path=project.scope_path,
        )
        if room is not None:
            activity.booking = book_room(actor=actor, activity=activity, room=room)
            activity.save(update_fields=["booking"])
    return activity


def activity_repeat(*, actor: Any, activity: Activity, every_days: int, times: int) -> list[Activity]:
    """Copies of ``activity`` every ``every_days`` days, ``times`` of them (a recurring project)."""
    if not 1 <= every_days <= 366:
        raise ValidationError({"every_days": [_("间隔天数须在1至366之间")]})
    if not 1 <= times <= 60:
        raise ValidationError({"times": [_("重复次数须在1至60之间")]})
    if not access.is_organiser(actor, activity.project.team):
        raise PermissionDenied(_("只有该志愿服务队的负责人或社区工作人员可以操作"))
    made = []
    with transaction.atomic():
        for n in range(1, times + 1):
            shift = dt.timedelta(days=every_days * n)
            made.append(
                copy := Activity.objects.create(
                    project=activity.project,
                    title=activity.title,
                    starts_at=activity.starts_at + shift,
                    ends_at=activity.ends_at + shift,
                    address=activity.address,
                    latitude=activity.latitude,
                    longitude=activity.longitude,
                    capacity=activity.capacity,
                    skills=activity.skills,
                    signup_opens=activity.signup_opens + shift,
                    signup_closes=activity.signup_closes + shift,
                    scope_path=activity.scope_path,
                    room=activity.room,
                )
            )
            if copy.room is not None:  # each date books the room; one taken date refuses them all
                copy.booking = book_room(actor=actor, activity=copy, room=copy.room)
                copy.save(update_fields=["booking"])
    return made
