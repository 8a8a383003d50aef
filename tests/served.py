"""A real server in a process group of its own, on the test database (PostgreSQL: a subprocess
cannot reach SQLite's in-memory test database), for tests that need uvicorn workers."""

from __future__ import annotations

import contextlib
import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

from django.db import connection


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def served_database_url(**query: str) -> str:
    db = connection.settings_dict
    host = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    extra = "&".join(f"{k}={v}" for k, v in query.items())
    return f"postgres://{db['USER']}@{host}/{db['NAME']}" + (f"?{extra}" if extra else "")


def answers(port: int) -> bool:
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.request("GET", "/api/schema/?format=json", headers={"Accept": "application/json"})
        return conn.getresponse().status == 200
    except OSError:
        return False


@contextlib.contextmanager
def serving(command: list[str], env: dict[str, str], port: int) -> Iterator[int]:
    """Run ``command`` (a server listening on ``port``) until the block ends; its workers are
    stopped with it, even when the test fails."""
    full_env = {**os.environ, "DJANGO_SETTINGS_MODULE": "quanyu.test_settings", **env}
    server = subprocess.Popen(
        [sys.executable, *command], env=full_env, stdin=subprocess.DEVNULL, start_new_session=True
    )
    try:
        deadline = time.monotonic() + 60
        while not answers(port):
            assert server.poll() is None, "the server exited"
            assert time.monotonic() < deadline, "the server did not answer"
            time.sleep(0.2)
        yield port
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        finally:
            with contextlib.suppress(ProcessLookupError):  # the workers too, should one linger
                os.killpg(server.pid, signal.SIGKILL)


def post_json(port: int, path: str, body: Any, headers: dict[str, str] | None = None) -> tuple[int, Any]:
    import json

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    payload = json.dumps(body, ensure_ascii=False).encode()
    conn.request("POST", path, payload, {"Content-Type": "application/json", **(headers or {})})
    response = conn.getresponse()
    raw = response.read()
    return response.status, (json.loads(raw) if raw else None)
