"""quanyu routing drift [--month YYYY-MM] — this month's suggestions against staff's final
categories, beside the model's test figures (``routing.drift``); one JSON object."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from quanyu.routing.drift import drift_report


def _month(text: str) -> dt.date:
    try:
        return dt.datetime.strptime(text, "%Y-%m").date()
    except ValueError:
        raise CommandError(f"--month 须为 YYYY-MM 格式：{text}") from None


class Command(BaseCommand):
    help = "分派模型漂移报告：本月建议与最终分类的对照"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--month", help="YYYY-MM (default: this month)")

    def handle(self, *args: Any, **options: Any) -> None:
        month = _month(options["month"]) if options["month"] else timezone.localdate()
        self.stdout.write(json.dumps(drift_report(month), ensure_ascii=False))
