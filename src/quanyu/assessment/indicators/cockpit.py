"""The leaders' cockpit (领导驾驶舱): for an area in the viewer's scope and a period, the key
figures of the area and of each of its children (district → streets → communities → grids), the
monthly trend of the period's year, the children's ranking, the period's tickets by category
(the catalogue's 大类, for the area and each child) and the early-warning list (overdue work
now; the hot spots come from ``analytics`` and are added by the page, above this app). Every
figure is a numerator (over a denominator) summed by path, so the children's figures add up to
the area's; ``cockpit_rows_for`` opens the records behind one ticket figure through
the tickets selector, ``cockpit_records_for`` those behind a provider's figure (在职党员报到率:
the people provider's ``rows()``), both scoped to the viewer. Reads only."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from quanyu.areas.models import Area, AreaKind
from quanyu.assessment import area_rollup
from quanyu.assessment.indicators import access, registry
from quanyu.assessment.indicators.providers import tickets as tp
from quanyu.assessment.indicators.registry import AREA, Figure, Target, common_path, deepest, rollup_by_path
from quanyu.assessment.periods import Period, local_midnight
from quanyu.assessment.rollup import rollup_synced_at
from quanyu.catalog.models import Category
from quanyu.core.clock import local
from quanyu.core.permissions import grants_for
from quanyu.core.scoping import get_scoped_or_404
from quanyu.people.models import Report
from quanyu.people.states import ReportStatus
from quanyu.tickets.models import Ticket
from quanyu.tickets.selectors import ticket_list_for
from quanyu.tickets.states import OPEN_STATUSES

# key → (label, provider or None for the cockpit's own counts, shown as a share)
FIGURES: dict[str, tuple[Any, str | None, bool]] = {
    "received": (gettext_lazy("受理诉求"), None, False),
    "open": (gettext_lazy("在办诉求"), None, False),
    "overdue": (gettext_lazy("超期未办结"), None, False),
    "in_time": (gettext_lazy("按时办结率"), "tickets.resolved_in_time", True),
    "satisfied": (gettext_lazy("满意率"), "tickets.satisfaction", True),
    "repeat": (gettext_lazy("重复诉求率"), "tickets.repeat_requests", True),
    "reported": (gettext_lazy("在职党员报到率"), "people.reported_share", True),
}
TICKET_FIGURES = ("received", "open", "overdue", "in_time", "satisfied", "repeat")
RECORD_FIGURES = ("reported",)  # opened through their provider's rows(), not as tickets
UNCATEGORISED = gettext_lazy("未分类")
CHILD_KINDS = {AreaKind.CITY, AreaKind.DISTRICT, AreaKind.STREET, AreaKind.COMMUNITY}


@dataclass
class Place:
    area: Area
    figures: dict[str, Figure]
    categories: dict[int, int] = field(default_factory=dict)  # major category pk (0: none) → tickets

    def top_category(self, names: dict[int, str]) -> tuple[str, int] | None:
        if not self.categories:
            return None
        pk, n = min(self.categories.items(), key=lambda kv: (-kv[1], kv[0]))
        return names.get(pk, str(UNCATEGORISED)), n


@dataclass
class Share:
    """The tickets received in the period of one major category (大类; pk 0: none given)."""

    pk: int
    name: str
    count: int


@dataclass
class Cockpit:
    area: Area
    period: Period
    trail: list[Area]  # from the viewer's top area down to this one
    place: Place
    children: list[Place]
    trend: list[dict[str, Any]]
    overdue: list[Ticket]
    categories: list[Share]  # the area's, most first; they add up to its "received"
    as_of: dt.datetime  # when the figures were read
    data_as_of: dt.datetime | None  # when the rollup was last caught up with the ticket history

    def ranked(self, figure: str = "in_time") -> list[Place]:
        return sorted(
            self.children,
            key=lambda p: (p.figures[figure].value is None, -(p.figures[figure].value or 0), p.area.path),
        )


def home_area(actor: Any) -> Area | None:
    """The viewer's widest area: the root for a superuser, else the shortest grant path."""
    if getattr(actor, "is_superuser", False):
        return Area.objects.filter(depth=1).order_by("path").first()
    grants = [g for g in grants_for(actor) if g.role in access.COCKPIT_VIEWERS]
    grants.sort(key=lambda g: len(g.area.path))
    return grants[0].area if grants else None


def area_for(*, actor: Any, area_id: Any = None) -> Area:
    access.require_cockpit_viewer(actor)
    if area_id in (None, ""):
        area = home_area(actor)
        if area is None:
            raise ValidationError({"area": _("没有可查看的区域")})
        return area
    return get_scoped_or_404(Area.objects.all(), actor=actor, pk=area_id)


def _own_counts(
    period: Period, now: dt.datetime, targets: list[Target], shared: dict[str, Any]
) -> dict[str, dict[int, Figure]]:
    """Received in the period, open now and overdue now, from the area rollup (the period's sums
    read once, through ``shared``, for these figures and the ticket providers alike)."""
    under, width = common_path(targets), deepest(targets)
    received = tp.area_counts(period, shared, under, width)
    open_rows = area_rollup.open_sums(under, local(now).date(), width)
    late_today = area_rollup.overdue_today(under, now, width)
    return {
        "received": rollup_by_path(((p, Decimal(c["counted"]), None) for p, c in received), targets),
        "open": rollup_by_path(((p, Decimal(n), None) for p, n, _late in open_rows), targets),
        "overdue": rollup_by_path(
            [
                *((p, Decimal(late), None) for p, _n, late in open_rows),
                *((p, Decimal(n), None) for p, n in late_today),
            ],
            targets,
        ),
    }


def _trend(area: Area, period: Period) -> list[dict[str, Any]]:
    by_month = area_rollup.month_sums(period.year, area.path)
    out = []
    for m in range(1, 13):
        r = by_month.get(m, {})
        out.append({"month": m, "received": r.get("counted", 0), "in_time": r.get("in_time", 0)})
    return out


def cockpit_for(*, actor: Any, area: Area, period: Period) -> Cockpit:
    access.require_cockpit_viewer(actor)
    now = timezone.now()
    children = (
        list(Area.objects.filter(path__startswith=area.path, depth=area.depth + 1).order_by("path"))
        if area.kind in CHILD_KINDS
        else []
    )
    targets = [Target(AREA, a.pk, a.name, a.path) for a in [area, *children]]
    shared: dict[str, Any] = {}
    figures = _own_counts(period, now, targets, shared)
    for key, (_label, provider_key, _share) in FIGURES.items():
        if provider_key is not None:
            provider = registry.get(provider_key)
            assert provider is not None
            figures[key] = provider.compute(targets, period, shared)

    shares, by_child = _categories(area, children, period)

    def place(a: Area) -> Place:
        return Place(a, {k: figures[k].get(a.pk, registry.ZERO) for k in FIGURES}, by_child.get(a.pk, {}))

    top = home_area(actor)
    trail = [
        a
        for a in list(
            Area.objects.filter(
                path__in=[area.path[:n] for n in range(Area.steplen, len(area.path) + 1, Area.steplen)]
            ).order_by("depth")
        )
        if top is None or a.path.startswith(top.path)
    ]
    overdue = _most_overdue(actor, area, period, now)
    return Cockpit(
        area,
        period,
        trail,
        place(area),
        [place(a) for a in children],
        _trend(area, period),
        overdue,
        shares,
        now,
        rollup_synced_at(),
    )


def _categories(
    area: Area, children: list[Area], period: Period
) -> tuple[list[Share], dict[int, dict[int, int]]]:
    """The period's received tickets of ``area`` by major category, and of each child (from the
    category rollup: one GROUP BY over the months and paths under the area)."""
    prefix = len(area.path) + (Area.steplen if children else 0)
    rows = area_rollup.category_sums(period.start, period.end, area.path, prefix)
    names = dict(Category.objects.filter(pk__in={c for _p, c, _n in rows if c}).values_list("pk", "name"))
    child_of = {a.path: a.pk for a in children}
    total: dict[int, int] = defaultdict(int)
    per_child: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for path, major, n in rows:
        total[major] += n
        if path in child_of:
            per_child[child_of[path]][major] += n
    per_child[area.pk] = total
    shares = [
        Share(pk, names.get(pk, f"#{pk}") if pk else str(UNCATEGORISED), n) for pk, n in total.items() if n
    ]
    shares.sort(key=lambda x: (-x.count, x.pk))
    return shares, {pk: {k: v for k, v in d.items() if v} for pk, d in per_child.items()}


OVERDUE_SHOWN = 10


def _most_overdue(actor: Any, area: Area, period: Period, now: dt.datetime) -> list[Ticket]:
    """The ``OVERDUE_SHOWN`` open tickets of ``area`` whose limits passed first, as the viewer may
    see them. The open rollup gives the due days they fall in, so the query reads those days'
    tickets rather than sorting every overdue ticket of a district; it reads only what the panel
    shows (number, text, limit), not the list's joined rows, into unsaved ``Ticket`` objects."""
    first, last = area_rollup.earliest_due_days(area.path, local(now).date(), OVERDUE_SHOWN)
    rows = cockpit_rows_for(actor=actor, area=area, period=period, figure="overdue").filter(
        completion_due__gte=local_midnight(first),
        completion_due__lt=local_midnight(last + dt.timedelta(days=1)),
    )
    shown = rows.order_by("completion_due", "id").values_list("pk", "text", "completion_due")
    return [Ticket(pk=pk, text=text, completion_due=due) for pk, text, due in shown[:OVERDUE_SHOWN]]


def cockpit_rows_for(
    *, actor: Any, area: Area, period: Period, figure: str, category: int | None = None
) -> QuerySet[Ticket]:
    """The tickets behind one ticket figure of ``area``, as the viewer may see them; ``category``
    (received only): those of one major category (its items, or itself), 0 for none given."""
    access.require_cockpit_viewer(actor)
    if figure not in TICKET_FIGURES:
        raise ValidationError({"figure": _("figure 须为 %(v)s 之一") % {"v": "、".join(TICKET_FIGURES)}})
    qs = ticket_list_for(actor=actor, filters={"area": area.pk})
    if category is not None:
        if figure != "received":
            raise ValidationError({"category": _("只有受理诉求可按类别查看")})
        qs = (
            qs.filter(category=None)
            if category == 0
            else qs.filter(Q(category=category) | Q(category__parent=category))
        )
    if figure == "open":
        return qs.filter(status__in=list(OPEN_STATUSES))
    if figure == "overdue":
        return qs.filter(status__in=list(OPEN_STATUSES), completion_due__lt=timezone.now())
    condition = {
        "received": tp.COUNTED,
        "in_time": tp.RESOLVED_IN_TIME,
        "satisfied": tp.SATISFIED,
        "repeat": tp.REPEAT,
    }[figure]
    return qs.filter(condition, tp.in_period(period))


HEAT_POINTS = 3000


def open_points_for(*, actor: Any, area: Area, period: Period) -> list[list[float]]:
    """Where the open tickets of ``area`` are (lon, lat; at most ``HEAT_POINTS``), as the viewer
    may see them: the heat layer of the cockpit's map."""
    rows = cockpit_rows_for(actor=actor, area=area, period=period, figure="open").filter(
        lon__isnull=False, lat__isnull=False
    )
    points = rows.order_by("pk").values_list("lon", "lat")[:HEAT_POINTS]
    return [[float(lon or 0), float(lat or 0)] for lon, lat in points]


def cockpit_tickets_among(*, actor: Any, area: Area, ids: list[int]) -> QuerySet[Ticket]:
    """Of the tickets ``ids`` (a hot spot's), those of ``area`` the viewer may see."""
    access.require_cockpit_viewer(actor)
    return ticket_list_for(actor=actor, filters={"area": area.pk}).filter(pk__in=[int(i) for i in ids])


def cockpit_records_for(*, actor: Any, area: Area, period: Period, figure: str) -> QuerySet[Any]:
    """The records behind a provider's figure of ``area`` (``RECORD_FIGURES``), through the
    provider's ``rows()`` and so its app's scoped selector: for 在职党员报到率 the in-service members
    living in the area, each with ``reported`` (their 双报到 confirmed for the period's year, as
    the figure counts it)."""
    access.require_cockpit_viewer(actor)
    if figure not in RECORD_FIGURES:
        raise ValidationError({"figure": _("figure 须为 %(v)s 之一") % {"v": "、".join(RECORD_FIGURES)}})
    key = FIGURES[figure][1]
    provider = registry.get(key) if key else None
    if provider is None or provider.rows is None:
        raise ValidationError({"figure": _("该指标没有明细")})
    rows = provider.rows(actor, Target(AREA, area.pk, area.name, area.path), period)
    confirmed = Report.objects.filter(
        kind=Report.Kind.MEMBER, year=period.year, status=ReportStatus.CONFIRMED, member_id=OuterRef("pk")
    )
    return rows.annotate(reported=Exists(confirmed)).order_by("pk")
