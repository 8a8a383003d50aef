"""等保 residual information outside the database: no plaintext ID card or mobile number in any
log record whichever handler writes it, and no personal value in a Celery message."""

from __future__ import annotations

import inspect
import io
import logging

import pytest

from quanyu.celery import app


def _bare_logger() -> tuple[logging.Logger, io.StringIO]:
    """A handler as uvicorn or a Celery worker installs it: no filter of ours, a plain format."""
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    logger = logging.getLogger("quanyu.test.residual")
    logger.handlers[:] = [handler]
    logger.propagate = False
    logger.setLevel(logging.INFO)
    return logger, out


def test_every_record_is_masked_even_through_a_handler_without_our_filter():
    logger, out = _bare_logger()
    logger.info("居民 370602199001011234 电话 13812345678")
    logger.warning("导入第 %d 行：%s，%s", 7, "370602199001011234", "13812345678")
    logger.warning("number given as an int: %d", 13812345678)
    try:
        raise ValueError("bad id 37060219900101123X for 13812345678")
    except ValueError:
        logger.exception("出错 %(who)s", {"who": "13812345678"})
    text = out.getvalue()
    for plain in ("370602199001011234", "37060219900101123X", "13812345678"):
        assert plain not in text
    assert "居民 370602********1234 电话 138****5678" in text
    assert "导入第 7 行：370602********1234，138****5678" in text
    assert "number given as an int: 138****5678" in text
    assert "bad id 370602********123X for 138****5678" in text and "出错 138****5678" in text


def test_arguments_keep_their_shape_for_formatters_that_read_them():
    """uvicorn's access formatter unpacks ``record.args``: masking must not merge them away."""
    logger, _out = _bare_logger()
    seen: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            seen.append(record)

    logger.addHandler(Keep())
    logger.info('%s - "%s %s"', "127.0.0.1", "GET", "/people/residents/?q=13812345678")
    assert seen[0].args == ("127.0.0.1", "GET", "/people/residents/?q=138****5678")


def test_celery_tasks_take_no_personal_values():
    """Task messages sit in the broker (Redis) and in worker logs: our tasks take nothing, or a
    number of minutes; whatever they work on they read by id from the database."""
    app.loader.import_default_modules()  # every app's tasks.py, as a worker loads them
    ours = {name: task for name, task in app.tasks.items() if name.startswith("quanyu.")}
    assert "quanyu.core.retention" in ours
    for name, task in ours.items():
        for param in inspect.signature(task.run).parameters.values():
            assert param.annotation in ("int", int), f"{name} takes {param.name}: {param.annotation}"


@pytest.mark.django_db
def test_the_audit_log_names_a_person_masked(city):
    """The log is sealed and kept for years: a reveal's entry names the person by the masked name
    and the row's id, never the name or a number."""
    from quanyu.core.models import AuditEntry
    from quanyu.people.services import PersonInput, person_reveal, resident_create
    from tests.people.helpers import make_id

    resident = resident_create(
        actor=city.users["community_x"],
        person=PersonInput(
            name="王秀英", id_number=make_id(11, born="19400101", male=False), phone="13912345678"
        ),
        community=city.communities[0],
    )
    person_reveal(actor=city.users["community_x"], person=resident, field="phone", reason="回访")
    entries = AuditEntry.objects.filter(target_type="people.resident", target_id=str(resident.pk))
    assert {e.target_repr for e in entries} == {"王*英"}
    assert entries.filter(action="reveal").exists()


@pytest.mark.django_db
def test_expired_sessions_are_deleted_on_the_beat():
    """A session may hold an import's error rows; Django never deletes an expired one by itself."""
    import datetime as dt

    from django.contrib.sessions.models import Session
    from django.utils import timezone

    from quanyu.core.tasks import clear_sessions_task

    Session.objects.create(
        session_key="old", session_data="x", expire_date=timezone.now() - dt.timedelta(hours=1)
    )
    Session.objects.create(
        session_key="live", session_data="x", expire_date=timezone.now() + dt.timedelta(hours=1)
    )
    clear_sessions_task()
    assert list(Session.objects.values_list("session_key", flat=True)) == ["live"]


def test_e_mail_addresses_and_the_rows_postgresql_quotes_are_left_out():
    from quanyu.core.logs import redact

    assert redact("SMTP: <zhang.san@example.com.cn> refused") == "SMTP: <z***@example.com.cn> refused"
    assert redact("postgres://postgres@127.0.0.1:5432/q") == "postgres://postgres@127.0.0.1:5432/q"
    quoted = (
        'new row for relation "people_resident" violates check constraint "x"\n'
        "DETAIL:  Failing row contains (7, 王秀英, 幸福里3单元502, t).\n"
        'duplicate key value violates unique constraint "u"\n'
        "DETAIL:  Key (name, community_id)=(王秀英 (大), 4) already exists."
    )
    clean = redact(quoted)
    assert "王秀英" not in clean and "502" not in clean
    assert "Failing row contains (…)" in clean and "Key (name, community_id)=(…) already exists." in clean


@pytest.mark.django_db
def test_a_database_error_logged_with_its_traceback_names_no_one(city):
    """On PostgreSQL a constraint error quotes the whole row; logged with its traceback, the
    person's name and address are not written."""
    from django.db import IntegrityError, connection, transaction

    from quanyu.people.models import Resident
    from quanyu.people.services import PersonInput, resident_create
    from tests.people.helpers import make_id

    resident = resident_create(
        actor=city.users["community_x"],
        person=PersonInput(
            name="王秀英", id_number=make_id(12), phone="13912345678", address="幸福里3单元502"
        ),
        community=city.communities[0],
    )
    logger, out = _bare_logger()
    try:
        with transaction.atomic():
            Resident.objects.filter(pk=resident.pk).update(gender=None)  # NOT NULL: the row is quoted
    except IntegrityError:
        logger.exception("saving resident %s failed", resident.pk)
    text = out.getvalue()
    assert "Traceback" in text and "王秀英" not in text and "幸福里" not in text
    if connection.vendor == "postgresql":
        assert "Failing row contains (…)" in text


def test_temporary_files_are_always_deleted():
    """Every temporary file or folder of an upload, import, export or backup lives in a ``with``
    block, so it is deleted when the work ends, failed or not: no ``delete=False``, no
    ``mkstemp``/``mkdtemp`` left to a ``finally`` someone may forget."""
    from pathlib import Path

    import quanyu

    found = []
    for path in Path(quanyu.__file__).parent.rglob("*.py"):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            code = line.split("#", 1)[0].strip()
            if "tempfile." in code and not code.startswith("import "):
                found.append(f"{path.name}:{n}")
                assert code.startswith("with tempfile."), f"{path}:{n}: {code}"
            assert "delete=False" not in code and "mkstemp(" not in code, f"{path}:{n}: {code}"
    assert len(found) >= 4  # the upload pages and the backup
