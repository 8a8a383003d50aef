"""Settings for the test suite: fast hashing, eager Celery, test-only keys."""

import os

os.environ.setdefault("QUANYU_TESTING", "1")
os.environ.setdefault("AXES_ENABLED", "1")
# Two-step log-in is off for the suites; tests/accounts/test_otp.py turns it on per test.
os.environ.setdefault("QUANYU_REQUIRE_OTP", "0")
# The suite keeps its connections per thread as before (threads of its own hold theirs to the end
# of a test); tests/test_dbsettings.py serves the pool from uvicorn workers.
os.environ.setdefault("QUANYU_DB_POOL_SIZE", "0")

from quanyu.settings import *  # noqa: F403
