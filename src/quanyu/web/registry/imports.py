"""Upload pages of the area and organisation imports (issue 13 point 11): the same functions as
``quanyu import areas|orgs`` (read → validate → write in one transaction), the same per-row report
(row, column, reason), and beside each error the row as the file held it. A file with any bad row
writes nothing; the report stays downloadable as xlsx."""

from __future__ import annotations

import io
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from quanyu.areas import imports as area_imports
from quanyu.areas.imports.report import ErrorRow, errors_with_values, write_error_report
from quanyu.core.downloads import attachment
from quanyu.core.permissions import can_edit_registry
from quanyu.core.sheetlimits import MB
from quanyu.core.spreadsheets import Column, SpreadsheetError
from quanyu.orgs import imports as org_imports

SHOWN = 500  # errors listed on the page
KEPT = 1000  # errors (with their rows) kept in the session for the xlsx report


@dataclass
class Outcome:
    summary: str = ""
    written: bool = False
    errors: list[ErrorRow] = field(default_factory=list)
    total_errors: int = 0
    columns: Mapping[str, Sequence[Column]] = field(default_factory=dict)


def _run_areas(actor: Any, path: Path, kind: str, dry_run: bool) -> Outcome:
    source = area_imports.area_records_from_file(path)
    plan = area_imports.area_import_validate(actor=actor, source=source)
    columns = {"": area_imports.AREA_COLUMNS}
    if not plan.ok:
        rows = errors_with_values(plan.errors, {"": source.records}, columns)
        return Outcome(errors=rows, total_errors=len(plan.errors), columns=columns)
    summary = _("%(n)d个区域（%(what)s）") % {
        "n": len(plan.nodes),
        "what": area_imports.counts_text(plan.counts) or "—",
    }
    if not dry_run:
        area_imports.area_import_write(actor=actor, plan=plan, source_name=path.name)
    return Outcome(summary=summary, written=not dry_run, columns=columns)


def _run_orgs(actor: Any, path: Path, kind: str, dry_run: bool) -> Outcome:
    source = org_imports.org_records_from_file(path, kind=kind or None)
    plan = org_imports.org_import_validate(actor=actor, source=source)

    def sheet(key: str) -> str:
        return "" if source.single else org_imports.SHEETS[key]

    columns = {sheet(k): org_imports.COLUMNS[k] for k in source.sheets}
    if not plan.ok:
        records = {sheet(k): found for k, found in source.sheets.items()}
        rows = errors_with_values(plan.errors, records, columns)
        return Outcome(errors=rows, total_errors=len(plan.errors), columns=columns)
    if not dry_run:
        org_imports.org_import_write(actor=actor, plan=plan)
    return Outcome(summary=plan.summary(), written=not dry_run, columns=columns)


def _org_template(target: Any) -> None:
    org_imports.org_write_template(target)


@dataclass(frozen=True)
class Importer:
    key: str
    title: str | Promise
    intro: str | Promise
    suffixes: tuple[str, ...]
    run: Callable[[Any, Path, str, bool], Outcome]
    template: Callable[[Any], None]
    kinds: tuple[tuple[str, str | Promise], ...] = ()


IMPORTERS = {
    "areas": Importer(
        key="areas",
        title=gettext_lazy("区域导入"),
        intro=gettext_lazy(
            "导入市、区、街道、社区、网格和楼栋：.xlsx / .csv（按模板的列）或 GeoJSON。"
            "上级用代码或名称路径指明，可以是本文件中的行或系统中您管辖范围内已有的区域。先校验全部行，有任何错误则什么都不写入。"
        ),
        suffixes=(".xlsx", ".csv", ".geojson", ".json"),
        run=_run_areas,
        template=area_imports.area_write_template,
    ),
    "orgs": Importer(
        key="orgs",
        title=gettext_lazy("单位与党组织导入"),
        intro=gettext_lazy(
            "一个工作簿里可有“单位”“党组织”“兼职委员”三张表，按表名识别，表之间可以互相引用。"
            "只有一张表的文件（或 .csv）请选择内容。先校验全部行，有任何错误则什么都不写入。"
        ),
        suffixes=(".xlsx", ".csv"),
        run=_run_orgs,
        template=_org_template,
        kinds=(
            ("", gettext_lazy("按工作表名识别")),
            (org_imports.UNITS, gettext_lazy("单位")),
            (org_imports.ORGS, gettext_lazy("党组织")),
            (org_imports.PART_TIME, gettext_lazy("兼职委员")),
        ),
    ),
}


def _importer(request: HttpRequest, what: str) -> Importer:
    importer = IMPORTERS.get(what)
    if importer is None:
        raise Http404
    if not can_edit_registry(request.user):
        raise PermissionDenied(_("只有组织部、街道和社区的工作人员可以导入"))
    return importer


def _session_key(what: str) -> str:
    return f"registry_import_errors_{what}"


def _refused(upload: Any, importer: Importer, kind: str) -> tuple[str, int] | None:
    """What is wrong with the upload before it is read: (message naming the field, status)."""
    if upload is None:
        return _("【文件】请选择要上传的文件"), 400
    suffix = Path(upload.name or "").suffix.lower()
    if suffix not in importer.suffixes:
        return _("【文件】只支持 %(types)s 文件") % {"types": "、".join(importer.suffixes)}, 400
    limit = settings.QUANYU_IMPORT_MAX_MB
    if upload.size > limit * MB:
        return _("【文件】文件超过 %(mb)d MB，请拆分后分批导入") % {"mb": limit}, 413
    if kind not in {k for k, _label in importer.kinds} | {""}:
        return _("【表的内容】未知的选项“%(kind)s”") % {"kind": kind[:20]}, 400
    return None


@login_required
def registry_import(request: HttpRequest, what: str) -> HttpResponse:
    importer = _importer(request, what)
    kind = request.POST.get("kind", "")
    context: dict[str, Any] = {"importer": importer, "kind": kind, "shown": SHOWN, "kept": KEPT}
    status = 200
    if request.method == "POST":
        upload = request.FILES.get("file")
        refused = _refused(upload, importer, kind)
        if refused is not None:
            context["error"], status = refused
        else:
            outcome, context["error"], status = _run(request, importer, upload, kind)
            context["outcome"] = outcome
            if outcome is not None:
                context["rows"] = _shown(outcome)
            if outcome is not None and outcome.errors:
                request.session[_session_key(what)] = {
                    "columns": {s: [c.header for c in cols] for s, cols in outcome.columns.items()},
                    "errors": [
                        [e.sheet, e.row, e.column, e.message, list(e.values), e.noun]
                        for e in outcome.errors[:KEPT]
                    ],
                }
    response = render(request, "web/registry/import.html", context, status=status)
    add_never_cache_headers(response)
    return response


def _shown(outcome: Outcome) -> list[tuple[ErrorRow, list[tuple[str, str]]]]:
    """The errors listed on the page, each with its row's non-empty original cells."""
    headers = {sheet: [c.header for c in cols] for sheet, cols in outcome.columns.items()}
    return [
        (e, [(h, v) for h, v in zip(headers.get(e.sheet, []), e.values, strict=False) if v])
        for e in outcome.errors[:SHOWN]
    ]


def _run(request: HttpRequest, importer: Importer, upload: Any, kind: str) -> tuple[Outcome | None, str, int]:
    suffix = Path(upload.name or "").suffix.lower()
    dry_run = request.POST.get("dry_run") == "1"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"upload{suffix}"
        with path.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        try:
            outcome = importer.run(request.user, path, kind, dry_run)
        except SpreadsheetError as exc:
            return None, _("【文件】%(err)s") % {"err": exc}, 400
        except PermissionDenied as exc:
            return None, str(exc) or _("您无权导入到该区域"), 403
        except (IntegrityError, ValidationError) as exc:
            return None, _("写入失败，未导入任何数据：%(err)s") % {"err": exc}, 400
    return outcome, "", 400 if outcome.errors else 200


@login_required
def registry_import_errors(request: HttpRequest, what: str) -> HttpResponse:
    _importer(request, what)
    kept = request.session.get(_session_key(what))
    if not kept:
        raise Http404
    columns = {
        s: [Column(f"c{i}", h) for i, h in enumerate(headers)] for s, headers in kept["columns"].items()
    }
    rows = [ErrorRow(s, int(r), c, m, tuple(v), n) for s, r, c, m, v, n in kept["errors"]]
    buffer = io.BytesIO()
    write_error_report(buffer, rows, columns)
    return attachment(buffer.getvalue(), f"{what}-errors.xlsx")


@login_required
def registry_import_template(request: HttpRequest, what: str) -> HttpResponse:
    importer = _importer(request, what)
    buffer = io.BytesIO()
    importer.template(buffer)
    return attachment(buffer.getvalue(), f"{what}-template.xlsx")
