"""等保 residual information outside the database: no plaintext ID card or mobile number in any
log record whichever handler writes it, and no personal value in a Celery message."""

from __future__ import annotations

import inspect
import io
import logging

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
    assert "quanyu.tickets.forget_contacts" in ours
    for name, task in ours.items():
        for param in inspect.signature(task.run).parameters.values():
            assert param.annotation in ("int", int), f"{name} takes {param.name}: {param.annotation}"
