"""Every wishes list to xlsx (``core.spreadsheets.write_rows``): the staff list (the wisher's name
masked, one audit entry per export), the public wall (only ``wall_row``'s fields) and a holder's
claims. The caller passes a queryset its selector already scoped."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet

from quanyu.core.audit import audit_record
from quanyu.core.pii import mask_name
from quanyu.core.spreadsheets import Column, Target, write_rows
from quanyu.wishes.models import Wish, WishClaim
from quanyu.wishes.selectors import wall_row

CHUNK = 2000

WISH_COLUMNS = [
    Column("id", "编号", width=8),
    Column("kind", "类别", width=10),
    Column("public_text", "公开内容", width=40),
    Column("community", "社区"),
    Column("street", "街道"),
    Column("wisher", "许愿人（脱敏）", width=12),
    Column("on_behalf", "代为登记", width=8),
    Column("status", "状态", width=10),
    Column("shares", "份数", width=6),
    Column("claimed_shares", "已认领份数", width=8),
    Column("estimated_value", "估计价值（元）", width=10),
    Column("created_at", "提交时间", width=18),
    Column("published_at", "发布时间", width=18),
    Column("confirmed_at", "确认时间", width=18),
    Column("confirmed_by_phone", "电话回访确认", width=8),
]
WALL_COLUMNS = [
    Column("id", "编号", width=8),
    Column("kind_label", "类别", width=10),
    Column("text", "心愿", width=40),
    Column("street", "街道"),
    Column("community", "社区"),
    Column("status_label", "状态", width=10),
    Column("shares", "份数", width=6),
    Column("shares_left", "剩余份数", width=8),
    Column("wanted_by", "希望实现日期", width=12),
    Column("published_at", "发布时间", width=20),
]
CLAIM_COLUMNS = [
    Column("id", "编号", width=8),
    Column("wish", "心愿编号", width=8),
    Column("text", "心愿", width=40),
    Column("community", "社区"),
    Column("claimant_kind", "认领方类型", width=10),
    Column("claimant", "认领方"),
    Column("shares", "份数", width=6),
    Column("status", "状态", width=10),
    Column("claimed_at", "认领时间", width=18),
    Column("fulfilled_at", "完成时间", width=18),
]


def _when(value: Any) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else ""


def _wisher(wish: Wish) -> str:
    if wish.resident is not None:
        return mask_name(wish.resident.name)
    return mask_name(str(wish.wisher)) if wish.wisher is not None else ""


def _wish_rows(wishes: QuerySet[Wish]) -> Iterator[dict[str, Any]]:
    for w in wishes.select_related("community", "street", "resident", "wisher").iterator(chunk_size=CHUNK):
        yield {
            "id": w.pk,
            "kind": w.get_kind_display(),
            "public_text": w.public_text,
            "community": w.community.name,
            "street": w.street.name if w.street else "",
            "wisher": _wisher(w),
            "on_behalf": "是" if w.on_behalf else "",
            "status": w.get_status_display(),
            "shares": w.shares,
            "claimed_shares": w.claimed_shares,
            "estimated_value": w.estimated_value,
            "created_at": _when(w.created_at),
            "published_at": _when(w.published_at),
            "confirmed_at": _when(w.confirmed_at),
            "confirmed_by_phone": "是" if w.confirmed_by_phone else "",
        }


def wishes_export(*, actor: Any, wishes: QuerySet[Wish], target: Target) -> int:
    count = write_rows(target, WISH_COLUMNS, _wish_rows(wishes), title="微心愿")
    audit_record(actor=actor, action="export", target_type="wishes.wish", detail={"rows": count})
    return count


def wall_export(*, wishes: QuerySet[Wish], target: Target) -> int:
    rows = (wall_row(w) for w in wishes.iterator(chunk_size=CHUNK))
    return write_rows(target, WALL_COLUMNS, rows, title="心愿墙")


def _claim_rows(claims: QuerySet[WishClaim]) -> Iterator[dict[str, Any]]:
    for c in claims.iterator(chunk_size=CHUNK):
        yield {
            "id": c.pk,
            "wish": c.wish_id,
            "text": c.wish.public_text,
            "community": c.wish.community.name,
            "claimant_kind": c.get_claimant_kind_display(),
            "claimant": c.claimant_label,
            "shares": c.shares,
            "status": c.get_status_display(),
            "claimed_at": _when(c.claimed_at),
            "fulfilled_at": _when(c.fulfilled_at),
        }


def claims_export(*, claims: QuerySet[WishClaim], target: Target) -> int:
    return write_rows(target, CLAIM_COLUMNS, _claim_rows(claims), title="心愿认领")
