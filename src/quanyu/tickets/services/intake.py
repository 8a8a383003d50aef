"""Intake: creating a ticket from any channel, and staff confirming its category."""

from __future__ import annotations

import datetime as dt
import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from quanyu.areas.locate import layer_revision, locate_point
from quanyu.areas.models import Area, AreaKind
from quanyu.catalog.models import Category
from quanyu.core.geo import CRS_CHOICES
from quanyu.core.memo import RevisedMemo
from quanyu.core.permissions import grants_for, has_role
from quanyu.core.pii import pii_hash
from quanyu.core.roles import Role
from quanyu.core.rows import gathered, insert_many, insert_one, new
from quanyu.tickets import events as ev
from quanyu.tickets import intake_rules as rules
from quanyu.tickets import notifications as notes
from quanyu.tickets import suggesting
from quanyu.tickets.access import CHANNEL_ROLES, TIER_OWNER, deny, require_tier
from quanyu.tickets.events import new_event
from quanyu.tickets.intake_rules import TicketDraftInput
from quanyu.tickets.models import Channel, Ticket, TicketEvent, TicketPhoto
from quanyu.tickets.photos import clean_photos
from quanyu.tickets.services._base import (
    check_ticket,
    lock_ticket,
    move,
    save_photos,
    seen_status,
)
from quanyu.tickets.services.window import limits_start, notice_locked
from quanyu.tickets.states import INITIAL_STATUS, OPEN_STATUSES

logger = logging.getLogger(__name__)
_CHANNELS = frozenset(Channel.values)  # (``Channel.values`` builds its list on every call)
ANONYMOUS_CHANNELS = frozenset({Channel.WEB, Channel.OPEN311})


def _department(basis: Category | None, place: Area) -> int | None:
    """The department the routing model expects to resolve the ticket (a hint for the street's
    dispatch), or None."""
    hit = suggesting.suggest_department(basis, place.path)
    return hit[0] if hit else None


def _authenticated(actor: Any) -> bool:
    return actor is not None and getattr(actor, "is_authenticated", False)


def _located(
    lon: float | None, lat: float | None, crs: str, area: Area | None
) -> tuple[Area | None, Area | None, Area | None, Area]:
    """(grid, community, street, most specific area) for the point or the given area."""
    if lon is not None or lat is not None:
        if lon is None or lat is None:
            raise ValidationError({"lon" if lon is None else "lat": _("经纬度须同时提供")})
        try:
            x, y = float(lon), float(lat)
        except (TypeError, ValueError):
            raise ValidationError({"lon": _("经纬度必须是数字")}) from None
        if not (math.isfinite(x) and math.isfinite(y)) or not (-180 <= x <= 180 and -90 <= y <= 90):
            raise ValidationError({"lon": _("经纬度超出范围")})
        if crs not in CRS_CHOICES:
            raise ValidationError(
                {"crs": _("坐标系须为 %(choices)s 之一") % {"choices": "、".join(CRS_CHOICES)}}
            )
        grid_id, community_id, street_id = locate_point(x, y, crs=crs)
        if grid_id < 0:
            raise ValidationError({"lon": _("该位置不在本市任何网格内")})
        # The index knows the community and street: the three areas come from the per-process
        # cache, or one query.
        found = area_triples.value(
            (grid_id, community_id, street_id), lambda: _read_triple(grid_id, community_id, street_id)
        )
        if found is None:  # deleted since the index was checked
            raise ValidationError({"lon": _("该位置不在本市任何网格内")})
        return found[0], found[1], found[2], found[0]
    elif area is not None:
        if area.kind not in (AreaKind.GRID, AreaKind.COMMUNITY, AreaKind.STREET, AreaKind.BUILDING):
            raise ValidationError({"area": _("请选择街道、社区或网格")})
        grid = area if area.kind == AreaKind.GRID else None
        if area.kind == AreaKind.BUILDING:
            grid = Area.objects.get_parent(area)
        if grid is None:
            ancestors = _ancestors_by_kind(area)
            return None, ancestors.get(AreaKind.COMMUNITY), ancestors[AreaKind.STREET], area
    else:
        raise ValidationError({"lon": _("请在地图上选择位置或提供所在区域")})
    assert grid is not None
    ancestors = _ancestors_by_kind(grid)
    return grid, ancestors.get(AreaKind.COMMUNITY), ancestors.get(AreaKind.STREET), grid


_Triple = tuple[Area, Area | None, Area | None]


# (grid, community, street) Area rows by grid id, per process (a core.memo.RevisedMemo): trusted
# for QUANYU_REVISION_RECHECK_SECONDS, then re-validated by the area layer's revision (the grid
# index's); forgotten at once when an Area is saved or deleted in this process.
area_triples: RevisedMemo[_Triple | None] = RevisedMemo("tickets.area_triples", layer_revision)
area_triples.forget_when_changed(Area)


def _read_triple(grid_id: int, community_id: int, street_id: int) -> _Triple | None:
    wanted = [i for i in (grid_id, community_id, street_id) if i >= 0]
    by_id = {a.pk: a for a in Area.objects.filter(pk__in=wanted)}
    grid = by_id.get(grid_id)
    return None if grid is None else (grid, by_id.get(community_id), by_id.get(street_id))


def _ancestors_by_kind(area: Area) -> dict[str, Area]:
    """The area and its ancestors by kind (one query over the path prefixes)."""
    step = area.steplen
    prefixes = [area.path[:i] for i in range(step, len(area.path) + 1, step)]
    return {a.kind: a for a in Area.objects.filter(path__in=prefixes)}


def _check_category(category: Category | None, *, field: str = "category") -> None:
    if category is not None and (not category.is_item or not category.active):
        raise ValidationError({field: _("请选择一个启用的事项小类")})


@dataclass
class _Draft:
    """A checked, located, categorised request not yet written (``_draft``): the ticket carries
    what it was given (channel, tier, areas, category, suggestion, time), the rest is here."""

    ticket: Ticket
    actor: Any
    missing: list[str]
    photos: list[Any]
    external_ref: str  # as given (the error for a number imported before names it so)

    def event(self) -> TicketEvent:
        t = self.ticket
        suggested = t.suggested_category
        return new_event(
            ticket=t,
            actor=self.actor,
            at=t.created_at,
            from_status="",
            to_status=INITIAL_STATUS,
            **ev.created(
                channel=t.channel,
                tier=t.tier,
                handling_area=t.handling_area_id,
                category=t.category.code if t.category else None,
                suggested=suggested.code if suggested else None,
                score=t.suggestion_score,
                model=t.suggestion_model,
                building=t.building_id,
            ).as_fields(),
        )

    def notify(self) -> None:
        """Tell the first tier (in-app rows join the caller's transaction)."""
        t = self.ticket
        notes.to_tier(
            t.pk,
            t.handling_area.path,
            TIER_OWNER[t.tier],
            "ticket_created",
            _("新诉求待受理：%(text)s") % {"text": t.text[:30]},
        )


def _draft(r: TicketDraftInput) -> _Draft:
    """The new ticket for request ``r``, checked, located and categorised, not yet written.

    Located by the point (``lon``/``lat`` in ``crs``) to its grid, or by ``area`` (or
    ``building``) when no point is given; suggested a category by the catalogue's keyword rules;
    the first tier and the limits come from ``category`` (else the suggestion, else the defaults).
    ``building`` records the building the problem was reported in (it must lie in the located
    grid); on a staff channel a building head who names none records their own building when it
    lies in that grid.
    ``web``/``open311`` accept anonymous actors; ``api`` needs a logged-in actor;
    ``patrol``/``window``/``hotline`` need a staff role covering the place (the building, when one
    is recorded: so a building head reports for their building). ``contact_email`` is checked
    and kept encrypted like the phone (shown masked). At the window, a one-window item
    with required materials missing is refused, unless ``notice_missing``: then the application is
    registered with the one-time notice of what is missing (一次性告知, limits suspended until the
    materials are complete; ``window_materials_receive``). ``received_at`` (not for web/open311: a
    hotline work order's own time, an offline patrol record) dates the ticket and counts its limits
    from then. With ``idempotency_key``, a retry by the same actor returns the first ticket instead
    of creating a twin (another actor's key is refused).
    """
    actor, channel, category, lon, lat = r.actor, r.channel, r.category, r.lon, r.lat
    area, building = r.area, r.building  # (a building given alone locates; see below)
    if channel not in _CHANNELS:
        raise ValidationError({"channel": _("未知的来源渠道")})
    idempotency_key = r.idempotency_key
    if idempotency_key:
        idempotency_key = idempotency_key.strip()
        if len(idempotency_key) > 128:
            raise ValidationError({"idempotency_key": _("幂等键不能超过 128 个字符")})
        # No read first: the unique constraint on the key answers a retry (see the end).
    body = (r.text or "").strip()
    if not body:
        raise ValidationError({"text": _("请填写诉求内容")})
    if len(body) > rules.text_max():
        raise ValidationError({"text": _("诉求内容不能超过 %(n)d 字") % {"n": rules.text_max()}})
    if channel not in ANONYMOUS_CHANNELS and not _authenticated(actor):
        raise deny()
    _check_category(category)
    phone = rules.contact_phone(r.contact_phone or "")
    if phone is None:
        raise ValidationError({"contact_phone": _("联系电话格式不正确")})
    if len(r.contact_name or "") > rules.CONTACT_NAME_MAX:
        raise ValidationError({"contact_name": _("联系人不能超过 50 字")})
    email = _clean_email(r.contact_email)
    if len(r.address or "") > rules.ADDRESS_MAX:
        raise ValidationError({"address": _("地址不能超过 200 字")})
    notice_missing = r.notice_missing
    if notice_missing and channel != Channel.WINDOW:
        raise ValidationError({"notice_missing": _("只有一窗受理渠道可以出具一次性告知")})
    if building is not None and building.kind != AreaKind.BUILDING:
        raise ValidationError({"building": _("请选择楼栋")})
    if building is not None and lon is None and lat is None:
        # No point: the building locates the ticket (an area given too must contain it).
        if area is not None and not building.path.startswith(area.path):
            raise ValidationError({"building": _("所选楼栋不在所选区域内")})
        area = building
    grid, community, street, place = _located(lon, lat, r.crs, area)
    if building is None and area is not None and area.kind == AreaKind.BUILDING:
        building = area
    if building is None and grid is not None and channel in CHANNEL_ROLES:
        # Staff channels read the actor's grants anyway (the check below).
        building = _own_building(actor, grid)
    if building is not None and (grid is None or not building.path.startswith(grid.path)):
        raise ValidationError({"building": _("所选楼栋不在问题位置所在的网格内")})
    where = building or place
    if channel in CHANNEL_ROLES and not has_role(actor, CHANNEL_ROLES[channel], at_path=where.path):
        raise deny()
    received = [m.strip() for m in r.materials if m and m.strip()]
    missing: list[str] = []
    if channel == Channel.WINDOW and category is not None and category.is_one_window:
        missing = [m for m in category.materials if m not in received]
        if missing and not notice_missing:
            raise ValidationError({"materials": _("缺少申请材料：%(items)s") % {"items": "、".join(missing)}})
    if notice_missing and not missing:
        raise ValidationError({"notice_missing": _("申请材料已齐全，无需一次性告知")})
    cleaned = clean_photos(list(r.photos)) if r.photos else []
    suggestion = suggesting.suggest(body)
    basis = rules.basis(category, suggestion)
    first = rules.first_tier(
        basis, grid, community, street, triage=suggesting.needs_triage(category, suggestion)
    )
    if first is None:
        raise ValidationError({"area": _("无法确定承办区域")})
    tier, handling = first
    now = timezone.now()
    received_at = r.received_at
    if received_at is not None:
        if channel in ANONYMOUS_CHANNELS:
            raise ValidationError({"received_at": _("该渠道不能指定受理时间")})
        if received_at.tzinfo is None or not rules.received_in_range(received_at, now):
            raise ValidationError({"received_at": _("受理时间须为十年内的过去时间（含时区）")})
        now = received_at
    response_due, completion_due = rules.deadlines_from(now, basis)
    ticket = new(
        Ticket,
        text=body,
        address=(r.address or "").strip(),
        lon=float(lon) if lon is not None and r.crs == "wgs84" else None,
        lat=float(lat) if lat is not None and r.crs == "wgs84" else None,
        grid=grid,
        community=community,
        street=street,
        area_path=place.path,
        building=building,
        building_path=building.path if building is not None else "",
        channel=channel,
        external_ref=(r.external_ref or "").strip()[: rules.EXTERNAL_REF_MAX],
        requester=actor
        if _authenticated(actor) and channel in (Channel.WEB, Channel.API, Channel.OPEN311)
        else None,
        created_by=actor if _authenticated(actor) else None,
        contact_name=(r.contact_name or "").strip(),
        contact_phone=phone,
        contact_phone_hash=pii_hash("phone", phone),
        contact_email=email,
        category=category,
        suggested_category=suggestion.category if suggestion else None,
        suggestion_score=suggestion.score if suggestion else None,
        suggestion_model=suggestion.model_version if suggestion else None,
        suggested_department_id=_department(basis, place),
        materials=received,
        status=INITIAL_STATUS,
        tier=tier,
        handling_area=handling,
        response_due=response_due.at,
        completion_due=completion_due.at,
        deadline_estimated=response_due.estimated or completion_due.estimated,
        idempotency_key=idempotency_key or None,
        created_at=now,
    )
    if ticket.lon is None and lon is not None:
        # Stored WGS-84: convert GCJ-02 / BD-09 input once.
        from quanyu.core.geo import to_wgs84

        x, y = to_wgs84([float(lon)], [float(lat or 0)], r.crs)
        ticket.lon, ticket.lat = float(x[0]), float(y[0])
    return _Draft(ticket=ticket, actor=actor, missing=missing, photos=cleaned, external_ref=r.external_ref)


def _write_one(draft: _Draft) -> Ticket:
    """Write ``draft`` in a transaction of its own; a retried idempotency key answers the first
    ticket (``replayed``), a hotline number imported before is a clear 400."""
    ticket, actor = draft.ticket, draft.actor
    try:
        with transaction.atomic():
            insert_one(ticket)
            save_photos(draft.photos, ticket=ticket, kind=TicketPhoto.Kind.REPORT, actor=actor)
            insert_one(draft.event())
            if draft.missing:
                notice_locked(ticket, actor=actor, now=ticket.created_at, missing=draft.missing, note="")
            draft.notify()
    except IntegrityError:
        _unsaved(ticket)
        # A retry (or a concurrent twin) of a key already used: the insert hit the unique
        # constraint and was rolled back whole; answer the first ticket.
        if ticket.idempotency_key:
            hit = _idempotent_hit(actor, ticket.idempotency_key)
            if hit is not None:
                return hit
        if draft.external_ref and ticket.channel == Channel.HOTLINE:
            # The partial unique constraint on hotline work-order numbers: a clear 400, not a 500.
            raise ValidationError(
                {"external_ref": _("热线工单编号 %(ref)s 已导入") % {"ref": draft.external_ref}},
                code="duplicate",
            ) from None
        raise
    ticket.replayed = False  # type: ignore[attr-defined]
    return ticket


def ticket_create(
    *,
    actor: Any,
    text: str,
    channel: str,
    lon: float | None = None,
    lat: float | None = None,
    crs: str = "wgs84",
    area: Area | None = None,
    building: Area | None = None,
    category: Category | None = None,
    address: str = "",
    contact_name: str = "",
    contact_phone: str = "",
    contact_email: str = "",
    photos: Sequence[Any] = (),
    materials: Sequence[str] = (),
    notice_missing: bool = False,
    idempotency_key: str | None = None,
    external_ref: str = "",
    received_at: dt.datetime | None = None,
) -> Ticket:
    """Register a request and put it in the inbox of the tier that handles it first: drawn up
    (checked, located, categorised: ``_draft``, which says what each argument does), then written
    (``_write_one``)."""
    request = TicketDraftInput(
        actor=actor,
        text=text,
        channel=channel,
        lon=lon,
        lat=lat,
        crs=crs,
        area=area,
        building=building,
        category=category,
        address=address,
        contact_name=contact_name,
        contact_phone=contact_phone,
        contact_email=contact_email,
        photos=photos,
        materials=materials,
        notice_missing=notice_missing,
        idempotency_key=idempotency_key,
        external_ref=external_ref,
        received_at=received_at,
    )
    return _write_one(_draft(request))


def _unsaved(ticket: Ticket) -> None:
    """Mark ``ticket`` new again after its insert was rolled back."""
    ticket.pk = None
    ticket._state.adding = True


def ticket_create_batch(requests: Sequence[dict[str, Any]]) -> list[Ticket | Exception]:
    """``ticket_create`` for several requests at once (the API's intake lane gathers the requests
    that arrive together): each is checked on its own, and a request that fails its checks gets
    its error (``ValidationError``/``PermissionDenied``; an unexpected one is logged) in its place
    of the answer while the others go on. The valid ones are written together in one transaction,
    a few statements for the lot instead of a few for each. If that transaction fails on a unique
    key (a retried idempotency key, a hotline number already imported), nothing of it stays and
    each request is written on its own, as ``ticket_create`` would: the retries answer their
    first tickets.
    Requests with photos or with missing materials are written on their own too.
    """
    results: list[Ticket | Exception | None] = [None] * len(requests)
    together: list[tuple[int, _Draft]] = []
    alone: list[tuple[int, _Draft]] = []
    for i, request in enumerate(requests):
        try:
            draft = _draft(TicketDraftInput(**request))
        except (ValidationError, PermissionDenied) as exc:
            results[i] = exc
            continue
        except Exception as exc:  # one request's surprise stays its own: the others go on
            logger.exception("ticket_create_batch: drawing up request %d failed", i)
            results[i] = exc
            continue
        (alone if draft.photos or draft.missing else together).append((i, draft))
    if together:
        try:
            with transaction.atomic(), gathered():
                insert_many([d.ticket for _i, d in together], returning=True)
                insert_many([d.event() for _i, d in together])
                for _i, draft in together:
                    draft.notify()
        except IntegrityError:
            for _i, draft in together:
                _unsaved(draft.ticket)
            alone = sorted(alone + together, key=lambda pair: pair[0])
        else:
            for i, draft in together:
                draft.ticket.replayed = False  # type: ignore[attr-defined]
                results[i] = draft.ticket
    for i, draft in alone:
        try:
            results[i] = _write_one(draft)
        except (ValidationError, PermissionDenied) as exc:
            results[i] = exc
    assert all(r is not None for r in results)
    return results  # type: ignore[return-value]


def _clean_email(value: str | None) -> str:
    """A contact e-mail address, checked, with its domain in lower case ("" when none)."""
    email = (value or "").strip()
    if not email:
        return ""
    if len(email) > 254:
        raise ValidationError({"contact_email": _("联系邮箱不能超过 254 个字符")})
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"contact_email": _("联系邮箱格式不正确")}) from None
    local, _at, domain = email.rpartition("@")
    return f"{local}@{domain.lower()}"


def _own_building(actor: Any, grid: Area) -> Area | None:
    """The building a building head reports for by default: the one building of their grants
    inside ``grid`` (None when they hold none there, or several)."""
    mine = [
        g.area
        for g in grants_for(actor)
        if g.role == Role.BUILDING_HEAD
        and g.area.kind == AreaKind.BUILDING
        and g.area.path.startswith(grid.path)
    ]
    return mine[0] if len(mine) == 1 else None


def _idempotent_hit(actor: Any, key: str) -> Ticket | None:
    """The ticket first created with ``key`` (marked ``replayed = True``), None if there is none;
    another actor's key is refused."""
    existing = Ticket.objects.filter(idempotency_key=key).first()
    if existing is None:
        return None
    actor_id = actor.pk if _authenticated(actor) else None
    if existing.created_by_id != actor_id:
        raise ValidationError({"idempotency_key": _("该幂等键已被其他请求使用")})
    existing.replayed = True  # type: ignore[attr-defined]
    return existing


def ticket_categorise(*, actor: Any, ticket: Ticket, category: Category) -> Ticket:
    """Staff confirm or change the category; the ticket's limits are recounted under the new
    category's rules from when the current round of handling began: its submission, its last
    reopening (a reopened ticket keeps the fresh time it was given) or the completion of the
    materials of a one-time notice. Limits suspended by a pending notice stay suspended."""
    _check_category(category)
    with transaction.atomic():
        locked = lock_ticket(ticket)
        require_tier(actor, locked)
        check_ticket(
            locked, locked.status, seen=seen_status(ticket), action=_("确认分类"), only_from=OPEN_STATUSES
        )
        previous = locked.category.code if locked.category else None
        locked.category = category
        if locked.materials_notice_at is None:
            response_due, completion_due = rules.deadlines_from(limits_start(locked), category)
            locked.response_due = response_due.at
            locked.completion_due = completion_due.at
            locked.deadline_estimated = response_due.estimated or completion_due.estimated
        move(
            locked,
            to=locked.status,
            actor=actor,
            now=timezone.now(),
            fields=["category", "response_due", "completion_due", "deadline_estimated"],
            event=ev.categorised(previous=previous, category=category.code),
        )
    return locked
