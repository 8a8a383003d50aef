"""quanyu analytics replies FILE.csv [--json]

Scores each official reply in a file shaped like replies_train.csv (留言编号, 留言主题, 留言时间,
留言详情, 答复意见, 答复时间): relevance, completeness, explanation, timeliness in working days
(the holiday table of ``catalog.calendar``), overall and flags. ``--json`` prints one JSON object
per row, one per line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from quanyu.analytics.reading import read_replies
from quanyu.analytics.replies import score_replies
from quanyu.catalog.calendar import WorkCalendar
from quanyu.core.management.importing import busy
from quanyu.core.spreadsheets import SpreadsheetError


class Command(BaseCommand):
    help = "评估答复质量（相关性、完整性、解释说明、及时性）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", metavar="FILE.csv")
        parser.add_argument("--json", action="store_true", help="每行输出一个 JSON 对象")

    def handle(self, *args: Any, **options: Any) -> None:
        with busy(self, "正在评估答复……"):
            try:
                replies = list(read_replies(Path(options["file"])))
            except SpreadsheetError as exc:
                raise CommandError(str(exc)) from None
            calendar = WorkCalendar()
            scores = score_replies(replies, working_days=calendar.working_days_between)
        for row in scores:
            if options["json"]:
                self.stdout.write(json.dumps(row, ensure_ascii=False))
            else:
                self.stdout.write(
                    f"{row['message_id']}\t{row['overall']:.2f}\t{row['timeliness_days']}\t{','.join(row['flags'])}"
                )
