"""Settings for the test suite: fast hashing, eager Celery, test-only keys."""

import os

os.environ.setdefault("QUANYU_TESTING", "1")
os.environ.setdefault("AXES_ENABLED", "1")

from quanyu.settings import *  # noqa: F403
