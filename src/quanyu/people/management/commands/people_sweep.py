"""``quanyu people_sweep``: remind about floating members whose contact is overdue (idempotent;
Celery beat runs the same function in production)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from quanyu.people.services import floating_contact_sweep


class Command(BaseCommand):
    help = "Write reminders for floating members whose contact has lapsed."

    def handle(self, *args: Any, **options: Any) -> None:
        reminded = floating_contact_sweep()
        self.stdout.write(f"reminders: {len(reminded)}")
