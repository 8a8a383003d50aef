"""Import and export of the area tree: xlsx/CSV with Chinese headers, or GeoJSON.

The importer is three plain functions so that the command line, the upload page and the API share
them: ``area_records_from_file`` reads a file into records, ``area_import_validate`` checks every
record against the file and the database and returns a plan (the nodes to insert, parents first)
or the list of row errors, and ``area_import_write`` writes a valid plan through
``areas.services.area_bulk_create`` in one transaction. A file with any bad row changes nothing.

File formats
------------
* xlsx (first sheet) or CSV (UTF-8, UTF-8 with BOM, or GBK), header row 1, one area per row; the
  columns are ``AREA_COLUMNS`` (``area_write_template`` writes the empty template).
* GeoJSON: a FeatureCollection; each feature's ``properties`` carry ``kind``, ``name``, ``code``,
  ``parent_code`` (or ``parent_path``), ``population``, ``households`` (English keys or the Chinese
  headers); a Polygon/MultiPolygon geometry is the boundary, a Point geometry the location
  (buildings). Errors name the feature number (1-based) instead of a row.

A parent is named by its code (上级代码) or, for nodes without a code, by its name path
(上级名称: the names from the top down, separated by “/”; the trailing part is enough when it is
unique, e.g. ``街道1/社区1-1``). It may be a row of the same file (earlier or later: rows are
sorted parents first) or an area already in the database within the actor's scope.

The package: ``reading`` (columns, files to records), ``validation`` (records to a plan),
``writing`` (plan to database, template, export) and ``trees`` (what the party-organisation import
shares: tree rows, parents by code or name path, depths).
"""

from quanyu.areas.imports.reading import AREA_COLUMNS, AreaRecords, area_records_from_file, kind_label
from quanyu.areas.imports.trees import (
    PATH_SEPARATOR,
    ErrorSink,
    NamePaths,
    TreePathIndex,
    TreeRow,
    cell_text,
    check_unique_codes,
    chunks,
    nodes_by_code,
    parse_count,
    parse_name_path,
    resolve_tree_parents,
    tree_depths,
    tree_nodes,
)
from quanyu.areas.imports.validation import (
    ROOT_KINDS,
    AreaImportPlan,
    Progress,
    area_import_validate,
    areas_by_code,
)
from quanyu.areas.imports.writing import (
    area_export,
    area_export_rows,
    area_import_file,
    area_import_write,
    area_write_template,
    counts_text,
)

__all__ = [
    "AREA_COLUMNS",
    "PATH_SEPARATOR",
    "ROOT_KINDS",
    "AreaImportPlan",
    "AreaRecords",
    "ErrorSink",
    "NamePaths",
    "Progress",
    "TreePathIndex",
    "TreeRow",
    "area_export",
    "area_export_rows",
    "area_import_file",
    "area_import_validate",
    "area_import_write",
    "area_records_from_file",
    "area_write_template",
    "areas_by_code",
    "cell_text",
    "check_unique_codes",
    "chunks",
    "counts_text",
    "kind_label",
    "nodes_by_code",
    "parse_count",
    "parse_name_path",
    "resolve_tree_parents",
    "tree_depths",
    "tree_nodes",
]
