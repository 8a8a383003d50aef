"""``quanyu import residents FILE.xlsx [--dry-run] [--valid-only] [--errors-out ERR.xlsx] --actor USER``."""

from __future__ import annotations

from quanyu.people.management.importing import ImportCommand
from quanyu.people.services.imports import RESIDENT_COLUMNS, residents_import


class Command(ImportCommand):
    help = "Import the resident register (居民名册) from xlsx/csv."
    columns = RESIDENT_COLUMNS
    title = "居民名册"
    importer = residents_import
