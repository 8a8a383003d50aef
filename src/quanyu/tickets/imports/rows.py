"""From spreadsheet rows to checked, located, categorised tickets, a chunk at a time.

``Context`` reads everything a chunk needs once, in the importing thread: the catalogue and its
keyword rules, the grid index, the working-day calendar over every day an imported call can fall
on, the places the actor may register hotline tickets in. ``prepare`` then checks, locates and
categorises a chunk and gives it its deadlines without a single query, so it can run in a thread
beside the one writing to the database (see ``hotline_import``).

The work is done column by column where it can be (times, coordinates, locating, deadlines as
arrays; suggestions and the located columns cached per distinct value) and row by row only where
each row differs (the checks of its text fields, the encryption of its contact).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

import numpy as np
from django.utils import timezone
from django.utils.translation import gettext as _

from quanyu.areas.locate import grid_index
from quanyu.areas.models import Area, AreaKind
from quanyu.catalog.calendar import WorkCalendar
from quanyu.catalog.models import Category, Tier
from quanyu.catalog.suggest import CategoryMatcher, Suggestion
from quanyu.core.clock import LOCAL_TZ
from quanyu.core.geo import CRS_CHOICES, to_wgs84
from quanyu.core.permissions import grants_for
from quanyu.core.pii import encrypt_many, pii_hash, pii_hash_many
from quanyu.core.spreadsheets import Column, RowError
from quanyu.core.workflow.events import actor_label
from quanyu.tickets import intake_rules as rules
from quanyu.tickets import suggesting
from quanyu.tickets.access import CHANNEL_ROLES
from quanyu.tickets.imports.copytext import (
    COPY_ESCAPE,
    CopyLayout,
    Placement,
    escaped,
    id_or_null,
    timestamps,
)
from quanyu.tickets.imports.deadlines import (
    EPOCH_UTC,
    US,
    FastDeadlines,
    Micros,
    WorkingDayTable,
    aware,
    chunk_deadlines,
    fixed_offset,
)
from quanyu.tickets.models import Channel
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
_ORDER = {c.key: i for i, c in enumerate(HOTLINE_COLUMNS)}
_KEYS = tuple(c.key for c in HOTLINE_COLUMNS)
_ALL = itemgetter(*_KEYS)  # a record's cells in column order
_TIME_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y-%m-%d")
_TEN_YEARS = rules.RECEIVED_WITHIN
# The hotline export's own way of writing a call's time: parsed for a whole column at once.
_CALL_TIME = re.compile(r"\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01]) (?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d")
_CACHE_MAX = 200_000  # entries per cache of suggestions or located columns before it is cleared


class Context:
    """What every chunk needs, read once (all queries happen here, none in ``prepare``)."""

    def __init__(self, actor: Any, now: dt.datetime, *, copy: bool) -> None:
        self.actor = actor
        self.actor_id = actor.pk if getattr(actor, "is_authenticated", False) else None
        self.actor_name = actor_label(actor)
        self.now = now
        self.now_us = (now - EPOCH_UTC) // US
        self.local_now = now.astimezone(LOCAL_TZ).replace(tzinfo=None)
        self.local_now_us = (self.local_now - EPOCH_UTC.replace(tzinfo=None)) // US
        self.text_max = rules.text_max()
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
        # The routing model active now, for the whole import (None: the keyword rules alone).
        self.learned = suggesting.pinned(self.matcher)
        self.default_limits = rules.default_limits()
        self.index = grid_index()
        self.grid_paths = dict(Area.objects.filter(kind=AreaKind.GRID).values_list("id", "path"))
        if getattr(actor, "is_superuser", False):
            self.allowed: tuple[str, ...] | None = None
        else:
            roles = CHANNEL_ROLES[Channel.HOTLINE]
            self.allowed = tuple(g.area.path for g in grants_for(actor) if g.role in roles)
        self._calendar(items)
        self.copy = copy
        self.layout = CopyLayout(self.actor_id, self.actor_name) if copy else None
        # Caches filled by ``prepare`` (only ever by the one thread running it).
        self.suggestions: dict[str, Suggestion | None] = {}
        self.categories: dict[str, Category | None] = {}
        self.crs: dict[str, str] = {}
        self.placements: dict[tuple[int, int | None, int | None, float | None, int | None], Placement] = {}

    def _calendar(self, items: list[Category]) -> None:
        """The working-day table over every local day a call can be on (the ten years up to now,
        checked in ``_received``) and far enough past it for the longest limit; its years are read
        here. Also a per-row fallback for a zone with a changing offset."""
        first = (self.local_now - _TEN_YEARS).date() - dt.timedelta(days=2)
        last = self.local_now.date() + dt.timedelta(days=2)
        limits = [self.default_limits] + [
            (c.response_hours, c.completion_days, c.working_days) for c in items
        ]
        steps = max(max(days, math.ceil(hours / 24)) for hours, days, _w in limits) + 1
        calendar = WorkCalendar()
        offset = fixed_offset(first, last + dt.timedelta(days=2 * steps + 60))
        self.table = WorkingDayTable(calendar, first, last, steps, offset) if offset is not None else None
        if self.table is None:
            day = first
            while day <= last + dt.timedelta(days=2 * steps + 400):
                calendar.year_known(day.year)
                day += dt.timedelta(days=365)
        self.deadlines = FastDeadlines(calendar)

    def may_register_at(self, path: str) -> bool:
        return self.allowed is None or path.startswith(self.allowed)

    def category(self, raw: str) -> Category | None:
        hit = self.categories.get(raw, self)
        if hit is self:
            hit = self.by_code.get(raw) or self.by_name.get(raw)
            self.categories[raw] = hit
        return hit  # type: ignore[return-value]

    def suggest_many(self, texts: list[str]) -> list[Suggestion | None]:
        """A suggestion per text (``tickets.suggesting``: the active model's, else the keyword
        rules'), each distinct text asked once per import, the new ones in one batch."""
        cache = self.suggestions
        new = list(dict.fromkeys(t for t in texts if t not in cache))
        if new:
            if len(cache) + len(new) > _CACHE_MAX:
                cache.clear()
                new = list(dict.fromkeys(texts))
            cache.update(zip(new, suggesting.suggest_many(new, self.matcher, self.learned), strict=True))
        return [cache[t] for t in texts]

    def limits(self, category: Category | None) -> rules.Limits:
        return rules.limits_of(category, self.default_limits)


def _received(value: Any, now: dt.datetime, local_now: dt.datetime) -> dt.datetime | str:
    """The call's time (naive times are Beijing time), or an error message. ``local_now`` is
    ``now`` as a naive Beijing time: naive times are checked against it before the zone is
    attached."""
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
    if not rules.received_in_range(parsed, local_now if parsed.tzinfo is None else now):
        return _("来电时间须为十年内的过去时间")
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=LOCAL_TZ)
    return parsed


def _received_column(values: Sequence[Any], ctx: Context) -> tuple[Micros, list[tuple[int, str]]]:
    """Each call's time (``_received``) as microseconds since the epoch (UTC), and the positions
    of the bad ones with their messages. Cells written "2024-06-01 09:30:00" (the export's format)
    are parsed by numpy as one array when Beijing time has one UTC offset over the ten years
    (``ctx.table``); the other cells, the times out of range, and a chunk numpy refuses (a date
    such as 2024-02-30) go through ``_received`` one by one."""
    n = len(values)
    utc_us = np.zeros(n, dtype=np.int64)
    slow: Iterable[int] = range(n)
    table = ctx.table
    if table is not None and n:
        match = _CALL_TIME.fullmatch
        fast = [i for i, v in enumerate(values) if type(v) is str and match(v)]
        local: Micros | None = None
        if fast:
            try:
                local = np.array([values[i] for i in fast], dtype="datetime64[us]").astype(np.int64)
            except ValueError:
                local = None
        if local is not None:
            at = np.array(fast, dtype=np.int64)
            inside = (local >= ctx.local_now_us - _TEN_YEARS // US) & (local <= ctx.local_now_us)
            utc_us[at[inside]] = local[inside] - table.offset_us
            done = np.zeros(n, dtype=bool)
            done[at[inside]] = True
            slow = np.flatnonzero(~done).tolist()
    bad: list[tuple[int, str]] = []
    now, local_now = ctx.now, ctx.local_now
    for i in slow:
        received = _received(values[i], now, local_now)
        if isinstance(received, str):
            bad.append((i, received))
        else:
            utc_us[i] = ctx.now_us if received is now else (received - EPOCH_UTC) // US
    return utc_us, bad


def _number(value: Any) -> float:
    """``value`` as a finite float, else NaN (which fails every range check)."""
    if value in ("", None):
        return math.nan
    try:
        number = float(value)
    except (TypeError, ValueError):
        return math.nan
    return number if math.isfinite(number) else math.nan


def _numbers(values: Sequence[Any]) -> np.ndarray:
    try:  # the common case: every cell a number or a number's text
        numbers = np.fromiter(map(float, values), dtype=np.float64, count=len(values))
    except (TypeError, ValueError):
        return np.fromiter(map(_number, values), dtype=np.float64, count=len(values))
    return numbers


@dataclass
class Prepared:
    """One chunk, checked and built. ``refs`` are the work-order numbers of the rows that passed the
    checks (in order); ``late`` the errors found in locating them, with their numbers; ``kept`` the
    numbers of the rows built (``refs`` less ``late``), with, in the same order, ``tickets`` and
    ``events`` (COPY text, without the ids, when writing with COPY) or ``attrs`` (the field values
    and the event's payload, for ``bulk_create``)."""

    size: int
    errors: list[RowError] = field(default_factory=list)
    refs: list[str] = field(default_factory=list)
    late: list[tuple[str, RowError]] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    tickets: list[str] = field(default_factory=list)
    events: list[str] = field(default_factory=list)
    attrs: list[tuple[dict[str, Any], dict[str, Any]]] = field(default_factory=list)


def _check(
    chunk: list[tuple[int, dict[str, Any]]], ctx: Context, seen: set[str]
) -> tuple[list[RowError], list[int], dict[str, Any], Micros]:
    """Every field of every row checked (all of a row's errors, not only the first), then the work
    orders repeated in the file. Returns the errors, the positions of the good rows, the good
    rows' cleaned columns and their times (microseconds, UTC)."""
    records = [r for _n, r in chunk]
    n = len(records)
    bad: list[tuple[int, int, str]] = []  # (position, column order, message)
    cells: dict[str, Sequence[Any]] = dict.fromkeys(_KEYS, ())
    if n:
        cells = dict(zip(_KEYS, zip(*map(_ALL, records), strict=True), strict=True))

    def column(key: str) -> list[str]:
        try:  # every cell a text (a CSV; most sheets)
            return list(map(str.strip, cells[key]))
        except TypeError:
            return [v.strip() if type(v) is str else str(v).strip() for v in cells[key]]

    def flag(key: str, positions: Any, message: str) -> None:
        order = _ORDER[key]
        bad.extend((i, order, message) for i in positions)

    refs = column("external_ref")
    flag("external_ref", (i for i, v in enumerate(refs) if not v), _("必填"))
    flag(
        "external_ref",
        (i for i, v in enumerate(refs) if len(v) > rules.EXTERNAL_REF_MAX),
        _("不能超过 64 个字符"),
    )
    received, late = _received_column(cells["received_at"], ctx)
    bad.extend((i, _ORDER["received_at"], message) for i, message in late)
    texts = column("text")
    text_max = ctx.text_max
    flag("text", (i for i, v in enumerate(texts) if not v), _("必填"))
    flag(
        "text",
        (i for i, v in enumerate(texts) if len(v) > text_max),
        _("不能超过 %(n)d 字") % {"n": text_max},
    )
    names = column("contact_name")
    flag(
        "contact_name",
        (i for i, v in enumerate(names) if len(v) > rules.CONTACT_NAME_MAX),
        _("不能超过 50 字"),
    )
    phones = list(map(rules.contact_phone, column("contact_phone")))
    flag("contact_phone", (i for i, p in enumerate(phones) if p is None), _("联系电话格式不正确"))
    addresses = column("address")
    too_long = rules.ADDRESS_MAX
    flag("address", (i for i, v in enumerate(addresses) if len(v) > too_long), _("不能超过 200 字"))
    lons = _numbers(cells["lon"])
    lats = _numbers(cells["lat"])
    with np.errstate(invalid="ignore"):
        flag(
            "lon",
            np.flatnonzero(~((lons >= -180) & (lons <= 180))).tolist(),
            _("须为 -180 到 180 之间的数字"),
        )
        flag("lat", np.flatnonzero(~((lats >= -90) & (lats <= 90))).tolist(), _("须为 -90 到 90 之间的数字"))
    crs_of = ctx.crs
    crs: list[str] = []
    for v in column("crs"):
        known = crs_of.get(v)
        if known is None:
            known = crs_of[v] = v.lower() or "wgs84"
        crs.append(known)
    flag(
        "crs",
        (i for i, v in enumerate(crs) if v not in CRS_CHOICES),
        _("须为 %(choices)s 之一") % {"choices": "、".join(CRS_CHOICES)},
    )
    raw_categories = column("category")
    categories = [ctx.category(v) if v else None for v in raw_categories]
    for i, (raw, found) in enumerate(zip(raw_categories, categories, strict=True)):
        if raw and found is None:
            bad.append((i, _ORDER["category"], _("未知或未启用的事项：%(v)s") % {"v": raw[:40]}))

    failed = {i for i, _o, _m in bad}
    good: list[int] = []
    for i, ref in enumerate(refs):
        if i in failed:
            continue
        if ref in seen:
            bad.append((i, _ORDER["external_ref"], _("工单编号在文件中重复")))
            continue
        seen.add(ref)
        good.append(i)
    bad.sort(key=lambda b: (b[0], b[1]))
    numbers = [number for number, _r in chunk]
    keys = [c.key for c in HOTLINE_COLUMNS]
    errors = [RowError(numbers[i], HEADER[keys[order]], message) for i, order, message in bad]
    columns: dict[str, Any] = {
        "number": [numbers[i] for i in good],
        "ref": [refs[i] for i in good],
        "text": [texts[i] for i in good],
        "name": [names[i] for i in good],
        "phone": [phones[i] for i in good],
        "address": [addresses[i] for i in good],
        "crs": [crs[i] for i in good],
        "category": [categories[i] for i in good],
        "lon": lons[good],
        "lat": lats[good],
    }
    return errors, good, columns, received[good]


def _locate(lons: np.ndarray, lats: np.ndarray, crs: list[str], ctx: Context) -> tuple[np.ndarray, ...]:
    """(grid, community, street, wgs84 lon, wgs84 lat) per row, one lookup per crs."""
    n = len(crs)
    grid = np.full(n, -1, dtype=np.int64)
    community, street = grid.copy(), grid.copy()
    xs, ys = np.zeros(n), np.zeros(n)
    crs_of = np.array(crs)
    for name in set(crs):
        mask = crs_of == name
        x, y = to_wgs84(lons[mask], lats[mask], name)
        g, c, s = ctx.index.locate(x, y)
        grid[mask], community[mask], street[mask] = g, c, s
        xs[mask], ys[mask] = x, y
    return grid, community, street, xs, ys


def _placement(
    ctx: Context,
    grid: int,
    community: int,
    street: int,
    category: Category | None,
    suggestion: Suggestion | None,
) -> Placement:
    """What a ticket takes from its grid, category and suggestion (see ``Placement``). Cached: a
    few thousand grids times a few hundred categories at most."""
    suggested = suggestion.category if suggestion else None
    model = suggestion.model_version if suggestion else None
    key = (
        grid,
        category.pk if category else None,
        suggested.pk if suggested else None,
        suggestion.score if suggestion else None,
        model,
    )
    hit = ctx.placements.get(key)
    if hit is not None:
        return hit
    community_id = community if community >= 0 else None
    street_id = street if street >= 0 else None
    basis = rules.basis(category, suggestion)
    first = rules.first_tier(
        basis, grid, community_id, street_id, triage=suggesting.needs_triage(category, suggestion)
    )
    assert first is not None  # located: the grid at least
    tier, handling_id = first
    path = ctx.grid_paths.get(grid, "")
    score = suggestion.score if suggestion else None
    department = suggesting.suggest_department(basis, path, ctx.learned)
    department_id = department[0] if department else None
    columns = "\t".join(
        (
            path.translate(COPY_ESCAPE),
            str(grid),
            id_or_null(community_id),
            id_or_null(street_id),
            id_or_null(category.pk if category else None),
            id_or_null(suggested.pk if suggested else None),
            "\\N" if score is None else repr(score),
            id_or_null(model),
            id_or_null(department_id),
            str(tier.value),
            str(handling_id),
        )
    )
    payload = {
        "channel": Channel.HOTLINE.value,
        "tier": str(tier),
        "handling_area": handling_id,
        "category": category.code if category else None,
        "suggested": suggested.code if suggested else None,
        "score": score,
        "model": model,
        "imported": True,
    }
    kept = {k: v for k, v in payload.items() if v is not None}
    text = json.dumps(kept, ensure_ascii=False).translate(COPY_ESCAPE)
    hit = Placement(columns, text, Tier(tier), handling_id, kept, model, department_id)
    if len(ctx.placements) >= _CACHE_MAX:
        ctx.placements.clear()
    ctx.placements[key] = hit
    return hit


def prepare(
    chunk: list[tuple[int, dict[str, Any]]], ctx: Context, seen: set[str], *, build: bool
) -> Prepared:
    """One chunk checked, located, categorised and (``build``) written out, without a query."""
    errors, _good, cols, utc_us = _check(chunk, ctx, seen)
    prepared = Prepared(size=len(chunk), errors=errors, refs=cols["ref"])
    if not prepared.refs:
        return prepared
    grid, community, street, xs, ys = _locate(cols["lon"], cols["lat"], cols["crs"], ctx)
    allowed: dict[int, bool] = {}
    keep: list[int] = []
    for i, g in enumerate(grid.tolist()):
        if g < 0:
            message = _("该位置不在本市任何网格内")
        else:
            ok = allowed.get(g)
            if ok is None:
                ok = allowed[g] = ctx.may_register_at(ctx.grid_paths.get(g, ""))
            if ok:
                keep.append(i)
                continue
            message = _("该位置不在您的管辖范围内")
        prepared.late.append((cols["ref"][i], RowError(cols["number"][i], HEADER["lon"], message)))
    prepared.kept = [cols["ref"][i] for i in keep]
    if not build or not keep:
        return prepared
    texts = [cols["text"][i] for i in keep]
    categories = [cols["category"][i] for i in keep]
    suggestions = ctx.suggest_many(texts)
    bases = list(map(rules.basis, categories, suggestions))
    utc_us = utc_us[keep]
    grid, community, street = grid[keep].tolist(), community[keep].tolist(), street[keep].tolist()
    lons, lats = xs[keep].tolist(), ys[keep].tolist()
    limits = list(map(ctx.limits, bases))
    response, completion, estimated = chunk_deadlines(utc_us, limits, ctx.table, ctx.deadlines)
    placements = [
        _placement(ctx, *args) for args in zip(grid, community, street, categories, suggestions, strict=True)
    ]
    refs, names, phones = prepared.kept, [cols["name"][i] for i in keep], [cols["phone"][i] for i in keep]
    addresses = [cols["address"][i] for i in keep]
    if not ctx.copy:
        prepared.attrs = _attrs(
            ctx,
            zip(texts, addresses, refs, names, phones, lons, lats, grid, community, street, strict=True),
            zip(categories, suggestions, placements, strict=True),
            (utc_us.tolist(), response.tolist(), completion.tolist(), estimated.tolist()),
        )
        return prepared
    created = timestamps(utc_us)
    estimates = ["t" if e else "f" for e in estimated.tolist()]
    layout = ctx.layout
    assert layout is not None
    suffix = "\t".join([timezone.now().isoformat(), *layout.constant_text]) + "\n"
    prepared.tickets = [
        f"{t}\t{a}\t{r}\t{x!r}\t{y!r}\t{nm}\t{ph}\t{h}\t{rd}\t{cd}\t{e}\t{c}\t{p.columns}\t{suffix}"
        for t, a, r, x, y, nm, ph, h, rd, cd, e, c, p in zip(
            escaped(texts),
            escaped(addresses),
            escaped(refs),
            lons,
            lats,
            encrypt_many(names),
            encrypt_many(phones),
            pii_hash_many("phone", phones),
            timestamps(response),
            timestamps(completion),
            estimates,
            created,
            placements,
            strict=True,
        )
    ]
    prefix, middle = layout.event_prefix, layout.event_middle
    prepared.events = [
        f"{prefix}\t{c}{middle}{p.payload_text}\n" for c, p in zip(created, placements, strict=True)
    ]
    return prepared


def _attrs(
    ctx: Context,
    rows: Iterable[tuple[str, str, str, str, str, float, float, int, int, int]],
    basis: Iterable[tuple[Category | None, Suggestion | None, Placement]],
    times: tuple[list[int], list[int], list[int], list[bool]],
) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """Field values and event payloads for ``bulk_create`` (backends without COPY)."""
    out: list[tuple[dict[str, Any], dict[str, Any]]] = []
    for row, (category, suggestion, placement), created, response, completion, estimated in zip(
        rows, basis, *times, strict=True
    ):
        text, address, ref, name, phone, lon, lat, grid, community, street = row
        suggested = suggestion.category if suggestion else None
        attrs = {
            "text": text,
            "address": address,
            "lon": lon,
            "lat": lat,
            "grid_id": grid,
            "community_id": community if community >= 0 else None,
            "street_id": street if street >= 0 else None,
            "area_path": ctx.grid_paths.get(grid, ""),
            "channel": Channel.HOTLINE,
            "external_ref": ref,
            "created_by_id": ctx.actor_id,
            "contact_name": name,
            "contact_phone": phone,
            "contact_phone_hash": pii_hash("phone", phone),
            "category_id": category.pk if category else None,
            "suggested_category_id": suggested.pk if suggested else None,
            "suggestion_score": suggestion.score if suggestion else None,
            "suggestion_model": placement.model,
            "suggested_department_id": placement.department_id,
            "status": INITIAL_STATUS,
            "tier": placement.tier,
            "handling_area_id": placement.handling_id,
            "response_due": aware(response),
            "completion_due": aware(completion),
            "deadline_estimated": estimated,
            "created_at": aware(created),
        }
        out.append((attrs, placement.payload))
    return out


__all__ = ["HEADER", "HOTLINE_COLUMNS", "Context", "Prepared", "prepare"]
