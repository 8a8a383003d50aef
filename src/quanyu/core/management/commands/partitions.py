"""``quanyu partitions [status | convert TABLE... | extend] [--ahead N]``: monthly partitions of
the tables that grow without bound (core.partitions; PostgreSQL; docs/DEPLOY.md)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from quanyu.core.audit import audit_record
from quanyu.core.partitions import PartitionError, convert, extend, is_partitioned, partitions, tables


class Command(BaseCommand):
    help = "按月分区：查看状态、转换表（维护窗口内）、预建后续月份"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["status", "convert", "extend"], help="要做的事")
        parser.add_argument("tables", nargs="*", metavar="TABLE", help="convert：要转换的表")
        parser.add_argument(
            "--ahead",
            type=int,
            default=settings.QUANYU_PARTITION_MONTHS_AHEAD,
            metavar="N",
            help="预建到本月之后第 N 个月（默认按设置）",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("按月分区只用于 PostgreSQL")
        if options["ahead"] < 0 or options["ahead"] > 24:
            raise CommandError("--ahead：0 到 24 个月")
        try:
            getattr(self, options["action"])(options["tables"], options["ahead"])
        except PartitionError as exc:
            raise CommandError(str(exc)) from None

    def status(self, names: list[str], ahead: int) -> None:
        with connection.cursor() as cursor:
            for spec in tables():
                if not is_partitioned(cursor, spec.name):
                    self.stdout.write(f"{spec.name}: not partitioned (by {spec.column})")
                    continue
                parts = partitions(cursor, spec.name)
                self.stdout.write(f"{spec.name}: {len(parts)} partitions (by {spec.column})")
                for part, bound in parts:
                    self.stdout.write(f"  {part}  {bound}")

    def convert(self, names: list[str], ahead: int) -> None:
        if not names:
            raise CommandError("convert：请给出要转换的表（quanyu partitions status 列出它们）")
        for name in names:
            done = convert(name, ahead=ahead)
            audit_record(
                actor=None,
                action="change",
                target_type="partitions",
                target_id=name,
                detail={"rows": done.rows, "partitions": len(done.partitions)},
            )
            self.stdout.write(f"{name}: {done.rows} rows into {len(done.partitions)} partitions")

    def extend(self, names: list[str], ahead: int) -> None:
        for name, result in extend(ahead=ahead).items():
            self.stdout.write(f"{name}: created {len(result.created)} ({', '.join(result.created) or '-'})")
            for part, rows in result.moved.items():
                self.stdout.write(f"  {part}: moved {rows} rows out of {name}_default")
            for part, rows in result.stuck.items():
                self.stderr.write(
                    f"  {part}: {rows} rows wait in {name}_default; the month cannot be created "
                    "while they are there (docs/DEPLOY.md)"
                )
