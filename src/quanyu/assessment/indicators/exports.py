"""A period's ranking as a spreadsheet (xlsx): name, rank, total, change, deductions, and each
indicator's figure and points; a second sheet with the indicators and their rules."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from quanyu.assessment.indicators.selectors import SetRanking
from quanyu.core.spreadsheets import Column, write_sheets


def _f(value: Decimal | None) -> Any:
    return "" if value is None else float(value)


def ranking_xlsx(ranking: SetRanking) -> bytes:
    columns = [
        Column("rank", _("名次"), width=8),
        Column("name", _("考核对象"), width=24),
        Column("total", _("总分")),
        Column("change", _("较上期")),
        Column("deducted", _("扣分")),
        Column("vetoed", _("一票否决")),
    ]
    for i, ind in enumerate(ranking.indicators):
        columns.append(Column(f"v{i}", f"{ind.name}·{_('指标值')}", width=14))
        columns.append(Column(f"s{i}", f"{ind.name}·{_('得分')}", width=12))
    rows = []
    for r in ranking.rows:
        row: dict[str, Any] = {
            "rank": r.rank or "",
            "name": r.name,
            "total": _f(r.total),
            "change": _f(r.change),
            "deducted": _f(r.deducted),
            "vetoed": _("是") if r.vetoed else "",
        }
        for i, c in enumerate(r.cells):
            row[f"v{i}"] = _f(c.value)
            row[f"s{i}"] = _f(c.score)
        rows.append(row)
    rules = [
        {
            "name": ind.name,
            "weight": float(ind.weight),
            "source": ind.get_source_display(),
            "rule": ind.get_rule_display(),
            "direction": ind.get_direction_display(),
            "floor": _f(ind.floor),
            "target": _f(ind.target),
        }
        for ind in ranking.indicators
    ]
    out = io.BytesIO()
    write_sheets(
        out,
        [
            (_("考核排名"), columns, rows),
            (
                _("指标与计分规则"),
                [
                    Column("name", _("指标"), width=24),
                    Column("weight", _("权重")),
                    Column("source", _("来源"), width=12),
                    Column("rule", _("计分规则"), width=22),
                    Column("direction", _("方向"), width=12),
                    Column("floor", _("底线值")),
                    Column("target", _("目标值")),
                ],
                rules,
            ),
        ],
    )
    return out.getvalue()
