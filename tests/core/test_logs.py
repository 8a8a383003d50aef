"""Structured logs: one JSON object per line with the request's id, and no ID card or mobile
number in any record, message, argument or traceback — masked where the record is made (the
record factory ``core.logs.configure`` installs), so a bare handler writes none either, from
before the apps load."""

from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from quanyu.core.logs import JsonFormatter, redact, request_id


def _logger() -> tuple[logging.Logger, io.StringIO]:
    out = io.StringIO()
    handler = logging.StreamHandler(out)  # no filter: the records come masked
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("quanyu.test.logs")
    logger.handlers[:] = [handler]
    logger.propagate = False
    logger.setLevel(logging.INFO)
    return logger, out


def test_redact_masks_id_and_mobile_numbers_only():
    masked = redact("身份证 370602199001011234，电话 13812345678")
    assert masked == "身份证 370602********1234，电话 138****5678"
    assert redact("工单 #1234567 于 2024-06-03") == "工单 #1234567 于 2024-06-03"
    assert redact("37060219900101123X") == "370602********123X"


def test_a_record_is_one_json_line_without_personal_numbers():
    logger, out = _logger()
    token = request_id.set("req-1")
    try:
        logger.info("导入失败：%s 的电话 %s", "370602199001011234", "13812345678", extra={"rows": 3})
        try:
            raise ValueError("bad id 370602199001011234")
        except ValueError:
            logger.exception("出错")
    finally:
        request_id.reset(token)
    first, second = (json.loads(line) for line in out.getvalue().splitlines())
    assert first["message"] == "导入失败：370602********1234 的电话 138****5678"
    assert (first["level"], first["logger"], first["request_id"], first["rows"]) == (
        "INFO",
        "quanyu.test.logs",
        "req-1",
        3,
    )
    assert "370602199001011234" not in out.getvalue() and "370602********1234" in second["exception"]


@pytest.mark.django_db
def test_every_answer_names_its_request():
    given = Client().get("/healthz", HTTP_X_REQUEST_ID="abc-123")
    assert given["X-Request-ID"] == "abc-123"
    made = Client().get("/healthz", HTTP_X_REQUEST_ID="<script>")
    assert len(made["X-Request-ID"]) == 32 and made["X-Request-ID"].isalnum()


# Made after logging is configured and before any app is loaded (what Django's setup does
# between configure_logging and apps.populate), written by the root handler of settings.LOGGING.
BEFORE_APPS = """
import logging
from django.conf import settings
from django.utils.log import configure_logging
configure_logging(settings.LOGGING_CONFIG, settings.LOGGING)
from django.apps import apps
assert not apps.ready
logging.getLogger("quanyu.early").warning("early %s, %s", "370602199001011234", "13812345678")
try:
    raise ValueError("bad 370602199001011234")
except ValueError:
    logging.getLogger("quanyu.early").exception("import failed for 13812345678")
"""


def test_records_made_before_the_apps_load_are_masked():
    src = Path(__file__).resolve().parents[2] / "src"
    env = {**os.environ, "PYTHONPATH": str(src), "DJANGO_SETTINGS_MODULE": "quanyu.test_settings"}
    ran = subprocess.run(
        [sys.executable, "-c", BEFORE_APPS], env=env, capture_output=True, text=True, timeout=120, check=True
    )
    written = ran.stdout + ran.stderr
    assert "early 370602********1234, 138****5678" in written
    assert "import failed for 138****5678" in written and "bad 370602********1234" in written
    assert "370602199001011234" not in written and "13812345678" not in written
