"""Bulk intake of hotline (12345) work orders from xlsx/CSV: ``quanyu import hotline FILE``.

The per-ticket service (``ticket_create``) locks, notifies and writes one row at a time; a hotline
export has hundreds of thousands of rows, so this module does the same intake in bulk. Rows are
streamed (``core.spreadsheets.read_rows``) in chunks; each chunk is

1. validated row by row (errors name the row and the column),
2. checked against the work orders already imported (``工单编号`` = ``Ticket.external_ref`` of a
   hotline ticket: a re-import skips them, so importing the same file twice creates nothing new),
3. located with one vectorised ``areas.locate.locate`` call per coordinate system,
4. categorised (the given ``诉求类别`` by code or name, else the catalogue's keyword rules), given
   its first tier and its deadlines (the working-day calendar, read once; see ``FastDeadlines``),
5. written with ``bulk_create``: the tickets, then one ``created`` event each (contacts are
   encrypted by their field on the way in).

No notification is sent per imported ticket: the imported work orders simply appear in the
inboxes (which are queries).

Transactions and errors:

* default: all or nothing. The whole file is one transaction, written chunk by chunk; once a bad
  row is found, writing stops, the rest is still checked so that every error is reported, and the
  transaction is rolled back: nothing is imported.
* ``valid_only``: one transaction per chunk. Good rows are imported as their chunk completes, bad
  rows are reported. If the run is interrupted, the chunks already committed stay; running the
  same file again imports the rest (already imported work orders are skipped).
* ``dry_run``: everything is checked (locating included), nothing is written.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import math
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import IO, Any

import numpy as np
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from quanyu.accounts.permissions import grants_for, has_role
from quanyu.areas.locate import locate
from quanyu.areas.models import Area, AreaKind
from quanyu.catalog.calendar import WorkCalendar
from quanyu.catalog.models import Category, Tier
from quanyu.catalog.suggest import CategoryMatcher
from quanyu.core.clock import LOCAL_TZ
from quanyu.core.geo import CRS_CHOICES, to_wgs84
from quanyu.core.idnumber import normalize_phone
from quanyu.core.pii import encrypt, pii_hash
from quanyu.core.spreadsheets import Column, RowError, read_rows, write_template
from quanyu.tickets.access import CHANNEL_ROLES
from quanyu.tickets.conf import int_setting
from quanyu.tickets.events import actor_label
from quanyu.tickets.models import Channel, EventKind, Ticket, TicketEvent
from quanyu.tickets.states import INITIAL_STATUS

HOTLINE_COLUMNS = [
    Column("external_ref", "工单编号", required=True, example="12345-20240601-000001", aliases=("工单号",)),
    Column("received_at", "来电时间", example="2024-06-01 09:30:00", help="留空为导入时间", width=20),
    Column("text", "诉求内容", required=True, example="小区门口有流动摊贩占道经营", width=40),
    Column("contact_name", "联系人", example="张先生"),
    Column("contact_phone", "联系电话", example="13800000000"),
    Column("address", "地址", example="芝罘区某某路1号", width=30),
    Column("lon", "经度", required=True, example="121.40"),
    Column("lat", "纬度", required=True, example="37.54"),
    Column(
        "crs", "坐标系", example="wgs84", help="wgs84（GPS）、gcj02（高德/腾讯）或 bd09（百度），默认 wgs84"
    ),
    Column("category", "诉求类别", example="0101", help="事项编码或名称；留空按关键词规则建议"),
]
HEADER = {c.key: c.header for c in HOTLINE_COLUMNS}
DEFAULT_CHUNK = 5000
_PHONE_RE = re.compile(r"1\d{10}|0\d{2,3}\d{7,8}|\d{7,8}")
_TIME_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y-%m-%d")
_DAY = dt.timedelta(days=1)
_TEN_YEARS = dt.timedelta(days=3660)


@dataclass
class HotlineImportResult:
    total: int = 0  # data rows read
    valid: int = 0  # rows without errors (imported, or skipped as already imported)
    written: int = 0  # tickets created
    skipped: int = 0  # work orders imported before
    errors: list[RowError] = field(default_factory=list)
    dry_run: bool = False
    seconds: float = 0.0

    @property
    def bad_rows(self) -> int:
        return len({e.row for e in self.errors})


class FastDeadlines:
    """``catalog.calendar.deadline_after`` for many tickets: the same answers (and the same
    ``estimated`` flag), with the walk over the holiday table cached per start day and per
    (day, n working days later), so a million deadlines cost a million small additions."""

    def __init__(self, calendar: WorkCalendar | None = None) -> None:
        self.calendar = calendar or WorkCalendar()
        self._starts: dict[dt.date, tuple[dt.date, bool, bool]] = {}
        self._nth: dict[tuple[dt.date, int], tuple[dt.date, bool]] = {}

    def _start(self, day: dt.date) -> tuple[dt.date, bool, bool]:
        """(first working day from ``day``, whether it is ``day`` itself, unknown year touched)."""
        hit = self._starts.get(day)
        if hit is None:
            cal = self.calendar
            cal.touched_unknown = False
            if cal.is_working_day(day):
                hit = (day, True, cal.touched_unknown)
            else:
                hit = (cal.next_working_day(day), False, cal.touched_unknown)
            self._starts[day] = hit
        return hit

    def _after(self, day: dt.date, n: int) -> tuple[dt.date, bool]:
        hit = self._nth.get((day, n))
        if hit is None:
            cal = self.calendar
            cal.touched_unknown = False
            target = day
            for _i in range(n):
                target = cal.next_working_day(target)
            hit = (target, cal.touched_unknown)
            self._nth[(day, n)] = hit
        return hit

    def _cursor(self, start: dt.datetime) -> tuple[dt.datetime, bool]:
        local = start.astimezone(LOCAL_TZ)
        day, same, touched = self._start(local.date())
        if same:
            return local, touched
        return dt.datetime.combine(day, dt.time(0), tzinfo=LOCAL_TZ), touched

    def working_days(self, start: dt.datetime, n: int) -> tuple[dt.datetime, bool]:
        cursor, touched = self._cursor(start)
        target, touched_more = self._after(cursor.date(), n)
        at = dt.datetime.combine(target, cursor.timetz())
        return at.astimezone(dt.UTC), touched or touched_more

    def working_hours(self, start: dt.datetime, hours: float) -> tuple[dt.datetime, bool]:
        cursor, touched = self._cursor(start)
        remaining = dt.timedelta(hours=hours)
        available = dt.datetime.combine(cursor.date() + _DAY, dt.time(0), tzinfo=LOCAL_TZ) - cursor
        if remaining <= available:
            return (cursor + remaining).astimezone(dt.UTC), touched
        rest = remaining - available
        k = math.ceil(rest / _DAY)
        target, touched_more = self._after(cursor.date(), k)
        at = dt.datetime.combine(target, dt.time(0), tzinfo=LOCAL_TZ) + (rest - (k - 1) * _DAY)
        return at.astimezone(dt.UTC), touched or touched_more

    def deadline_after(
        self, start: dt.datetime, *, hours: float = 0, days: int = 0, working: bool = True
    ) -> tuple[dt.datetime, bool]:
        if not working:
            return start + dt.timedelta(days=days, hours=hours), False
        if days:
            return self.working_days(start, days)
        return self.working_hours(start, hours)


@dataclass
class _Row:
    number: int
    ref: str
    received: dt.datetime
    text: str
    contact_name: str
    contact_phone: str
    address: str
    lon: float
    lat: float
    crs: str
    category: Category | None


class _Context:
    """What every chunk needs, read once: the catalogue, its rules, the calendar, the grids'
    paths and the places the actor may register hotline tickets in."""

    def __init__(self, actor: Any, now: dt.datetime) -> None:
        self.actor = actor
        self.actor_id = actor.pk if getattr(actor, "is_authenticated", False) else None
        self.actor_name = actor_label(actor)
        self.now = now
        self.local_now = now.astimezone(LOCAL_TZ).replace(tzinfo=None)
        self.text_max = int_setting("QUANYU_TICKET_TEXT_MAX")
        items = list(
            Category.objects.filter(active=True, parent__isnull=False, parent__active=True).select_related(
                "parent"
            )
        )
        self.by_code = {c.code: c for c in items}
        self.by_name: dict[str, Category] = {}
        for c in items:
            self.by_name.setdefault(c.name, c)
            self.by_name.setdefault(f"{c.parent.name}/{c.name}", c)  # type: ignore[union-attr]
        self.matcher = CategoryMatcher(items)
        self.deadlines = FastDeadlines()
        self.default_limits = (
            int_setting("QUANYU_TICKET_DEFAULT_RESPONSE_HOURS"),
            int_setting("QUANYU_TICKET_DEFAULT_COMPLETION_DAYS"),
            True,
        )
        self.grid_paths = dict(Area.objects.filter(kind=AreaKind.GRID).values_list("id", "path"))
        if getattr(actor, "is_superuser", False):
            self.allowed: tuple[str, ...] | None = None
        else:
            roles = CHANNEL_ROLES[Channel.HOTLINE]
            self.allowed = tuple(g.area.path for g in grants_for(actor) if g.role in roles)

    def may_register_at(self, path: str) -> bool:
        return self.allowed is None or path.startswith(self.allowed)

    def category(self, raw: str) -> Category | None:
        return self.by_code.get(raw) or self.by_name.get(raw)

    def limits(self, category: Category | None) -> tuple[int, int, bool]:
        if category is None:
            return self.default_limits
        return category.response_hours, category.completion_days, category.working_days


def _received(value: Any, now: dt.datetime, local_now: dt.datetime) -> dt.datetime | str:
    """The call's time (naive times are Beijing time), or an error message. ``local_now`` is
    ``now`` as a naive Beijing time: naive times are checked against it before the zone is
    attached, which is most of this function's cost on a million rows."""
    if value in ("", None):
        return now
    parsed: dt.datetime | None
    if isinstance(value, dt.datetime):
        parsed = value
    elif isinstance(value, dt.date):
        parsed = dt.datetime.combine(value, dt.time(0))
    else:
        text = str(value).strip()
        parsed = None
        with contextlib.suppress(ValueError):  # the common "2024-06-01 09:30:00", C-fast
            parsed = dt.datetime.fromisoformat(text)
        for fmt in () if parsed is not None else _TIME_FORMATS:
            try:
                parsed = dt.datetime.strptime(text, fmt)
                break
            except ValueError:
                continue
    if parsed is None:
        return _("无法识别的时间，应为 2024-06-01 09:30:00")
    if parsed.tzinfo is None:
        if parsed > local_now or parsed < local_now - _TEN_YEARS:
            return _("来电时间须为十年内的过去时间")
        return parsed.replace(tzinfo=LOCAL_TZ)
    if parsed > now or parsed < now - _TEN_YEARS:
        return _("来电时间须为十年内的过去时间")
    return parsed


def _number(value: Any) -> float | None:
    if value in ("", None):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _parse(number: int, record: dict[str, Any], ctx: _Context, errors: list[RowError]) -> _Row | None:
    """One row checked field by field; errors are appended (all of the row's, not only the first)."""
    start = len(errors)

    def bad(key: str, message: str) -> None:
        errors.append(RowError(number, HEADER[key], message))

    ref = str(record["external_ref"]).strip()
    if not ref:
        bad("external_ref", _("必填"))
    elif len(ref) > 64:
        bad("external_ref", _("不能超过 64 个字符"))
    received = _received(record["received_at"], ctx.now, ctx.local_now)
    if isinstance(received, str):
        bad("received_at", received)
    text = str(record["text"]).strip()
    if not text:
        bad("text", _("必填"))
    elif len(text) > ctx.text_max:
        bad("text", _("不能超过 %(n)d 字") % {"n": ctx.text_max})
    name = str(record["contact_name"]).strip()
    if len(name) > 50:
        bad("contact_name", _("不能超过 50 字"))
    phone = str(record["contact_phone"]).strip()
    if phone:
        phone = normalize_phone(phone)
        if not _PHONE_RE.fullmatch(phone):
            bad("contact_phone", _("联系电话格式不正确"))
    address = str(record["address"]).strip()
    if len(address) > 200:
        bad("address", _("不能超过 200 字"))
    lon, lat = _number(record["lon"]), _number(record["lat"])
    if lon is None or not -180 <= lon <= 180:
        bad("lon", _("须为 -180 到 180 之间的数字"))
    if lat is None or not -90 <= lat <= 90:
        bad("lat", _("须为 -90 到 90 之间的数字"))
    crs = str(record["crs"]).strip().lower() or "wgs84"
    if crs not in CRS_CHOICES:
        bad("crs", _("须为 %(choices)s 之一") % {"choices": "、".join(CRS_CHOICES)})
    raw_category = str(record["category"]).strip()
    category = ctx.category(raw_category) if raw_category else None
    if raw_category and category is None:
        bad("category", _("未知或未启用的事项：%(v)s") % {"v": raw_category[:40]})
    if len(errors) > start:
        return None
    assert not isinstance(received, str) and lon is not None and lat is not None
    return _Row(number, ref, received, text, name, phone, address, lon, lat, crs, category)


def _batches(
    rows: Iterable[tuple[int, dict[str, Any]]], size: int
) -> Iterator[list[tuple[int, dict[str, Any]]]]:
    iterator = iter(rows)
    while batch := list(islice(iterator, size)):
        yield batch


class _Rollback(Exception):
    pass


def _existing_refs(refs: list[str]) -> set[str]:
    """The work-order numbers among ``refs`` already imported (the hotline unique index answers)."""
    found: set[str] = set()
    if connection.vendor == "postgresql":
        # One array parameter instead of an IN list of thousands: a fifth of the planning time.
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT external_ref FROM {Ticket._meta.db_table} "  # noqa: S608 (the model's table)
                "WHERE channel = %s AND external_ref <> '' AND external_ref = ANY(%s)",
                [Channel.HOTLINE.value, refs],
            )
            return {r[0] for r in cursor.fetchall()}
    for i in range(0, len(refs), 900):  # SQLite's parameter limit
        found.update(
            Ticket.objects.filter(channel=Channel.HOTLINE, external_ref__in=refs[i : i + 900]).values_list(
                "external_ref", flat=True
            )
        )
    return found


def _locate(rows: list[_Row]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(grid, community, street, wgs84 lon, wgs84 lat) per row, one locate call per crs."""
    n = len(rows)
    grid = np.full(n, -1, dtype=np.int64)
    community, street = grid.copy(), grid.copy()
    xs, ys = np.zeros(n), np.zeros(n)
    crs_of = np.array([r.crs for r in rows])
    lons = np.fromiter((r.lon for r in rows), dtype=np.float64, count=n)
    lats = np.fromiter((r.lat for r in rows), dtype=np.float64, count=n)
    for crs in set(crs_of.tolist()):
        mask = crs_of == crs
        g, c, s = locate(lons[mask], lats[mask], crs=crs)
        grid[mask], community[mask], street[mask] = g, c, s
        x, y = to_wgs84(lons[mask], lats[mask], crs)
        xs[mask], ys[mask] = x, y
    return grid, community, street, xs, ys


Built = list[tuple[dict[str, Any], dict[str, Any]]]


def _build(rows: list[_Row], ctx: _Context, errors: list[RowError]) -> Built:
    """Each good row's ticket (field values by attribute name) and its creation event's payload."""
    grid, community, street, xs, ys = _locate(rows)
    built: Built = []
    for i, row in enumerate(rows):
        grid_id = int(grid[i])
        if grid_id < 0:
            errors.append(RowError(row.number, HEADER["lon"], _("该位置不在本市任何网格内")))
            continue
        path = ctx.grid_paths.get(grid_id, "")
        if not ctx.may_register_at(path):
            errors.append(RowError(row.number, HEADER["lon"], _("该位置不在您的管辖范围内")))
            continue
        suggestion = ctx.matcher.suggest(row.text)
        suggested = suggestion.category if suggestion else None
        basis = row.category or suggested
        community_id = int(community[i]) if community[i] >= 0 else None
        street_id = int(street[i]) if street[i] >= 0 else None
        tier, handling_id = Tier.GRID, grid_id
        wanted = basis.first_tier if basis else Tier.GRID
        if wanted == Tier.COMMUNITY and community_id is not None:
            tier, handling_id = Tier.COMMUNITY, community_id
        elif wanted == Tier.STREET and (street_id is not None or community_id is not None):
            tier, handling_id = (
                (Tier.STREET, street_id) if street_id is not None else (Tier.COMMUNITY, community_id)  # type: ignore[assignment]
            )
        hours, days, working = ctx.limits(basis)
        response_due, est1 = ctx.deadlines.deadline_after(row.received, hours=hours, working=working)
        completion_due, est2 = ctx.deadlines.deadline_after(row.received, days=days, working=working)
        attrs = {
            "text": row.text,
            "address": row.address,
            "lon": float(xs[i]),
            "lat": float(ys[i]),
            "grid_id": grid_id,
            "community_id": community_id,
            "street_id": street_id,
            "area_path": path,
            "channel": Channel.HOTLINE,
            "external_ref": row.ref,
            "created_by_id": ctx.actor_id,
            "contact_name": row.contact_name,
            "contact_phone": row.contact_phone,
            "contact_phone_hash": pii_hash("phone", row.contact_phone),
            "category_id": row.category.pk if row.category else None,
            "suggested_category_id": suggested.pk if suggested else None,
            "suggestion_score": suggestion.score if suggestion else None,
            "status": INITIAL_STATUS,
            "tier": tier,
            "handling_area_id": handling_id,
            "response_due": response_due,
            "completion_due": completion_due,
            "deadline_estimated": est1 or est2,
            "created_at": row.received,
        }
        payload = {
            "channel": Channel.HOTLINE.value,
            "tier": str(tier),
            "handling_area": handling_id,
            "category": row.category.code if row.category else None,
            "suggested": suggested.code if suggested else None,
            "score": suggestion.score if suggestion else None,
            "imported": True,
        }
        built.append((attrs, {k: v for k, v in payload.items() if v is not None}))
    return built


def _write(built: Built, ctx: _Context) -> int:
    if connection.vendor == "postgresql":
        return _write_copy(built, ctx)
    return _write_orm(built, ctx)


def _write_orm(built: Built, ctx: _Context) -> int:
    """bulk_create of the tickets, then of their events (any backend that returns new ids)."""
    now = timezone.now()
    tickets = Ticket.objects.bulk_create([Ticket(**attrs, updated_at=now) for attrs, _p in built])
    if any(t.pk is None for t in tickets):  # a backend that does not return ids
        ids = dict(
            Ticket.objects.filter(
                channel=Channel.HOTLINE, external_ref__in=[t.external_ref for t in tickets]
            ).values_list("external_ref", "id")
        )
        for t in tickets:
            t.pk = ids[t.external_ref]
    TicketEvent.objects.bulk_create(
        [
            TicketEvent(
                ticket_id=t.pk,
                kind=EventKind.CREATED,
                actor_id=ctx.actor_id,
                actor_name=ctx.actor_name,
                at=t.created_at,
                from_status="",
                to_status=INITIAL_STATUS,
                payload=payload,
            )
            for t, payload in zip(tickets, (p for _t, p in built), strict=True)
        ]
    )
    return len(tickets)


# COPY's text format: tab-separated, \N for NULL, backslash escapes for \\, tab, newline, return.
_COPY_ESCAPE = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_value(value: Any) -> str:
    """One value in COPY text format (for the defaults row, built once per chunk)."""
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, (dict, list)):
        value = json.dumps(value, ensure_ascii=False)
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    return str(value).translate(_COPY_ESCAPE)


def _id_or_null(value: int | None) -> str:
    return "\\N" if value is None else str(value)


def _write_copy(built: Built, ctx: _Context) -> int:
    """PostgreSQL: ids drawn from the sequence in one query, then COPY of the tickets and of their
    events. The rows are written in COPY's text format here, one string per chunk: the driver's
    per-value adaptation (``write_row``) cost more than everything else the import does."""
    n = len(built)
    fields = list(Ticket._meta.concrete_fields)
    names = [f.attname for f in fields]
    template: list[str] = []
    for f in fields:
        if f.has_default():
            template.append(_copy_value(f.get_default()))
        else:
            template.append("\\N" if f.null else "")
    template[names.index("updated_at")] = timezone.now().isoformat()
    at = {name: i for i, name in enumerate(names)}
    text, address, ref, path = at["text"], at["address"], at["external_ref"], at["area_path"]
    lon, lat, grid, community, street = (
        at["lon"],
        at["lat"],
        at["grid_id"],
        at["community_id"],
        at["street_id"],
    )
    channel, created_by, handling = at["channel"], at["created_by_id"], at["handling_area_id"]
    name, phone, phone_hash = at["contact_name"], at["contact_phone"], at["contact_phone_hash"]
    category, suggested, score = at["category_id"], at["suggested_category_id"], at["suggestion_score"]
    status, tier, response_due, completion_due = (
        at["status"],
        at["tier"],
        at["response_due"],
        at["completion_due"],
    )
    estimated, created_at, id_at = at["deadline_estimated"], at["created_at"], at["id"]
    seal, esc = encrypt, _COPY_ESCAPE
    actor = _id_or_null(ctx.actor_id)
    actor_name = ctx.actor_name.translate(esc)
    kind, to_status = EventKind.CREATED.value, INITIAL_STATUS.value
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": ")).encode
    columns = ", ".join(connection.ops.quote_name(str(f.column)) for f in fields)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [Ticket._meta.db_table, n],
        )
        ids = [r[0] for r in cursor.fetchall()]
        tickets: list[str] = []
        events: list[str] = []
        for pk, (attrs, payload) in zip(ids, built, strict=True):
            row = template.copy()
            row[id_at] = str(pk)
            row[text] = attrs["text"].translate(esc)
            row[address] = attrs["address"].translate(esc)
            row[ref] = attrs["external_ref"].translate(esc)
            row[path] = attrs["area_path"]
            row[lon], row[lat] = repr(attrs["lon"]), repr(attrs["lat"])
            row[grid] = str(attrs["grid_id"])
            row[community] = _id_or_null(attrs["community_id"])
            row[street] = _id_or_null(attrs["street_id"])
            row[channel] = attrs["channel"].value
            row[created_by] = actor
            row[name] = seal(attrs["contact_name"])
            row[phone] = seal(attrs["contact_phone"])
            row[phone_hash] = attrs["contact_phone_hash"]
            row[category] = _id_or_null(attrs["category_id"])
            row[suggested] = _id_or_null(attrs["suggested_category_id"])
            row[score] = "\\N" if attrs["suggestion_score"] is None else repr(attrs["suggestion_score"])
            row[status] = attrs["status"].value
            row[tier] = attrs["tier"].value
            row[handling] = str(attrs["handling_area_id"])
            row[response_due] = attrs["response_due"].isoformat()
            row[completion_due] = attrs["completion_due"].isoformat()
            row[estimated] = "t" if attrs["deadline_estimated"] else "f"
            created = row[created_at] = attrs["created_at"].isoformat()
            tickets.append("\t".join(row))
            events.append(
                f"{pk}\t{kind}\t{actor}\t{actor_name}\t{created}\t\t{to_status}\t{dumps(payload).translate(esc)}"
            )
        raw = cursor.cursor
        with raw.copy(f"COPY {Ticket._meta.db_table} ({columns}) FROM STDIN") as copy:
            copy.write("\n".join(tickets) + "\n")
        with raw.copy(
            f"COPY {TicketEvent._meta.db_table} "
            "(ticket_id, kind, actor_id, actor_name, at, from_status, to_status, payload) FROM STDIN"
        ) as copy:
            copy.write("\n".join(events) + "\n")
    return n


def hotline_import(
    *,
    actor: Any,
    source: str | Path | IO[bytes],
    dry_run: bool = False,
    valid_only: bool = False,
    chunk_size: int = DEFAULT_CHUNK,
    progress: Callable[[int], None] | None = None,
) -> HotlineImportResult:
    """Import hotline work orders (see the module docstring for the transaction rules). Raises
    ``SpreadsheetError`` for an unreadable file or missing columns, ``PermissionDenied`` when the
    actor may not register hotline tickets anywhere."""
    if not has_role(actor, CHANNEL_ROLES[Channel.HOTLINE]):
        raise PermissionDenied(_("您没有登记 12345 热线工单的权限"))
    started = timezone.now()
    ctx = _Context(actor, started)
    result = HotlineImportResult(dry_run=dry_run)
    seen: set[str] = set()

    def run_chunk(chunk: list[tuple[int, dict[str, Any]]], *, write: bool) -> None:
        errors: list[RowError] = []
        parsed: list[_Row] = []
        for number, record in chunk:
            row = _parse(number, record, ctx, errors)
            if row is None:
                continue
            if row.ref in seen:
                errors.append(RowError(number, HEADER["external_ref"], _("工单编号在文件中重复")))
                continue
            seen.add(row.ref)
            parsed.append(row)
        existing = _existing_refs([r.ref for r in parsed]) if parsed else set()
        fresh = [r for r in parsed if r.ref not in existing]
        result.skipped += len(parsed) - len(fresh)
        built = _build(fresh, ctx, errors) if fresh else []
        result.valid += len(parsed) - (len(fresh) - len(built))
        result.errors.extend(errors)
        if write and built and (valid_only or not result.errors):
            result.written += _write(built, ctx)
        result.total += len(chunk)
        if progress is not None:
            progress(len(chunk))

    rows = read_rows(source, HOTLINE_COLUMNS)
    if dry_run:
        for chunk in _batches(rows, chunk_size):
            run_chunk(chunk, write=False)
    elif valid_only:
        for chunk in _batches(rows, chunk_size):
            with transaction.atomic():
                run_chunk(chunk, write=True)
    else:
        try:
            with transaction.atomic():
                for chunk in _batches(rows, chunk_size):
                    run_chunk(chunk, write=not result.errors)
                if result.errors:
                    raise _Rollback
        except _Rollback:
            result.written = 0
    result.seconds = (timezone.now() - started).total_seconds()
    return result


def hotline_write_template(target: str | Path | IO[bytes]) -> None:
    write_template(target, HOTLINE_COLUMNS, title="12345热线工单")


__all__ = [
    "DEFAULT_CHUNK",
    "HOTLINE_COLUMNS",
    "FastDeadlines",
    "HotlineImportResult",
    "hotline_import",
    "hotline_write_template",
]
