"""``quanyu wishes_sweep``: claims without progress for QUANYU_WISH_LAPSE_DAYS lapse and their wishes
go back to the wall (idempotent; Celery beat runs the same function)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from quanyu.wishes.services import wish_lapse_sweep


class Command(BaseCommand):
    help = "Lapse wish claims that have had no progress for too long."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"lapsed: {wish_lapse_sweep()}")
