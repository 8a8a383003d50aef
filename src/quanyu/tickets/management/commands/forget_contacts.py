"""``quanyu forget_contacts [--dry-run] [--days N]``: clear the submitter's contact of tickets
closed (or cancelled, merged, transferred) more than N days ago (tickets.erasure; N defaults to
``QUANYU_TICKET_CONTACT_DAYS``)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from quanyu.tickets.erasure import forget_contacts


class Command(BaseCommand):
    help = "清除关闭已满保存期限的工单的联系人信息（残留信息清除）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="只列出，不清除")
        parser.add_argument("--days", type=int, default=None, metavar="N", help="保存天数")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = forget_contacts(days=options["days"], dry_run=options["dry_run"])
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        verb = "would clear" if options["dry_run"] else "cleared"
        if options["dry_run"]:
            for pk in report.tickets:
                self.stdout.write(f"#{pk}")
        self.stdout.write(
            f"{verb} the contact of {len(report.tickets)} tickets closed before {report.cutoff:%Y-%m-%d}"
        )
