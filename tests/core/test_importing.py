"""The helpers every ``quanyu import …`` command shares (core.management.importing)."""

from io import StringIO

import pytest
from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError
from openpyxl import load_workbook

from quanyu.core.management.importing import (
    MAX_ERRORS_SHOWN,
    actor_from_options,
    fail_with_errors,
    import_actor,
    import_path,
    read_source,
    report_errors,
    write_or_fail,
)
from quanyu.core.spreadsheets import Column, RowError, read_errors, read_rows, write_template
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def command() -> BaseCommand:
    return BaseCommand(stdout=StringIO(), stderr=StringIO())


def output(cmd: BaseCommand, stream: str) -> list[str]:
    return getattr(cmd, stream)._out.getvalue().splitlines()


def test_import_actor_is_the_named_active_user_or_the_first_superuser():
    root = make_user("root", superuser=True)
    make_user("later", superuser=True)
    staff = make_user("staff")
    gone = make_user("gone")
    gone.is_active = False
    gone.save(update_fields=["is_active"])
    assert import_actor(None) == root
    assert import_actor("staff") == staff
    for name in ("gone", "nobody"):
        with pytest.raises(LookupError, match="不存在或已停用"):
            import_actor(name)


def test_without_a_superuser_the_actor_must_be_named():
    make_user("staff")
    with pytest.raises(LookupError, match="--actor"):
        import_actor(None)


def test_a_required_actor_has_no_default():
    make_user("root", superuser=True)
    with pytest.raises(CommandError, match="--actor"):
        actor_from_options({"actor": None}, required=True)
    assert actor_from_options({"actor": None}).username == "root"
    with pytest.raises(CommandError, match="不存在或已停用"):
        actor_from_options({"actor": "nobody"}, required=True)


def test_report_shows_the_first_errors_and_writes_them_all(tmp_path):
    errors = [RowError(n, "名称", f"错误{n}") for n in range(2, 2 + MAX_ERRORS_SHOWN + 10)]
    target = tmp_path / "errors.xlsx"
    cmd = command()
    report_errors(cmd, errors, str(target))
    lines = output(cmd, "stderr")
    assert lines[:MAX_ERRORS_SHOWN] == [str(e) for e in errors[:MAX_ERRORS_SHOWN]]
    assert str(errors[MAX_ERRORS_SHOWN]) not in lines
    assert f"……共 {len(errors)} 条错误" in lines
    assert read_errors(target) == errors


def test_fail_with_errors_stops_the_command(tmp_path):
    cmd = command()
    with pytest.raises(CommandError, match="发现2处错误，未导入任何数据"):
        fail_with_errors(cmd, [RowError(2, "名称", "不能为空"), RowError(3, "", "重复")], None)
    assert output(cmd, "stderr") == ["第2行【名称】：不能为空", "第3行：重复"]


def test_a_file_that_cannot_be_read_stops_with_a_one_line_report(tmp_path):
    target = tmp_path / "errors.xlsx"
    missing = tmp_path / "missing.xlsx"

    def read(path):
        return list(read_rows(path, [Column("name", "名称")]))

    with pytest.raises(CommandError, match="发现1处错误"):
        read_source(command(), missing, str(target), read)
    [error] = read_errors(target)
    assert error.row == 1 and "文件不存在" in error.message
    with pytest.raises(CommandError, match="文件不存在"):
        read_source(command(), missing, None, read)


def test_template_or_file(tmp_path):
    cmd = command()
    target = tmp_path / "template.xlsx"

    def write(path):
        write_template(path, [Column("name", "名称", required=True)], title="模板")

    assert import_path(cmd, {"template": str(target), "file": None}, write_template=write) is None
    assert next(load_workbook(target).active.iter_rows(values_only=True))[0].startswith("名称")
    assert output(cmd, "stdout") == [f"模板已写入 {target}"]
    assert import_path(cmd, {"template": None, "file": "a.xlsx"}, write_template=write).name == "a.xlsx"
    with pytest.raises(CommandError, match="--template"):
        import_path(cmd, {"template": None, "file": None}, write_template=write)


def test_a_failed_write_is_the_commands_error():
    with pytest.raises(CommandError, match="写入失败，未导入任何数据：duplicate"), write_or_fail():
        raise IntegrityError("duplicate")


def test_estimated_rows_reads_the_dimension_record_only(tmp_path):
    from openpyxl import Workbook

    from quanyu.core.management.importing import estimated_rows

    book = Workbook()
    for i in range(30):
        book.active.append([i, "x"])
    normal = tmp_path / "a.xlsx"
    book.save(normal)
    assert estimated_rows(normal) == 29
    broken = tmp_path / "b.xlsx"
    broken.write_bytes(b"not a zip")
    csv = tmp_path / "c.csv"
    csv.write_text("a\n1\n", encoding="utf-8")
    assert estimated_rows(broken) is None and estimated_rows(csv) is None
