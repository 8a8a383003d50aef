"""quanyu assessment_refresh [PERIOD ...] [--recent] — recompute department-scoring rollups from
the whistles (idempotent). PERIOD is YYYY-MM, YYYY-Qn or YYYY; --recent means the previous and
the current month; --sync only catches up with the ticket history."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from quanyu.assessment.periods import current_month, parse_period, previous_month
from quanyu.assessment.rollup import assessment_refresh, assessment_sync


class Command(BaseCommand):
    help = "重新计算职能部门考核统计（按月、季度或年）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("periods", nargs="*", help="YYYY-MM、YYYY-Qn 或 YYYY")
        parser.add_argument("--recent", action="store_true", help="上月与本月")
        parser.add_argument("--sync", action="store_true", help="只按工单事件增量同步")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["sync"]:
            n = assessment_sync(rescan=dt.timedelta(minutes=15))
            self.stdout.write(f"synced {n} rows")
            return
        try:
            periods = [parse_period(p) for p in options["periods"]]
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        if options["recent"]:
            periods += [previous_month(), current_month()]
        if not periods:
            raise CommandError("请指定考核期间（YYYY-MM、YYYY-Qn、YYYY）或 --recent")
        for period in periods:
            n = assessment_refresh(period)
            self.stdout.write(f"{period.key}: {n} rows")
