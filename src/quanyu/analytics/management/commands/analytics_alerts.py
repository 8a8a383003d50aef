"""quanyu analytics alerts — raise the hot-spot and spike alerts of every street once each and
tell the street's and community's staff (idempotent; Celery beat runs it every 30 minutes)."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand

from quanyu.analytics.services import alerts_raise


class Command(BaseCommand):
    help = "预警：热点问题与异常激增，每条只提醒一次"

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(json.dumps(alerts_raise().as_dict()))
