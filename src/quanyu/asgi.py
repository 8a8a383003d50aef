"""ASGI entry point (``uvicorn quanyu.asgi:application``): Django, with the intake lane in front of
it for plain ticket creations and volunteers' own sign-ups (``quanyu.api.lane``).

The interpreter hands the GIL between threads every ``QUANYU_SWITCH_INTERVAL_MS`` (1 ms here,
Python's default is 5): the event loop, which reads requests and writes answers, otherwise waits
up to 5 ms behind a writer thread checking a batch. On the 2-core benchmark machine 1 ms gave
9-17 % more tickets per second with a lower p99 than 5 ms, run for run.
"""

import os
import sys

from django.core.asgi import get_asgi_application

from quanyu.dbsettings import ASGI_FLAG

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "quanyu.settings")
os.environ[ASGI_FLAG] = "1"  # no connection outlives its request's thread (quanyu.dbsettings)
django_application = get_asgi_application()

from quanyu.api.lane import IntakeLane  # noqa: E402  (after Django is set up)
from quanyu.env import env_int  # noqa: E402
from quanyu.serving import settle_worker  # noqa: E402

sys.setswitchinterval(max(1, env_int("QUANYU_SWITCH_INTERVAL_MS", 1)) / 1000)

application = IntakeLane(django_application)  # type: ignore[arg-type]
settle_worker()
