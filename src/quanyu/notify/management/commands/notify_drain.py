"""``quanyu notify_drain``: deliver the notifications waiting in the outbox (e-mail, SMS …)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from quanyu.notify.outbox import notify_drain


class Command(BaseCommand):
    help = "发送待发消息（邮件、短信等）；可与其他发送进程同时运行，每条消息只发送一次。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--limit", type=int, default=5000, help="本次最多处理的消息数")

    def handle(self, *args: Any, **options: Any) -> None:
        result = notify_drain(limit=max(1, options["limit"]))
        self.stdout.write(f"sent: {result.sent}, retry later: {result.retried}, failed: {result.failed}")
