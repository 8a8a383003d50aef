"""quanyu analytics hotspots FILE.xlsx [--top 5] [--formula balanced|support|requesters]
[--similarity 0.3] [--json]

Hot spots in a message file shaped like 附件3.xlsx (留言编号, 留言用户, 留言主题, 留言时间, 留言详情,
点赞数, 反对数): the places and problems most residents raised, by the heat index of
``analytics.hotspots``. ``--json`` prints the cards as one JSON array."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from quanyu.analytics.hotspots import FORMULAS, find_hotspots
from quanyu.analytics.reading import read_messages
from quanyu.core.management.importing import busy
from quanyu.core.spreadsheets import SpreadsheetError


class Command(BaseCommand):
    help = "发现热点问题（地点 + 问题，按热度排序）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", metavar="FILE.xlsx")
        parser.add_argument("--top", type=int, default=5)
        parser.add_argument("--formula", choices=sorted(FORMULAS), default="balanced")
        parser.add_argument("--similarity", type=float, default=0.3, help="同一问题的文本相似度阈值（0–1）")
        parser.add_argument("--json", action="store_true", help="输出 JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["top"] < 1:
            raise CommandError("--top 必须是正整数")
        with busy(self, "正在分析留言……"):
            try:
                messages = list(read_messages(Path(options["file"])))
            except SpreadsheetError as exc:
                raise CommandError(str(exc)) from None
            cards = find_hotspots(
                messages, top=options["top"], formula=options["formula"], similarity=options["similarity"]
            )
        if options["json"]:
            self.stdout.write(json.dumps(cards, ensure_ascii=False))
            return
        for card in cards:
            self.stdout.write(
                f"{card['rank']}. [{card['heat']}] {card['place']}：{card['problem']} "
                f"({card['start'][:10]}–{card['end'][:10]}, {card['inputs']['requesters']} 人, "
                f"{len(card['message_ids'])} 条)"
            )
