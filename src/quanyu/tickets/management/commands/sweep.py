"""``quanyu sweep``: one pass of the deadline sweep (reminders and supervision orders), then the
notification outbox is drained (the embedded default has no worker: run this from cron)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from quanyu.notify.outbox import notify_drain
from quanyu.tickets.sweep import sweep_deadlines


class Command(BaseCommand):
    help = "Remind before ticket/whistle limits and raise supervision orders (督办) when they pass."

    def handle(self, *args: Any, **options: Any) -> None:
        result = sweep_deadlines()
        self.stdout.write(f"reminders: {result.reminders}, supervision orders: {result.supervisions}")
        sent = notify_drain()
        self.stdout.write(
            f"notifications sent: {sent.sent}, retry later: {sent.retried}, failed: {sent.failed}"
        )
