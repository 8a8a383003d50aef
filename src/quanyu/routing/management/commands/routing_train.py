"""quanyu routing train [--csv FILE [--text-col text] [--label-col label]] [--target category|department]
[--since YYYY-MM-DD] [--holdout 0.2] [--no-activate] [--actor USERNAME]

Trains a routing model on the platform's handled tickets (or a CSV of text and label), saves it as
the next version with its held-out metrics and activates it (unless --no-activate)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser

from quanyu.core.clock import LOCAL_TZ
from quanyu.core.management.importing import actor_from_options, add_actor_argument
from quanyu.core.spreadsheets import SpreadsheetError
from quanyu.routing import services, training
from quanyu.routing.management.commands._common import phases
from quanyu.routing.models import Source, Target


class Command(BaseCommand):
    help = "训练诉求分类 / 承办部门模型并保存为新版本"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--csv", metavar="FILE", help="从 CSV/xlsx 训练（默认：平台已办结工单）")
        parser.add_argument("--text-col", default="text")
        parser.add_argument("--label-col", default="label")
        parser.add_argument("--target", choices=[t.value for t in Target], default=Target.CATEGORY)
        parser.add_argument("--since", metavar="YYYY-MM-DD", help="只用该日期以后的工单")
        parser.add_argument("--holdout", type=float, default=0.2, help="留出评估的比例（0 = 不评估）")
        parser.add_argument("--no-activate", action="store_true", help="保存但不启用")
        add_actor_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        actor = actor_from_options(options)
        target = options["target"]
        since = None
        if options["since"]:
            try:
                since = dt.datetime.combine(
                    dt.date.fromisoformat(options["since"]), dt.time(0), tzinfo=LOCAL_TZ
                )
            except ValueError:
                raise CommandError(f"--since: {options['since']!r} 不是 YYYY-MM-DD 日期") from None
        with phases(self, 4) as step:
            step("读取训练数据")
            try:
                if options["csv"]:
                    if target != Target.CATEGORY:
                        raise CommandError("--csv 只能训练诉求分类模型（--target category）")
                    path = Path(options["csv"])
                    examples = training.examples_from_csv(
                        path, text_col=options["text_col"], label_col=options["label_col"]
                    )
                    source, name = Source.CSV, path.name
                elif target == Target.DEPARTMENT:
                    examples = training.department_examples_from_tickets(since=since)
                    source, name = Source.TICKETS, "resolved lead whistles"
                else:
                    examples = training.category_examples_from_tickets(since=since)
                    source, name = Source.TICKETS, "handled tickets"
                row = services.routing_model_train(
                    actor=actor,
                    examples=examples,
                    target=target,
                    source=source,
                    source_name=name,
                    holdout=options["holdout"],
                    activate=not options["no_activate"],
                    step=step,
                )
            except (SpreadsheetError, services.RoutingError, PermissionDenied) as exc:
                raise CommandError(str(exc)) from None
        summary = {
            "version": row.version,
            "target": row.target,
            "active": row.is_active,
            "samples": row.samples,
            "data_from": row.data_from.isoformat() if row.data_from else None,
            "data_to": row.data_to.isoformat() if row.data_to else None,
            "train_seconds": row.train_seconds,
            "size_bytes": row.size_bytes,
            "accuracy": row.metrics.get("accuracy"),
            "macro_f1": row.metrics.get("macro_f1"),
        }
        self.stdout.write(json.dumps(summary, ensure_ascii=False))
