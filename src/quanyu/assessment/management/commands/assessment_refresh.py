"""quanyu assessment_refresh [PERIOD ...] [--recent] [--all] — recompute the assessment rollups
(departments' day rows, areas' day, month and category rows, open tickets) from the tickets
(idempotent). PERIOD is YYYY-MM, YYYY-Qn or YYYY; --recent means the previous and the current
month; --all every month from the first ticket's to the current one (after an upgrade that adds a
rollup table, so that the older months have its rows: see docs/DEPLOY.md); --sync only catches up
with the ticket history."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Min

from quanyu.assessment.periods import Period, current_month, parse_period, previous_month, recent_months
from quanyu.assessment.rollup import assessment_refresh, assessment_sync
from quanyu.core.clock import local
from quanyu.core.management.importing import progress_bar
from quanyu.tickets.models import Ticket


def every_month() -> list[Period]:
    """Each month from the first ticket's (local) month to the current month, oldest first."""
    first = Ticket.objects.aggregate(at=Min("created_at"))["at"]
    last = current_month()
    if first is None:
        return [last]
    start = local(first).date()
    count = (last.year - start.year) * 12 + last.number - start.month + 1
    return recent_months(max(count, 1))[::-1]


class Command(BaseCommand):
    help = "重新计算考核统计（职能部门与区域，按月、季度或年）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("periods", nargs="*", help="YYYY-MM、YYYY-Qn 或 YYYY")
        parser.add_argument("--recent", action="store_true", help="上月与本月")
        parser.add_argument("--all", action="store_true", help="自第一件诉求所在月份起的每个月（升级后补算）")
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
        if options["all"]:
            periods += every_month()
        if not periods:
            raise CommandError("请指定考核期间（YYYY-MM、YYYY-Qn、YYYY）、--recent 或 --all")
        with progress_bar(self, len(periods), "重新计算") as advance:
            for period in periods:
                n = assessment_refresh(period)
                self.stdout.write(f"{period.key}: {n} rows")
                advance(1)
