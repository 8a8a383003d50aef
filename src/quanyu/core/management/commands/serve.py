"""``quanyu serve``: the production web server, uvicorn workers serving ``quanyu.asgi``.

Quanyu reads the client's address itself (``core.audit.client_ip``: X-Forwarded-For only
through ``QUANYU_TRUSTED_PROXIES`` proxies, so django-axes, the audit log and the throttles agree
on it), so uvicorn's own proxy-header handling stays off: by default uvicorn believes
X-Forwarded-For from 127.0.0.1, and a locked-out account logged in again from loopback by naming
another address in that header. The scheme behind a proxy is Django's ``SECURE_PROXY_SSL_HEADER``,
set when ``QUANYU_TRUSTED_PROXIES`` > 0.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "运行生产用的 uvicorn 服务（ASGI，含工单快速通道）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8001)
        parser.add_argument("--workers", type=int, default=1, help="工作进程数（建议每核一个）")

    def handle(self, *args: Any, **options: Any) -> None:
        import uvicorn

        uvicorn.run(
            "quanyu.asgi:application",
            host=options["host"],
            port=options["port"],
            workers=options["workers"],
            proxy_headers=False,
            lifespan="on",
            access_log=False,
        )
