"""Import and export of units, party organisations and part-time committee members (xlsx).

One workbook holds up to three sheets, named 单位 (units), 党组织 (party organisations) and
兼职委员 (part-time committee members); ``org_write_template`` writes all three with their Chinese
headers and an example row each. A single-sheet file (or a CSV) is read with ``kind`` =
``units`` / ``orgs`` / ``part-time``. Rows may refer to rows of the other sheets of the same
workbook (a party organisation's 所在单位, a member's 兼职党组织) or to what the database holds
within the actor's scope.

As for areas: ``org_records_from_file`` reads, ``org_import_validate`` checks every row of every
sheet and returns a plan or the row errors, ``org_import_write`` writes a valid plan through
``orgs.services`` in one transaction. A file with any bad row changes nothing.

The package: ``reading`` (sheets, columns, files to records), ``validators`` (credit codes, phones,
dates), ``checks`` (what every sheet uses), one module per sheet (``units``, ``party_orgs``,
``part_time``), ``validation`` (all sheets to a plan) and ``writing`` (plan to database, template,
export).
"""

from quanyu.orgs.imports.reading import (
    COLUMNS,
    COMMITTEE_AREA_KINDS,
    ORG_COLUMNS,
    ORGS,
    PART_TIME,
    PART_TIME_COLUMNS,
    SHEETS,
    UNIT_COLUMNS,
    UNITS,
    OrgRecords,
    org_records_from_file,
)
from quanyu.orgs.imports.validation import OrgImportPlan, org_import_validate
from quanyu.orgs.imports.validators import credit_check_char, parse_date, validate_credit_code, validate_phone
from quanyu.orgs.imports.writing import org_export, org_import_file, org_import_write, org_write_template

__all__ = [
    "COLUMNS",
    "COMMITTEE_AREA_KINDS",
    "ORGS",
    "ORG_COLUMNS",
    "PART_TIME",
    "PART_TIME_COLUMNS",
    "SHEETS",
    "UNITS",
    "UNIT_COLUMNS",
    "OrgImportPlan",
    "OrgRecords",
    "credit_check_char",
    "org_export",
    "org_import_file",
    "org_import_validate",
    "org_import_write",
    "org_records_from_file",
    "org_write_template",
    "parse_date",
    "validate_credit_code",
    "validate_phone",
]
