"""``quanyu holidays_seed [--year 2026 ...]``: load the statutory schedule from chinese_calendar."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from quanyu.catalog.services import holidays_seed_from_package


class Command(BaseCommand):
    help = "Seed the holiday table (法定节假日/调休) from the chinese_calendar package."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, action="append", help="only these years (repeatable)")

    def handle(self, *args: Any, **options: Any) -> None:
        years = set(options["year"]) if options["year"] else None
        added = holidays_seed_from_package(years=years)
        self.stdout.write(f"holidays added: {added}")
