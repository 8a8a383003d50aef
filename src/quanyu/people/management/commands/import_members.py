"""``quanyu import members FILE.xlsx [--dry-run] [--valid-only] [--errors-out ERR.xlsx] --actor USER``."""

from __future__ import annotations

from quanyu.people.management.importing import ImportCommand
from quanyu.people.services.imports import MEMBER_COLUMNS, members_import


class Command(ImportCommand):
    help = "Import the party-member roster (党员名册) from xlsx/csv."
    columns = MEMBER_COLUMNS
    title = "党员名册"
    importer = members_import
