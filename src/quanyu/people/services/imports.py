"""Importing the member and resident rosters offices keep (xlsx/csv).

Streaming and bounded: rows are read one at a time (``core.spreadsheets.read_rows``), checked,
and inserted in batches inside one transaction. Party organisations, communities, buildings and
units are loaded once into dicts. Duplicates are caught within the file (a set of ID hashes) and against
the register (one ``id_hash IN (…)`` query per batch). Without ``valid_only`` the first bad row
stops the writing and the transaction is rolled back at the end, so nothing is written; the
rest of the file is still checked so that the report lists every bad row.
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from quanyu.areas.models import Area, AreaKind
from quanyu.core.audit import audit_record
from quanyu.core.bulk import fast_insert
from quanyu.core.permissions import has_role
from quanyu.core.pii import pii_hash
from quanyu.core.spreadsheets import Column, RowError, read_rows
from quanyu.orgs.models import PartyOrg, Unit
from quanyu.people.access import EDITORS, TAG_VIEWERS
from quanyu.people.models import PartyMember, Resident, name_sort_key
from quanyu.people.validation import (
    FieldError,
    clean_category,
    clean_date,
    clean_gender,
    clean_id_number,
    clean_name,
    clean_phone,
    clean_status,
    clean_tags,
)

MEMBER_COLUMNS = [
    Column("name", "姓名", required=True, example="张三"),
    Column("gender", "性别", example="男", help="男/女，可留空（按身份证号）"),
    Column("id_number", "身份证号", required=True, example="11010519491231002X", width=22),
    Column("phone", "手机号", example="13800138000", width=14),
    Column(
        "branch", "所在党组织", required=True, example="某某社区第一党支部", width=24, help="党组织名称或代码"
    ),
    Column("category", "党员类别", required=True, example="在职党员", help="社区/在职/离退休/流动/企业党员"),
    Column("joined_on", "入党日期", example="2010-07-01"),
    Column("status", "党员状态", example="正式党员", help="正式党员/预备党员"),
    Column("work_unit", "工作单位", example="区城管局", width=20),
    Column("community", "居住社区", required=True, example="某某社区", width=18, help="社区名称或代码"),
    Column("address", "住址", example="1号楼2单元301", width=24),
]

RESIDENT_COLUMNS = [
    Column("name", "姓名", required=True, example="李四"),
    Column("gender", "性别", example="女"),
    Column("id_number", "身份证号", required=True, example="11010519491231002X", width=22),
    Column("phone", "手机号", example="13900139000", width=14),
    Column("community", "所在社区", required=True, example="某某社区", width=18),
    Column("building", "楼栋", example="1号楼"),
    Column("unit_no", "单元", example="2"),
    Column("room", "房号", example="301"),
    Column("household_key", "户号", example="H0001"),
    Column("tags", "标签", example="", help="空巢老人、留守儿童、残疾人、低收入，可多选，用顿号分隔"),
    Column("address", "住址", example="1号楼2单元301", width=24),
]

BATCH_SIZE = 2000


@dataclass
class ImportResult:
    total: int = 0
    valid: int = 0
    written: int = 0
    errors: list[RowError] = field(default_factory=list)
    dry_run: bool = False

    @property
    def bad_rows(self) -> int:
        return len({e.row for e in self.errors})


class _Named:
    """Name-or-code lookup of places and organisations, with the actor's edit rights cached."""

    def __init__(self, rows: Iterable[tuple[int, str, str, str]], actor: Any) -> None:
        self.by_code: dict[str, tuple[int, str]] = {}
        self.by_name: dict[str, list[tuple[int, str]]] = defaultdict(list)
        for pk, name, code, path in rows:
            if code:
                self.by_code[code] = (pk, path)
            self.by_name[name].append((pk, path))
        self.actor = actor
        self._allowed: dict[str, bool] = {}

    def allowed(self, path: str) -> bool:
        if path not in self._allowed:
            self._allowed[path] = has_role(self.actor, EDITORS, at_path=path)
        return self._allowed[path]

    def resolve(self, value: Any, *, header: str, what: str) -> tuple[int, str]:
        text = str(value or "").strip()
        if not text:
            raise FieldError(header, _("%(f)s不能为空") % {"f": header})
        hit = self.by_code.get(text)
        candidates = [hit] if hit else self.by_name.get(text, [])
        if not candidates:
            raise FieldError(header, _("%(what)s“%(v)s”不存在") % {"what": what, "v": text})
        mine = [c for c in candidates if self.allowed(c[1])]
        if not mine:
            raise FieldError(header, _("%(what)s“%(v)s”不在您的管辖范围内") % {"what": what, "v": text})
        if len(mine) > 1:
            raise FieldError(header, _("%(what)s“%(v)s”有重名，请填写代码") % {"what": what, "v": text})
        return mine[0]


def _load_communities(actor: Any) -> _Named:
    rows = Area.objects.filter(kind=AreaKind.COMMUNITY).values_list("id", "name", "code", "path")
    return _Named(rows.iterator(chunk_size=5000), actor)


def _check_actor(actor: Any) -> None:
    if not has_role(actor, EDITORS):
        raise PermissionDenied(_("您无权导入名册"))


def insert_persons(model: type[PartyMember] | type[Resident], rows: list[dict[str, Any]]) -> None:
    """``core.bulk.fast_insert`` for members and residents, with the name's sort key that
    ``Person.save`` keeps (lists sort by it: pinyin order)."""
    for row in rows:
        row["name_key"] = name_sort_key(row.get("name", ""))
    fast_insert(model, rows)


class _Importer(ABC):
    model: type[PartyMember] | type[Resident]
    columns: list[Column]
    kind: str

    def __init__(self, actor: Any, *, today: dt.date | None = None) -> None:
        self.actor = actor
        self.today = today or dt.date.today()
        self.communities = _load_communities(actor)
        self.seen: dict[str, int] = {}

    def person_fields(self, record: dict[str, Any], errors: list[FieldError]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        try:
            out["name"] = clean_name(record["name"])
        except FieldError as exc:
            errors.append(exc)
        gender_from_id = ""
        try:
            number, born, gender_from_id = clean_id_number(record["id_number"], today=self.today)
            out["id_number"], out["birth_date"] = number, born
            out["id_hash"] = pii_hash("id", number)
        except FieldError as exc:
            errors.append(exc)
        try:
            out["gender"] = clean_gender(record["gender"], from_id=gender_from_id)
        except FieldError as exc:
            errors.append(exc)
        try:
            phone = clean_phone(record["phone"])
            out["phone"], out["phone_hash"] = phone, pii_hash("phone", phone)
        except FieldError as exc:
            errors.append(exc)
        out["address"] = str(record.get("address") or "").strip()[:200]
        return out

    def run(
        self,
        source: str | Path | IO[bytes],
        *,
        dry_run: bool = False,
        valid_only: bool = False,
        progress: Callable[[int], None] | None = None,
        batch_size: int = BATCH_SIZE,
    ) -> ImportResult:
        _check_actor(self.actor)
        result = ImportResult(dry_run=dry_run)
        batch: list[tuple[int, dict[str, Any]]] = []

        def writing() -> bool:
            return not dry_run and (valid_only or not result.errors)

        def taken(rows: list[tuple[int, dict[str, Any]]]) -> list[dict[str, Any]]:
            """Report the rows whose ID number is already in the register; answer the others."""
            hashes = [fields["id_hash"] for _row, fields in rows]
            existing = set(self.model.objects.filter(id_hash__in=hashes).values_list("id_hash", flat=True))
            for row, fields in rows:
                if fields["id_hash"] in existing:
                    result.errors.append(RowError(row, "身份证号", _("该身份证号已在名册中")))
            return [fields for _row, fields in rows if fields["id_hash"] not in existing]

        def flush() -> None:
            if not batch:
                return
            good = taken(batch)
            if writing() and good:
                try:
                    with transaction.atomic():
                        insert_persons(self.model, good)
                except IntegrityError:
                    # Written meanwhile by someone else: the unique constraint caught it; report
                    # those rows like any other duplicate, then write the rest (if still writing).
                    ok = {f["id_hash"] for f in good}
                    good = taken([(row, f) for row, f in batch if f["id_hash"] in ok])
                    if writing() and good:
                        insert_persons(self.model, good)
                    result.written += len(good) if writing() else 0
                else:
                    result.written += len(good)
            result.valid += len(good)
            if progress is not None:
                progress(len(batch))
            batch.clear()

        with transaction.atomic():
            for row, record in read_rows(source, self.columns):
                result.total += 1
                errors: list[FieldError] = []
                fields = self.clean_row(record, errors)
                id_hash = fields.get("id_hash")
                if id_hash:
                    first = self.seen.get(id_hash)
                    if first is not None:
                        errors.append(FieldError("身份证号", _("身份证号与第%(r)d行重复") % {"r": first}))
                    else:
                        self.seen[id_hash] = row
                if errors:
                    result.errors.extend(RowError(row, e.field, e.message) for e in errors)
                    if progress is not None:
                        progress(1)
                    continue
                batch.append((row, fields))
                if len(batch) >= batch_size:
                    flush()
            flush()
            if not writing():
                transaction.set_rollback(True)
                result.written = 0
            else:
                audit_record(
                    actor=self.actor,
                    action="import",
                    target_type=self.model._meta.label_lower,
                    detail={"rows": result.total, "created": result.written, "rejected": result.bad_rows},
                )
        result.errors.sort(key=lambda e: (e.row, e.column))
        return result

    @abstractmethod
    def clean_row(self, record: dict[str, Any], errors: list[FieldError]) -> dict[str, Any]:
        """The row's model fields; problems are appended to ``errors``."""


class MemberImporter(_Importer):
    model = PartyMember
    columns = MEMBER_COLUMNS
    kind = "members"

    def __init__(self, actor: Any, *, today: dt.date | None = None) -> None:
        super().__init__(actor, today=today)
        orgs = PartyOrg.objects.values_list("id", "name", "code", "area__path")
        self.orgs = _Named(orgs.iterator(chunk_size=5000), actor)
        self.units: dict[str, int] = {}
        for pk, name in Unit.objects.values_list("id", "name").order_by("-id").iterator(chunk_size=5000):
            self.units[name] = pk

    def clean_row(self, record: dict[str, Any], errors: list[FieldError]) -> dict[str, Any]:
        out = self.person_fields(record, errors)
        try:
            out["branch_id"], out["branch_path"] = self.orgs.resolve(
                record["branch"], header="所在党组织", what=_("党组织")
            )
        except FieldError as exc:
            errors.append(exc)
        try:
            out["community_id"], out["scope_path"] = self.communities.resolve(
                record["community"], header="居住社区", what=_("社区")
            )
        except FieldError as exc:
            errors.append(exc)
        try:
            out["category"] = clean_category(record["category"])
        except FieldError as exc:
            errors.append(exc)
        try:
            out["status"] = clean_status(record["status"])
        except FieldError as exc:
            errors.append(exc)
        try:
            out["joined_on"] = clean_date(record["joined_on"], field="入党日期", today=self.today)
        except FieldError as exc:
            errors.append(exc)
        born = out.get("birth_date")
        if born and out.get("joined_on") and (out["joined_on"] - born).days < 18 * 365:
            errors.append(FieldError("入党日期", _("入党时未满18周岁")))
        unit_name = str(record.get("work_unit") or "").strip()[:150]
        out["work_unit_name"] = unit_name
        out["work_unit_id"] = self.units.get(unit_name) if unit_name else None
        return out


class ResidentImporter(_Importer):
    model = Resident
    columns = RESIDENT_COLUMNS
    kind = "residents"

    def __init__(self, actor: Any, *, today: dt.date | None = None) -> None:
        super().__init__(actor, today=today)
        self.may_tag = has_role(actor, TAG_VIEWERS)
        self.buildings: dict[tuple[str, str], tuple[int, str]] = {}
        # community → grid → building: a building's community is two levels up.
        up = 2 * Area.steplen
        for pk, name, path in (
            Area.objects.filter(kind=AreaKind.BUILDING)
            .values_list("id", "name", "path")
            .iterator(chunk_size=5000)
        ):
            self.buildings[(path[:-up], name)] = (pk, path)

    def clean_row(self, record: dict[str, Any], errors: list[FieldError]) -> dict[str, Any]:
        out = self.person_fields(record, errors)
        community_path = ""
        try:
            out["community_id"], community_path = self.communities.resolve(
                record["community"], header="所在社区", what=_("社区")
            )
            out["scope_path"] = community_path
        except FieldError as exc:
            errors.append(exc)
        building = str(record.get("building") or "").strip()
        out["building_id"] = None
        if building and community_path:
            hit = self.buildings.get((community_path, building))
            if hit is None:
                errors.append(FieldError("楼栋", _("楼栋“%(b)s”不在该社区内") % {"b": building}))
            else:
                out["building_id"], out["scope_path"] = hit
        out["unit_no"] = str(record.get("unit_no") or "").strip()[:20]
        out["room"] = str(record.get("room") or "").strip()[:20]
        out["household_key"] = str(record.get("household_key") or "").strip()[:64]
        try:
            out["tags"] = clean_tags(record.get("tags"))
            if out["tags"] and not self.may_tag:
                errors.append(FieldError("标签", _("您无权设置关爱标签")))
        except FieldError as exc:
            errors.append(exc)
        return out


def members_import(
    *,
    actor: Any,
    source: str | Path | IO[bytes],
    dry_run: bool = False,
    valid_only: bool = False,
    progress: Callable[[int], None] | None = None,
) -> ImportResult:
    return MemberImporter(actor).run(source, dry_run=dry_run, valid_only=valid_only, progress=progress)


def residents_import(
    *,
    actor: Any,
    source: str | Path | IO[bytes],
    dry_run: bool = False,
    valid_only: bool = False,
    progress: Callable[[int], None] | None = None,
) -> ImportResult:
    return ResidentImporter(actor).run(source, dry_run=dry_run, valid_only=valid_only, progress=progress)


@dataclass
class MemberSpec:
    """One member for ``members_bulk_create`` (generators, other apps' onboarding batches)."""

    name: str
    id_number: str
    branch: PartyOrg
    community: Area
    category: str
    phone: str = ""
    status: str = ""
    joined_on: dt.date | None = None
    work_unit_name: str = ""
    address: str = ""


def members_bulk_create(*, actor: Any, members: Iterable[MemberSpec], batch_size: int = BATCH_SIZE) -> int:
    """Validate and insert many members at once, all or nothing (ValidationError names the
    first bad one); the same checks as the roster import, one audit entry."""
    from django.core.exceptions import ValidationError

    _check_actor(actor)
    allowed: dict[str, bool] = {}
    seen: set[str] = set()
    written = 0
    with transaction.atomic():
        batch: list[dict[str, Any]] = []

        def flush() -> None:
            nonlocal written
            if not batch:
                return
            hashes = [row["id_hash"] for row in batch]
            duplicate = ValidationError(_("有身份证号已在党员名册中"))
            if PartyMember.objects.filter(id_hash__in=hashes).exists():
                raise duplicate
            try:
                with transaction.atomic():
                    insert_persons(PartyMember, batch)
            except IntegrityError:
                raise duplicate from None
            written += len(batch)
            batch.clear()

        for i, spec in enumerate(members, start=1):
            for path in (spec.branch.area.path, spec.community.path):
                if path not in allowed:
                    allowed[path] = has_role(actor, EDITORS, at_path=path)
                if not allowed[path]:
                    raise PermissionDenied(_("您无权维护该区域的居民与党员"))
            try:
                number, born, gender = clean_id_number(spec.id_number)
                phone = clean_phone(spec.phone)
                row = {
                    "name": clean_name(spec.name),
                    "id_number": number,
                    "id_hash": pii_hash("id", number),
                    "birth_date": born,
                    "gender": gender,
                    "phone": phone,
                    "phone_hash": pii_hash("phone", phone),
                    "address": spec.address[:200],
                    "branch_id": spec.branch.pk,
                    "branch_path": spec.branch.area.path,
                    "community_id": spec.community.pk,
                    "scope_path": spec.community.path,
                    "category": clean_category(spec.category),
                    "status": clean_status(spec.status),
                    "joined_on": spec.joined_on,
                    "work_unit_name": spec.work_unit_name[:150],
                }
            except FieldError as exc:
                raise ValidationError(
                    _("第%(i)d名党员【%(f)s】：%(m)s") % {"i": i, "f": exc.field, "m": exc.message}
                ) from None
            if row["id_hash"] in seen:
                raise ValidationError(_("第%(i)d名党员的身份证号重复") % {"i": i})
            seen.add(row["id_hash"])
            batch.append(row)
            if len(batch) >= batch_size:
                flush()
        flush()
        audit_record(
            actor=actor, action="import", target_type="people.partymember", detail={"created": written}
        )
    return written
