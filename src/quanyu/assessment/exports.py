"""The ranking as a spreadsheet (xlsx), the same columns as the page."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from quanyu.assessment.selectors import Ranking
from quanyu.core.clock import local
from quanyu.core.spreadsheets import Column, write_sheets


def _percent(value: Decimal | None) -> Any:
    return "" if value is None else float(value * 100)


def ranking_columns() -> list[Column]:
    return [
        Column("rank", _("名次"), width=8),
        Column("department_name", _("职能部门"), width=24),
        Column("received", _("收到呼叫")),
        Column("responded_in_time", _("按时响应")),
        Column("response_rate", _("响应率(%)")),
        Column("resolved_in_time", _("按时办结")),
        Column("completion_rate", _("办结率(%)")),
        Column("rated", _("有效评价")),
        Column("satisfied", _("满意")),
        Column("satisfaction_rate", _("满意率(%)")),
        Column("score", _("得分")),
        Column("returned", _("退回")),
    ]


def ranking_xlsx(ranking: Ranking) -> bytes:
    """Two sheets: the table, and the rules it was computed with."""
    rows = []
    for row in ranking.rows:
        values = row.as_dict()
        for key in ("response_rate", "completion_rate", "satisfaction_rate"):
            values[key] = _percent(values[key])
        values["score"] = "" if row.score is None else float(row.score)
        values["rank"] = row.rank or ""
        rows.append(values)
    status = _("已发布通报（冻结）") if ranking.frozen else _("实时统计")
    if ranking.data_as_of is not None:
        at = local(ranking.data_as_of).strftime("%Y-%m-%d %H:%M")
        status = f"{status} · {_('数据更新于 %(at)s') % {'at': at}}"
    rules = [{"text": ranking.period.label}, {"text": status}] + [
        {"text": line} for line in ranking.rules.describe() if line
    ]
    out = io.BytesIO()
    write_sheets(
        out,
        [
            (_("部门考核排名"), ranking_columns(), rows),
            (_("计分规则"), [Column("text", _("说明"), width=80)], rules),
        ],
    )
    return out.getvalue()


def ranking_filename(ranking: Ranking) -> str:
    return f"department-ranking-{ranking.period.key}.xlsx"
