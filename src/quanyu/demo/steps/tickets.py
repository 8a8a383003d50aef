"""The request catalogue and a few hundred tickets in every state of the e呼应 loop.

The catalogue is ``quanyu.catalog.seed`` (12 categories, Zhifu/Luoyang-like items, one-window
items with materials, Open311 services). Tickets are made and moved only through
``quanyu.tickets.services``, each step by a user who holds that tier's role there (the grid's
worker, the community's and street's staff, the department's handler), so timelines read as they
would in real use. Hotline, patrol and window tickets are dated over the last six weeks
(``received_at``), so the supervision board has overdue work; this is the one place the step reads
the clock (the build's date), everything else comes from the seeded generators.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import prefetch_related_objects
from django.utils import timezone

from quanyu.accounts.models import RoleGrant
from quanyu.areas.models import Area
from quanyu.catalog.models import Category
from quanyu.catalog.seed import catalog_seed_demo
from quanyu.catalog.services import holidays_seed_from_package
from quanyu.core.roles import Role
from quanyu.demo.context import DemoContext
from quanyu.tickets import services
from quanyu.tickets.models import Channel, Ticket, Whistle
from quanyu.tickets.states import WHISTLE_OPEN

TITLE = "服务事项与诉求工单"

TICKETS = 400
MIN_TICKETS = 60
# Where each ticket ends up, with weights.
OUTCOMES = (
    ("new", 12),
    ("accepted", 12),
    ("at_street", 8),
    ("whistled", 14),
    ("responded", 10),
    ("resolved_local", 6),
    ("closed_local", 14),
    ("closed_whistled", 12),
    ("reopened", 4),
    ("returned", 3),
    ("cancelled", 3),
    ("transferred", 2),
)
TEMPLATES = (
    "{place}{kw}，已经好几天了，请尽快处理。",
    "反映{place}{kw}问题，影响居民生活。",
    "{place}附近{kw}，希望有关部门管一管。",
    "{kw}：{place}，麻烦派人看看。",
)
LEVELS = (("satisfied", 70), ("basically", 20), ("dissatisfied", 10))


def _first_by_path(role: str) -> dict[str, Any]:
    """The first user holding ``role`` at each area, by the area's path."""
    found: dict[str, Any] = {}
    for grant in RoleGrant.objects.filter(role=role).select_related("user", "area").order_by("id"):
        found.setdefault(grant.area.path, grant.user)
    return found


def _handlers() -> dict[int, Any]:
    found: dict[int, Any] = {}
    for grant in RoleGrant.objects.filter(role=Role.DEPARTMENT_HANDLER, unit__isnull=False).select_related(
        "user"
    ):
        if grant.unit_id is not None:
            found.setdefault(grant.unit_id, grant.user)
    return found


def _pick(ctx: DemoContext, weighted: tuple[tuple[str, int], ...]) -> str:
    return ctx.rng.choices([w[0] for w in weighted], weights=[w[1] for w in weighted])[0]


def run(ctx: DemoContext) -> None:
    holidays_seed_from_package()  # `demo build --reset` flushes the table its migration seeded
    items = catalog_seed_demo()
    if not ctx.buildings or not items:
        return
    total = max(MIN_TICKETS, round(TICKETS * ctx.scale))
    task = ctx.progress("诉求工单", total=total)
    staff = {
        "grid": _first_by_path(Role.GRID_WORKER),
        "community": _first_by_path(Role.COMMUNITY_STAFF),
        "street": _first_by_path(Role.STREET_STAFF),
    }
    handlers = _handlers()
    residents = list(ctx.users.get(Role.RESIDENT, []))
    prefetch_related_objects(items, "departments")  # one query for the 120 items' departments
    departments = {d.pk: d for c in items for d in c.departments.all()}
    now = timezone.now()
    made = 0
    for n in range(total):
        building = ctx.buildings[ctx.rng.randrange(len(ctx.buildings))]
        category = ctx.rng.choice(items)
        try:
            ticket = _make(ctx, n, building, category, residents, staff, now)
            _advance(ctx, ticket, _pick(ctx, OUTCOMES), staff, handlers, departments)
            made += 1
        except (ValidationError, PermissionDenied):
            pass  # a combination the rules refuse (e.g. no handler account): skip it
        task.advance(1)
    ctx.extra["tickets"] = made


def _make(
    ctx: DemoContext,
    n: int,
    building: Area,
    category: Category,
    residents: list[Any],
    staff: dict,
    now: dt.datetime,
) -> Ticket:
    keyword = (category.keyword_list or [category.name])[0]
    what = keyword if ctx.rng.random() < 0.7 else category.name
    text = ctx.rng.choice(TEMPLATES).format(place=building.name, kw=what)
    step = building.steplen
    grid_path, community_path, street_path = (
        building.path[: len(building.path) - k * step] for k in (1, 2, 3)
    )
    extra: dict[str, Any] = {}
    if category.is_one_window:
        actor, channel = staff["community"].get(community_path), Channel.WINDOW
        extra = {"category": category, "materials": list(category.materials)}
    else:
        roll = ctx.rng.random()
        if roll < 0.35 and residents:
            actor, channel = ctx.rng.choice(residents), Channel.WEB
        elif roll < 0.7:
            actor, channel = staff["grid"].get(grid_path), Channel.PATROL
        else:
            actor, channel = staff["street"].get(street_path), Channel.HOTLINE
            extra = {
                "external_ref": f"12345-{n:06d}",
                "contact_name": ctx.faker.name(),
                "contact_phone": ctx.faker.phone_number(),
            }
    if channel != Channel.WEB:
        extra["received_at"] = now - dt.timedelta(minutes=ctx.rng.randrange(60, 60 * 24 * 42))
    return services.ticket_create(
        actor=actor or ctx.actor,
        channel=channel,
        text=text,
        lon=building.lon,
        lat=building.lat,
        address=building.name,
        **extra,
    )


def _advance(
    ctx: DemoContext,
    t: Ticket,
    outcome: str,
    staff: dict,
    handlers: dict[int, Any],
    departments: dict[int, Any],
) -> None:
    def tier_actor(ticket: Ticket) -> Any:
        return staff[ticket.tier].get(ticket.handling_area.path) or ctx.actor

    def street_actor(ticket: Ticket) -> Any:
        return staff["street"].get(ticket.street.path if ticket.street else "") or ctx.actor

    if outcome == "new":
        return
    if t.category is None and t.suggested_category is not None:
        t = services.ticket_categorise(actor=tier_actor(t), ticket=t, category=t.suggested_category)
    if outcome == "cancelled":
        services.ticket_cancel(actor=tier_actor(t), ticket=t, reason="诉求人来电表示已自行解决")
        return
    if outcome == "transferred":
        services.ticket_transfer_emergency(
            actor=tier_actor(t), ticket=t, target="119", note="现场有明火，已转119"
        )
        return
    local = outcome in ("accepted", "resolved_local", "closed_local", "reopened")
    if local:
        t = services.ticket_accept(actor=tier_actor(t), ticket=t)
        if outcome == "accepted":
            return
        t = services.ticket_resolve(actor=tier_actor(t), ticket=t, explanation="已现场处理完毕，拍照留存。")
        if outcome == "resolved_local":
            return
        if outcome == "reopened":
            services.ticket_reopen(actor=street_actor(t), ticket=t, reason="诉求人反映问题复发")
            return
        _rate(ctx, t)
        return
    while t.tier != "street":
        t = services.ticket_escalate(actor=tier_actor(t), ticket=t, reason="本级无法解决，提请上级协调")
    t = services.ticket_accept(actor=street_actor(t), ticket=t)
    if outcome == "at_street":
        return
    category = t.category or t.suggested_category
    units = list(category.departments.all()) if category is not None else []
    if not units:
        units = [departments[min(departments)]]
    lead = units[0]
    whistles = services.ticket_whistle(
        actor=street_actor(t), ticket=t, departments=units[:2], lead=lead, note="请按时限响应办理"
    )
    if outcome == "whistled":
        return
    lead_whistle = next(w for w in whistles if w.lead)
    handler = handlers.get(lead.pk) or ctx.actor
    if outcome == "returned":
        services.whistle_return(actor=handler, whistle=lead_whistle, reason="不属于本部门职责范围")
        return
    for w in whistles:
        services.whistle_respond(actor=handlers.get(w.department_id) or ctx.actor, whistle=w)
    if outcome == "responded":
        return
    for w in Whistle.objects.filter(ticket=t, lead=False, status__in=list(WHISTLE_OPEN)):
        services.whistle_resolve(
            actor=handlers.get(w.department_id) or ctx.actor, whistle=w, explanation="已配合主办部门完成"
        )
    services.whistle_resolve(
        actor=handler,
        whistle=Whistle.objects.get(pk=lead_whistle.pk),
        explanation="已到现场处置完毕，并向诉求人反馈。",
    )
    _rate(ctx, Ticket.objects.get(pk=t.pk))


def _rate(ctx: DemoContext, t: Ticket) -> None:
    level = _pick(ctx, LEVELS)
    comment = "处理及时，态度很好" if level != "dissatisfied" else "问题没有彻底解决"
    if t.requester_id is not None:
        services.ticket_rate(actor=t.requester, ticket=t, level=level, comment=comment)
    else:
        grant = (
            RoleGrant.objects.filter(role=Role.STREET_STAFF, area_id=t.street_id or 0)
            .select_related("user")
            .first()
        )
        services.ticket_callback(
            actor=grant.user if grant else ctx.actor, ticket=t, level=level, comment=comment
        )
