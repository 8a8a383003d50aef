"""quanyu routing eval --train TRAIN.csv --test TEST.csv [--text-col text] [--label-col label]

Fits the category model on TRAIN and prints one JSON line with its figures on TEST: accuracy,
macro_f1, per_class {label: precision, recall, f1, support}, train_seconds and
predict_ms_per_message. Nothing is saved."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from quanyu.core.spreadsheets import SpreadsheetError
from quanyu.routing import classifier, training
from quanyu.routing.management.commands._common import phases


class Command(BaseCommand):
    help = "在测试集上评估诉求分类模型（输出一行 JSON）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--train", required=True, metavar="TRAIN.csv")
        parser.add_argument("--test", required=True, metavar="TEST.csv")
        parser.add_argument("--text-col", default="text")
        parser.add_argument("--label-col", default="label")

    def handle(self, *args: Any, **options: Any) -> None:
        cols = {"text_col": options["text_col"], "label_col": options["label_col"]}
        with phases(self, 2) as step:
            step("读取数据")
            try:
                train = training.examples_from_csv(Path(options["train"]), **cols)
                test = training.examples_from_csv(Path(options["test"]), **cols)
            except SpreadsheetError as exc:
                raise CommandError(str(exc)) from None
            step("训练并评估")
            report = classifier.evaluate((train.texts, train.labels), (test.texts, test.labels))
        self.stdout.write(json.dumps(report, ensure_ascii=False))
