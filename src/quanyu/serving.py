"""What a web worker process does once Django is set up and before it serves (``quanyu.asgi``,
``quanyu.wsgi``).

- Import every view module now (the URL conf is otherwise read on the first request, so the first
  requests after a start wait for it).
- Collect, then freeze what is alive (``gc.freeze``): the settings, the URL conf, the models, the
  catalogue and the rest of the loaded program move to a generation the cyclic collector never
  scans again. Without it, each full collection walks those hundreds of thousands of objects and
  stops every thread of the worker for tens of milliseconds, which is what set the p99 of a burst
  of sign-ups (bench/signup.py, 2,000 sign-ups in about 2 s on 2 cores): p99 143-153 ms before,
  91-96 ms after, in runs side by side on a quiet machine.
"""

from __future__ import annotations

import gc


def settle_worker() -> None:
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018  (the property imports every view module)
    gc.collect()
    gc.freeze()
