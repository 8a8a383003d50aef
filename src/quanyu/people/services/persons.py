"""Writes to the registers of residents and party members, and the personal-data services:
reveal (audited), export on request (audited), anonymise (retention)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from quanyu.accounts.erasure import account_anonymise
from quanyu.areas.models import Area, AreaKind
from quanyu.core.audit import audit_record
from quanyu.core.pii import pii_hash
from quanyu.core.workflow import lock
from quanyu.orgs.models import PartyOrg, Unit
from quanyu.people import events
from quanyu.people.access import (
    EDITORS,
    REVEALERS,
    TAG_VIEWERS,
    has_role_at_any,
    member_paths,
    scoped_members,
)
from quanyu.people.erasure import (
    ANONYMISED_NAME,
    PersonGone,
    Scrub,
    erase_elsewhere,
    make_scrub,
    scrub_rows,
)
from quanyu.people.models import MemberHousehold, PartyMember, Resident
from quanyu.people.validation import (
    FieldError,
    clean_category,
    clean_gender,
    clean_id_number,
    clean_name,
    clean_phone,
    clean_status,
    clean_tags,
)

REVEALABLE = {"id_number": "身份证号", "phone": "手机号"}
MAX_HOUSEHOLDS = 10  # 党员中心户 1+10
P = TypeVar("P", PartyMember, Resident)


def _fail(exc: FieldError) -> ValidationError:
    return ValidationError({exc.field: [exc.message]})


def require_editor(actor: Any, *paths: str) -> None:
    for path in paths:
        if not has_role_at_any(actor, EDITORS, (path,)):
            raise PermissionDenied(_("您无权维护该区域的居民与党员"))


def person_paths(person: Resident | PartyMember) -> tuple[str, ...]:
    if isinstance(person, PartyMember):
        return member_paths(person)
    return (person.scope_path,)


@dataclass
class PersonInput:
    name: str
    id_number: str
    gender: str = ""
    phone: str = ""
    address: str = ""


def _clean_person(data: PersonInput) -> dict[str, Any]:
    try:
        number, born, gender_from_id = clean_id_number(data.id_number)
        return {
            "name": clean_name(data.name),
            "id_number": number,
            "id_hash": pii_hash("id", number),
            "birth_date": born,
            "gender": clean_gender(data.gender, from_id=gender_from_id),
            "phone": (phone := clean_phone(data.phone)),
            "phone_hash": pii_hash("phone", phone),
            "address": (data.address or "").strip()[:200],
        }
    except FieldError as exc:
        raise _fail(exc) from None


def _insert_unique(model: type[P], duplicate: ValidationError, **fields: Any) -> P:
    """INSERT one person; the id_hash unique constraint turns a duplicate ID number (also one
    written concurrently) into ``duplicate`` instead of an IntegrityError. Other integrity
    errors propagate."""
    try:
        with transaction.atomic():
            return model.objects.create(**fields)
    except IntegrityError:
        if fields.get("id_hash") and model.objects.filter(id_hash=fields["id_hash"]).exists():
            raise duplicate from None
        raise


def _community_of(area: Area) -> Area:
    if area.kind != AreaKind.COMMUNITY:
        raise ValidationError({"居住社区": [_("“%(n)s”不是社区") % {"n": area.name}]})
    return area


def member_create(
    *,
    actor: Any,
    person: PersonInput,
    branch: PartyOrg,
    category: str,
    community: Area,
    status: str = "",
    joined_on: dt.date | None = None,
    work_unit_name: str = "",
    resident: Resident | None = None,
) -> PartyMember:
    community = _community_of(community)
    require_editor(actor, branch.area.path, community.path)
    fields = _clean_person(person)
    try:
        category = clean_category(category)
        status = clean_status(status)
    except FieldError as exc:
        raise _fail(exc) from None
    duplicate = ValidationError({"身份证号": [_("该身份证号已在党员名册中")]})
    try:
        return _member_insert(
            actor,
            duplicate,
            fields=fields,
            branch=branch,
            category=category,
            status=status,
            joined_on=joined_on,
            community=community,
            work_unit_name=work_unit_name,
            resident=resident,
        )
    except ValidationError as exc:
        if exc is not duplicate:
            raise
        existing = PartyMember.objects.get(id_hash=fields["id_hash"])
        if scoped_members(PartyMember.objects.filter(pk=existing.pk), actor=actor).exists():
            raise  # the actor can see the member: "already in the register" tells nothing new
    # Elsewhere: saying so would tell the actor the person is a member somewhere they cannot see.
    # The attempt becomes a transfer request instead (组织关系转接), audited.
    from quanyu.people.services.transfers import TransferRequested, transfer_request

    raise TransferRequested(
        transfer_request(actor=actor, member=existing, branch=branch, community=community)
    )


def _member_insert(
    actor: Any,
    duplicate: ValidationError,
    *,
    fields: dict[str, Any],
    branch: PartyOrg,
    category: str,
    status: str,
    joined_on: dt.date | None,
    community: Area,
    work_unit_name: str,
    resident: Resident | None,
) -> PartyMember:
    with transaction.atomic():
        # The unique constraint on id_hash decides (no check-then-insert race).
        unit = Unit.objects.filter(name=work_unit_name).first() if work_unit_name else None
        member = _insert_unique(
            PartyMember,
            duplicate,
            **fields,
            branch=branch,
            branch_path=branch.area.path,
            category=category,
            status=status,
            joined_on=joined_on,
            community=community,
            scope_path=community.path,
            work_unit=unit,
            work_unit_name=work_unit_name[:150],
            resident=resident,
        )
        events.member_created_event(member=member, actor=actor)
        return member


MEMBER_EDITABLE = {
    "user",
    "phone",
    "address",
    "status",
    "category",
    "joined_on",
    "work_unit_name",
    "branch",
    "community",
}


def member_update(*, actor: Any, member: PartyMember, **changes: Any) -> PartyMember:
    unknown = set(changes) - MEMBER_EDITABLE
    if unknown:
        raise ValidationError(_("不能修改字段：%(f)s") % {"f": ", ".join(sorted(unknown))})
    with transaction.atomic():
        locked = lock(PartyMember.objects).get(pk=member.pk)
        require_editor(actor, *member_paths(locked))
        try:
            if "phone" in changes:
                locked.phone = clean_phone(changes["phone"])
                locked.phone_hash = pii_hash("phone", locked.phone)
            if "category" in changes:
                locked.category = clean_category(changes["category"])
            if "status" in changes:
                locked.status = clean_status(changes["status"])
        except FieldError as exc:
            raise _fail(exc) from None
        if "address" in changes:
            locked.address = str(changes["address"])[:200]
        if "joined_on" in changes:
            locked.joined_on = changes["joined_on"]
        if "work_unit_name" in changes:
            locked.work_unit_name = str(changes["work_unit_name"])[:150]
            locked.work_unit = Unit.objects.filter(name=locked.work_unit_name).first()
        if "branch" in changes:
            branch: PartyOrg = changes["branch"]
            require_editor(actor, branch.area.path)
            locked.branch, locked.branch_path = branch, branch.area.path
        if "community" in changes:
            community = _community_of(changes["community"])
            require_editor(actor, community.path)
            locked.community, locked.scope_path = community, community.path
        if "user" in changes:
            # The member's own log-in (我的党员服务); one account is one member.
            account = changes["user"]
            taken = account is not None and PartyMember.objects.filter(user=account).exclude(pk=locked.pk)
            if taken and taken.exists():
                raise ValidationError({"user": [_("该账号已关联其他党员")]})
            locked.user = account
        locked.save()
        # Field names only: the history never holds personal data.
        events.member_changed_event(member=locked, actor=actor, fields=sorted(changes))
        return locked


def resident_create(
    *,
    actor: Any,
    person: PersonInput,
    community: Area,
    building: Area | None = None,
    unit_no: str = "",
    room: str = "",
    household_key: str = "",
    tags: str = "",
) -> Resident:
    community = _community_of(community)
    require_editor(actor, community.path)
    if building is not None and (
        building.kind != AreaKind.BUILDING or not building.path.startswith(community.path)
    ):
        raise ValidationError({"楼栋": [_("楼栋不在该社区内")]})
    fields = _clean_person(person)
    try:
        tag_codes = clean_tags(tags)
    except FieldError as exc:
        raise _fail(exc) from None
    if tag_codes and not has_role_at_any(actor, TAG_VIEWERS, (community.path,)):
        raise PermissionDenied(_("您无权设置关爱标签"))
    duplicate = ValidationError({"身份证号": [_("该身份证号已在居民名册中")]})
    with transaction.atomic():
        resident = _insert_unique(
            Resident,
            duplicate,
            **fields,
            community=community,
            building=building,
            scope_path=(building or community).path,
            unit_no=unit_no[:20],
            room=room[:20],
            household_key=household_key[:64],
            tags=tag_codes,
        )
        audit_record(actor=actor, action="change", target=resident, detail={"op": "create"})
        return resident


def resident_set_tags(*, actor: Any, resident: Resident, tags: str) -> Resident:
    try:
        codes = clean_tags(tags)
    except FieldError as exc:
        raise _fail(exc) from None
    with transaction.atomic():
        locked = lock(Resident.objects).get(pk=resident.pk)
        if not has_role_at_any(actor, TAG_VIEWERS, (locked.scope_path,)):
            raise PermissionDenied(_("您无权设置关爱标签"))
        locked.tags = codes
        locked.save(update_fields=["tags", "updated_at"])
        audit_record(actor=actor, action="change", target=locked, fields="tags")
        return locked


def person_reveal(
    *, actor: Any, person: Resident | PartyMember, field: str, reason: str, request: Any = None
) -> str:
    """The plaintext of ``field`` (ID number or phone) for a role that may see it, with a reason;
    writes exactly one audit entry."""
    if field not in REVEALABLE:
        raise ValidationError({"field": [_("只能查看身份证号或手机号")]})
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("请填写查看事由")]})
    if not has_role_at_any(actor, REVEALERS, person_paths(person)):
        raise PermissionDenied(_("您无权查看明文个人信息"))
    if person.anonymised:
        raise ValidationError({"field": [_("此人信息已匿名化")]})
    value = str(getattr(person, field))
    audit_record(actor=actor, action="reveal", target=person, fields=field, reason=reason, request=request)
    return value


def person_data_export(
    *, actor: Any, person: Resident | PartyMember, reason: str, request: Any = None
) -> dict[str, Any]:
    """Everything held about one person, in plaintext, for a subject-access request (PIPL art. 45);
    one audit entry."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("请填写导出事由")]})
    if not has_role_at_any(actor, REVEALERS, person_paths(person)):
        raise PermissionDenied(_("您无权导出个人信息"))
    data: dict[str, Any] = {
        "姓名": person.name,
        "性别": person.get_gender_display(),
        "身份证号": person.id_number,
        "出生日期": person.birth_date.isoformat() if person.birth_date else "",
        "手机号": person.phone,
        "住址": person.address,
    }
    if isinstance(person, Resident):
        data |= {
            "社区": person.community.name,
            "楼栋": person.building.name if person.building_id and person.building else "",
            "单元": person.unit_no,
            "房号": person.room,
            "户号": person.household_key,
            "标签": person.tags.strip(","),
        }
    else:
        data |= {
            "所在党组织": person.branch.name,
            "党员类别": person.get_category_display(),
            "党员状态": person.get_status_display(),
            "入党日期": person.joined_on.isoformat() if person.joined_on else "",
            "工作单位": person.work_unit_name,
            "居住社区": person.community.name if person.community_id and person.community else "",
            "积分记录": [
                {"日期": e.occurred_on.isoformat(), "分值": e.points, "事由": e.reason}
                for e in person.point_entries.order_by("occurred_on", "id")
            ],
            "双报到": [
                {"社区": r.community.name, "年度": r.year, "状态": r.get_status_display()}
                for r in person.reports.select_related("community")
            ],
            "岗位": [
                {"岗位": c.post.name, "状态": c.get_status_display()}
                for c in person.post_claims.select_related("post")
            ],
        }
    audit_record(
        actor=actor, action="export_unmasked", target=person, fields="all", reason=reason, request=request
    )
    return data


# Free text staff and the member wrote on the member's own records, kept with the records (the
# ledgers stay) but without the member's name or an ID or phone number in them.
_MEMBER_NOTES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("people.Report", "member", ("note",)),
    ("people.PointEntry", "member", ("reason",)),
    ("people.PointRequest", "member", ("reason", "decision_note")),
    ("people.MemberTransfer", "member", ("reason", "note")),
    ("people.DutyLog", "claim__member", ("note",)),
    ("people.MemberEvent", "member", ("payload", "actor_name")),
)


def _scrub_member_notes(member: PartyMember, scrub: Scrub) -> int:
    """The member's name (as it was) and ID and mobile numbers taken out of the free text of
    their records; how many rows changed."""
    from django.apps import apps

    changed = 0
    for label, link, fields in _MEMBER_NOTES:
        model = apps.get_model(label)
        changed += len(scrub_rows(scrub, model._default_manager.filter(**{link: member}), fields))
    return changed


def person_anonymise(*, actor: Any, person: Resident | PartyMember, reason: str) -> Resident | PartyMember:
    """Retention: strip what identifies the person, keep the row (and every ledger entry, report
    and event that refers to it). Birth year stays for age statistics. Every app that holds data
    about the person erases it in the same transaction (``people.erasure``)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("请填写匿名化依据")]})
    model = type(person)
    with transaction.atomic():
        locked = cast("Resident | PartyMember", lock(model).get(pk=person.pk))
        require_editor(actor, *person_paths(locked)[:1])
        if locked.anonymised:
            raise ValidationError(_("此人信息已匿名化"))
        gone = PersonGone(
            kind="resident" if isinstance(locked, Resident) else "member",
            pk=locked.pk,
            id_hash=locked.id_hash,
            phone_hash=locked.phone_hash,
            user_id=getattr(locked, "user_id", None),
            actor=actor,
            reason=reason,
            scrub=make_scrub(locked.name, locked.id_number, locked.phone),
        )
        account: dict[str, int] = {}
        if gone.user_id is not None:  # refused while the account holds a role (accounts.erasure)
            account = account_anonymise(
                actor=actor, user_id=gone.user_id, reason=reason, person=f"{gone.kind}:{gone.pk}"
            )
        notes = 0
        locked.name = ANONYMISED_NAME
        locked.id_number = locked.id_hash = locked.phone = locked.phone_hash = locked.address = ""
        if locked.birth_date:
            locked.birth_date = dt.date(locked.birth_date.year, 1, 1)
        locked.anonymised = True
        if isinstance(locked, Resident):
            locked.unit_no = locked.room = locked.household_key = locked.tags = ""
        else:
            locked.user = None
            locked.board_opt_in = False
            locked.board_building = None
            locked.board_unit_no = ""
            locked.households.all().delete()
            notes = _scrub_member_notes(locked, gone.scrub)
            events.member_anonymised_event(member=locked, actor=actor)
        locked.save()
        elsewhere = erase_elsewhere(gone)
        audit_record(
            actor=actor,
            action="anonymise",
            target=locked,
            reason=reason,
            detail={"elsewhere": elsewhere, "notes": notes, "account": account},
        )
        return locked


def member_household_add(
    *, actor: Any, member: PartyMember, household_key: str, label: str = "", building: Area | None = None
) -> MemberHousehold:
    household_key = (household_key or "").strip()
    if not household_key:
        raise ValidationError({"户号": [_("户号不能为空")]})
    with transaction.atomic():
        locked = lock(PartyMember.objects).get(pk=member.pk)
        require_editor(actor, locked.scope_path)
        if locked.households.count() >= MAX_HOUSEHOLDS:
            raise ValidationError(_("每名党员中心户最多联系%(n)d户") % {"n": MAX_HOUSEHOLDS})
        if locked.households.filter(household_key=household_key).exists():
            raise ValidationError({"户号": [_("该户已在联系名单中")]})
        link = MemberHousehold.objects.create(
            member=locked, household_key=household_key, label=label[:100], building=building
        )
        events.member_household_added_event(member=locked, actor=actor, household=household_key)
        return link


def member_household_remove(*, actor: Any, link: MemberHousehold) -> None:
    with transaction.atomic():
        locked = lock(PartyMember.objects).get(pk=link.member_id)
        require_editor(actor, locked.scope_path)
        key = link.household_key
        MemberHousehold.objects.filter(pk=link.pk).delete()
        events.member_household_removed_event(member=locked, actor=actor, household=key)


def member_board_set(
    *, actor: Any, member: PartyMember, opt_in: bool, building: Area | None = None, unit_no: str = ""
) -> PartyMember:
    """连心牌: the member's own opt-in (or staff recording it) to be shown on a building unit's
    public contact board, with a masked phone."""
    with transaction.atomic():
        locked = lock(PartyMember.objects).get(pk=member.pk)
        is_self = locked.user_id is not None and locked.user_id == getattr(actor, "pk", None)
        if not is_self:
            require_editor(actor, locked.scope_path)
        if opt_in:
            if building is None or building.kind != AreaKind.BUILDING:
                raise ValidationError({"楼栋": [_("请选择连心牌所在楼栋")]})
            if locked.community is not None and not building.path.startswith(locked.community.path):
                raise ValidationError({"楼栋": [_("楼栋不在党员居住社区内")]})
        locked.board_opt_in = opt_in
        locked.board_building = building if opt_in else None
        locked.board_unit_no = unit_no[:20] if opt_in else ""
        locked.save(update_fields=["board_opt_in", "board_building", "board_unit_no", "updated_at"])
        events.member_board_event(member=locked, actor=actor, opt_in=opt_in)
        return locked
