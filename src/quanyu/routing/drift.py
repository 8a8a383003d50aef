"""The drift report: how this month's suggestions of the routing model fared against what staff
finally chose, beside the figures the model was tested with when it was trained.

A ticket counts when a model suggested its category at intake (``Ticket.suggestion_model``). It is
*settled* once it has a category; the suggestion *agreed* when that category is the suggested one,
and was *corrected* otherwise (the correction is the next training's label, see
``training.category_examples_from_tickets``). ``agreement`` over the settled tickets is the
month's accuracy, to read beside the model's held-out ``accuracy``; a gap of more than
``ALERT_GAP`` (5 points) is flagged, as is any suggested item whose agreement fell more than that
below its held-out precision. ``routed`` and ``triaged`` say how many went straight to a tier and
how many waited for the community (``tickets.suggesting``).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db.models import F

from quanyu.core.clock import LOCAL_TZ
from quanyu.routing.models import RoutingModel, Target
from quanyu.tickets.conf import routing_threshold
from quanyu.tickets.models import Ticket

ALERT_GAP = 0.05


def month_bounds(month: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The local month holding ``month``, as aware datetimes [start, end)."""
    start = dt.datetime(month.year, month.month, 1, tzinfo=LOCAL_TZ)
    end = dt.datetime(month.year + (month.month == 12), month.month % 12 + 1, 1, tzinfo=LOCAL_TZ)
    return start, end


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _drifted(tested: float | None, seen: float | None) -> bool:
    return tested is not None and seen is not None and tested - seen > ALERT_GAP


def drift_report(month: dt.date) -> dict[str, Any]:
    """The month's figures per model version (see the module docstring), newest version first."""
    start, end = month_bounds(month)
    rows = (
        Ticket.objects.filter(created_at__gte=start, created_at__lt=end, suggestion_model__isnull=False)
        .values_list("suggestion_model", "suggested_category__code", "category__code", "suggestion_score")
        .order_by()
    )
    threshold = routing_threshold()
    per_model: dict[int, dict[str, Any]] = {}
    per_item: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0, 0]))
    for version, suggested, final, score in rows.iterator(chunk_size=5000):
        assert version is not None  # (filtered above)
        m = per_model.setdefault(
            version, {"suggested": 0, "settled": 0, "agreed": 0, "corrected": 0, "routed": 0, "triaged": 0}
        )
        m["suggested"] += 1
        m["routed" if (score or 0) >= threshold else "triaged"] += 1
        item = per_item[version][suggested or "?"]
        item[0] += 1
        if final is not None:
            m["settled"] += 1
            item[1] += 1
            if final == suggested:
                m["agreed"] += 1
                item[2] += 1
            else:
                m["corrected"] += 1
    trained = {
        r.version: r
        for r in RoutingModel.objects.filter(target=Target.CATEGORY, version__in=list(per_model)).order_by(
            F("version").desc()
        )
    }
    models = []
    for version in sorted(per_model, reverse=True):
        m = per_model[version]
        row = trained.get(version)
        metrics = row.metrics if row is not None else {}
        tested = metrics.get("accuracy")
        agreement = _share(m["agreed"], m["settled"])
        items = []
        for code, (n, settled, agreed) in sorted(per_item[version].items()):
            precision = (metrics.get("per_class") or {}).get(code, {}).get("precision")
            share = _share(agreed, settled)
            items.append(
                {
                    "item": code,
                    "suggested": n,
                    "settled": settled,
                    "agreement": share,
                    "tested_precision": precision,
                    "drifted": _drifted(precision, share),
                }
            )
        models.append(
            {
                "version": version,
                **m,
                "agreement": agreement,
                "tested_accuracy": tested,
                "tested_macro_f1": metrics.get("macro_f1"),
                "gap": None if agreement is None or tested is None else round(tested - agreement, 4),
                "drifted": _drifted(tested, agreement),
                "items": items,
            }
        )
    return {
        "month": f"{month.year:04d}-{month.month:02d}",
        "threshold": threshold,
        "models": models,
    }
