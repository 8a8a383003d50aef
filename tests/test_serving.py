"""quanyu.serving: a web worker imports its views and freezes the loaded program before serving."""

from __future__ import annotations

import gc
import sys

from quanyu.serving import settle_worker


def test_a_settled_worker_has_its_views_loaded_and_its_heap_frozen():
    gc.unfreeze()
    try:
        settle_worker()
        assert gc.get_freeze_count() > 10_000  # the program's objects: never scanned again
        assert "quanyu.web.urls" in sys.modules or "quanyu.urls" in sys.modules
        assert "quanyu.api.tickets.views" in sys.modules
    finally:
        gc.unfreeze()
