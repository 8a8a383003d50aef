"""Soak: the production shape on this machine for a few minutes, with faults (issue 12, Operations).

Two uvicorn web workers (``quanyu.asgi``), two Celery workers (prefork, two children each) and
beat, on a fresh PostgreSQL database and a Redis database of their own, DEBUG off and the
production settings (secrets, allowed hosts, OTP-verified staff tokens, pools of
``--pool-size`` connections per process). Client threads drive a steady mixed load over real HTTP
(bench/_soak_load.py: ticket creations with Idempotency-Key and retries, the steps of a ticket,
lists and details, a venues xlsx import now and then) for ``--minutes``, while

* at 30 % of the run the open tickets' deadlines are moved into the sweep's windows (SQL, as time
  passing would: reminders 30 min before the response limit, supervision orders for completion
  limits passed), a deadline sweep is sent to Celery worker 1 and, once it has started writing
  reminders, worker 1 is killed with SIGKILL (main process and children) and started again;
* at 60 % PostgreSQL is restarted once (``pg_ctlcluster 15 main restart``).

Then the load stops, one more sweep and drain settle the outbox, and the database is checked: every
request got an HTTP status; 5xx only inside the restart window (counted apart); one ticket per
idempotency key and every answered ticket in the database; no doubled event; each reminder
claimed, told in-app and sent by SMS exactly once (the SMS gateway is bench/_soak_sms.py, a file);
peak PostgreSQL connections (pg_stat_activity, polled) within the pools' sum.

    .venv/bin/python bench/soak.py [--minutes 3] [--pg postgres://postgres@127.0.0.1:5432/q_soak]
        [--redis redis://127.0.0.1:6379/5] [--pool-size 4] [--no-pg-restart] [--keep-logs]

Writes bench/results/soak.json. Every subprocess is stopped on exit (also on Ctrl-C) and the soak
database dropped. The PostgreSQL restart reaches every database on the server: other work on it
sees its connections closed once.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))

from intake import PII_KEY, free_port, recreate_database  # noqa: E402

BIN = Path(sys.executable).parent
STAFF = [
    "street_staff",
    "grid_worker",
    "community_x",
    "district_admin",
    "housing_handler",
    "department_handler",
]
CELERY_CHILDREN = 2
QUIET_WAIT = 30.0  # at most this long for other databases' connections to close before the restart
RESTART_GRACE = 10.0  # seconds after pg_ctlcluster returns that still count as the restart window


def env_for(db_url: str, redis_url: str, app: str, tmp: Path, pool_size: int) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=f"{db_url}?application_name=soak-{app}",
        DJANGO_SETTINGS_MODULE="quanyu.settings",
        DEBUG="0",
        SECRET_KEY="soak-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        QUANYU_PII_KEY=PII_KEY,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="0",  # plain HTTP on the loopback (production sits behind TLS)
        PYTHONPATH=os.pathsep.join([str(ROOT / "src"), str(ROOT), str(ROOT / "bench")]),
        QUANYU_VAR=str(tmp / "var"),
        QUANYU_DB_POOL_SIZE=str(pool_size),
        QUANYU_CACHE_URL=redis_url,
        CELERY_BROKER_URL=redis_url,
        CELERY_RESULT_BACKEND=redis_url,
        QUANYU_SWEEP_SECONDS="30",
        QUANYU_NOTIFY_DRAIN_SECONDS="10",
        QUANYU_SMS_BACKEND="_soak_sms.FileSmsBackend",
        SOAK_SMS_LOG=str(tmp / "sms.log"),
        LOG_LEVEL="WARNING",
    )
    return env


def setup_phase() -> dict[str, Any]:
    """In a child process with the soak's environment: migrate, the test city with its catalogue,
    phone numbers for the staff (the reminders go out by SMS too) and a token each (staff tokens
    marked as issued after the second step, as /api/auth/token/ does with a TOTP code)."""
    import django

    django.setup()
    from django.core.management import call_command
    from rest_framework.authtoken.models import Token

    call_command("migrate", verbosity=0)
    from tests.factories import make_city, make_personas
    from tests.tickets.factories import make_catalog

    from quanyu.api.models import OtpToken

    city = make_city()
    make_personas(city)
    cat = make_catalog(city)
    tokens, phones = {}, {}
    for i, name in enumerate(["resident", *STAFF]):
        user = city.users[name]
        if name != "resident":
            user.phone = f"1390000{i:04d}"
            user.save()
            phones[str(user.pk)] = user.phone
        token = Token.objects.create(user=user)
        OtpToken.objects.create(token=token)
        tokens[name] = token.key
    return {
        "tokens": tokens,
        "phones": phones,
        "ids": {"housing": cat["housing"].pk, "cg": cat["cg"].pk, "community_code": city.communities[0].code},
    }


class Procs:
    """The server's processes, each in a session of its own (killed as a group), logs in ``tmp``."""

    def __init__(self, db_url: str, redis_url: str, tmp: Path, pool_size: int) -> None:
        self.db_url, self.redis_url, self.tmp, self.pool_size = db_url, redis_url, tmp, pool_size
        self.procs: dict[str, subprocess.Popen[bytes]] = {}
        self.ready_marks: dict[str, int] = {}  # "ready." lines in a worker's log when it was started
        self.port = free_port()

    def start(self, name: str) -> None:
        celery = [str(BIN / "celery"), "-A", "quanyu"]

        def worker(n: int) -> list[str]:
            """Celery worker ``n``: the shared queue and one of its own (the sweep aimed at it)."""
            return [
                *celery, "worker", "-n", f"soak{n}@%h", "-Q", f"celery,soak{n}", "-c", str(CELERY_CHILDREN),
                "--without-mingle", "--without-gossip", "--loglevel", "INFO",
            ]  # fmt: skip

        commands = {
            "web": [
                str(BIN / "uvicorn"),
                "quanyu.asgi:application",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--workers",
                "2",
                "--no-proxy-headers",
                "--no-access-log",
                "--log-level",
                "warning",
            ],
            "celery1": worker(1),
            "celery2": worker(2),
            "beat": [*celery, "beat", "-s", str(self.tmp / "beat-schedule"), "--loglevel", "INFO"],
        }
        path = self.tmp / f"{name}.log"
        self.ready_marks[name] = path.read_bytes().count(b"ready.") if path.exists() else 0
        log = open(path, "ab")  # noqa: SIM115 (the child keeps it)
        log.write(f"\n=== start {time.strftime('%H:%M:%S')}\n".encode())
        log.flush()
        self.procs[name] = subprocess.Popen(
            commands[name],
            env=env_for(self.db_url, self.redis_url, name, self.tmp, self.pool_size),
            cwd=str(ROOT),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        proc = self.procs.pop(name, None)
        if proc is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, sig)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)

    def stop_all(self) -> None:
        for name in list(self.procs):
            self.kill(name, signal.SIGTERM)

    def wait_ready(self, name: str, timeout: float = 90) -> float:
        """Seconds until ``name`` answers: web on /healthz and /readyz, a worker's "ready." line."""
        import requests

        t0 = time.time()
        log = self.tmp / f"{name}.log"
        marker = self.ready_marks.get(name, 0)
        while time.time() - t0 < timeout:
            proc = self.procs.get(name)
            if proc is not None and proc.poll() is not None:
                raise SystemExit(f"{name} exited ({proc.returncode}); see {log}")
            if name == "web":
                try:
                    if requests.get(f"http://127.0.0.1:{self.port}/readyz", timeout=5).status_code == 200:
                        return time.time() - t0
                except requests.RequestException:
                    pass
            elif name == "beat" or log.read_bytes().count(b"ready.") > marker:
                return time.time() - t0
            time.sleep(0.3)
        raise SystemExit(f"{name} was not ready within {timeout} s; see {log}")


class ConnMonitor(threading.Thread):
    """Polls pg_stat_activity: the soak database's connections per process kind, and the peak."""

    def __init__(self, db_url: str) -> None:
        super().__init__(daemon=True)
        self.db_url, self.name_ = db_url, db_url.rsplit("/", 1)[1]
        self.stop = threading.Event()
        self.peak, self.peak_by_kind, self.samples, self.failed = 0, {}, 0, 0

    def run(self) -> None:
        import psycopg

        conn = None
        while not self.stop.wait(0.25):
            try:
                if conn is None or conn.closed:
                    conn = psycopg.connect(
                        self.db_url + "?application_name=soak-monitor", autocommit=True, connect_timeout=3
                    )
                rows = conn.execute(
                    "SELECT application_name, count(*) FROM pg_stat_activity WHERE datname = %s "
                    "AND application_name LIKE 'soak-%%' AND application_name <> 'soak-monitor' GROUP BY 1",
                    [self.name_],
                ).fetchall()
            except psycopg.Error:
                self.failed += 1
                conn = None
                continue
            self.samples += 1
            by_kind = {name.removeprefix("soak-"): n for name, n in rows}
            self.peak = max(self.peak, sum(by_kind.values()))
            for kind, n in by_kind.items():
                self.peak_by_kind[kind] = max(self.peak_by_kind.get(kind, 0), n)


def _scalar(db_url: str, sql: str, params: Any = None) -> Any:
    import psycopg

    with psycopg.connect(db_url, autocommit=True, connect_timeout=5) as conn:
        return conn.execute(sql, params).fetchone()[0]


def bring_deadlines_near(db_url: str) -> dict[str, int]:
    """What time passing would do to the open tickets' limits: the response limits of tickets not
    yet accepted and of pending whistles come within the reminder window (30 min ahead), and
    accepted tickets' completion limits pass (a minute ago), so the sweep has reminders and
    supervision orders to send."""
    import psycopg

    with psycopg.connect(db_url, autocommit=True, connect_timeout=5) as conn:
        a = conn.execute(
            "UPDATE tickets_ticket SET response_due = now() + interval '30 minutes' "
            "WHERE status = 'new' AND accepted_at IS NULL"
        ).rowcount
        b = conn.execute(
            "UPDATE tickets_whistle SET response_due = now() + interval '30 minutes' WHERE status = 'pending'"
        ).rowcount
        c = conn.execute(
            "UPDATE tickets_ticket SET completion_due = now() - interval '1 minute' "
            "WHERE status = 'in_progress'"
        ).rowcount
    return {"ticket_response": a, "whistle_response": b, "ticket_completion": c}


def sweep_and_kill(procs: Procs, celery: Any, db_url: str) -> dict[str, Any]:
    """Send a sweep to worker 1; when its reminders start to appear, SIGKILL worker 1 (main process
    and children); start it again."""
    moved = bring_deadlines_near(db_url)
    before = _scalar(db_url, "SELECT count(*) FROM tickets_reminder")
    celery.send_task("quanyu.tickets.sweep_deadlines", queue="soak1")
    t0 = time.time()
    seen = before
    while time.time() - t0 < 30:
        seen = _scalar(db_url, "SELECT count(*) FROM tickets_reminder")
        if seen > before:
            break
        time.sleep(0.05)
    killed_at = time.time()
    procs.kill("celery1")
    at_kill = _scalar(db_url, "SELECT count(*) FROM tickets_reminder")
    procs.start("celery1")
    ready = procs.wait_ready("celery1")
    return {
        "deadlines_moved": moved,
        "reminders_before_sweep": before,
        "reminders_when_killed": at_kill,
        "sweep_had_started": seen > before,
        "seconds_from_send_to_kill": round(killed_at - t0, 2),
        "worker_back_after_s": round(ready, 1),
        "at": killed_at,
    }


def restart_postgres() -> dict[str, Any]:
    clusters = subprocess.run(["pg_lsclusters", "--no-header"], capture_output=True, text=True, timeout=30)
    version, cluster = clusters.stdout.split()[:2]
    # The restart closes every database's connections: wait a little for other work on the server
    # (a test run on PostgreSQL) to be between connections, then restart anyway.
    waited = time.time()
    while True:
        others = _scalar(
            "postgres://postgres@127.0.0.1:5432/postgres",
            "SELECT count(*) FROM pg_stat_activity WHERE datname IS NOT NULL "
            "AND datname NOT LIKE 'q_soak%%' AND pid <> pg_backend_pid()",
        )
        if others == 0 or time.time() - waited > QUIET_WAIT:
            break
        time.sleep(1)
    t0 = time.time()
    done = subprocess.run(
        ["pg_ctlcluster", version, cluster, "restart"], capture_output=True, text=True, timeout=120
    )
    t1 = time.time()
    return {
        "cluster": f"{version}/{cluster}",
        "start": t0,
        "end": t1,
        "seconds": round(t1 - t0, 2),
        "returncode": done.returncode,
        "stderr": done.stderr[-300:],
        "other_connections_on_the_server": others,
        "waited_for_quiet_s": round(t0 - waited, 1),
    }


def _drain_until_done(celery: Any, db_url: str, timeout: float) -> int | None:
    t0, due = time.time(), None
    while time.time() - t0 < timeout:
        time.sleep(2)
        celery.send_task("quanyu.notify.drain_outbox")
        due = _scalar(
            db_url,
            "SELECT count(*) FROM notify_outboxmessage WHERE status = 'pending' AND next_attempt_at <= now()",
        )
        if due == 0 and time.time() - t0 > 8:
            break
    return due


def settle(celery: Any, db_url: str, timeout: float = 120) -> dict[str, Any]:
    """After the load: one more sweep, then drains until no outbox row is due. Rows claimed by a
    drain that was killed come back after the lease (10 min): their lease is then ended by SQL, as
    time passing would, and they are drained too, so that a message sent both by the killed drain
    and again after the lease shows up as sent twice."""
    import psycopg

    celery.send_task("quanyu.tickets.sweep_deadlines")
    t0 = time.time()
    due = _drain_until_done(celery, db_url, timeout)
    with psycopg.connect(db_url, autocommit=True, connect_timeout=5) as conn:
        leased = conn.execute(
            "UPDATE notify_outboxmessage SET next_attempt_at = now() "
            "WHERE status = 'pending' AND next_attempt_at > now()"
        ).rowcount
    if leased:
        due = _drain_until_done(celery, db_url, timeout)
    return {"seconds": round(time.time() - t0, 1), "due_left": due, "leases_ended": leased}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--minutes", type=float, default=3.0)
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432/q_soak")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/5")
    parser.add_argument("--pool-size", type=int, default=4)
    parser.add_argument("--no-pg-restart", action="store_true")
    parser.add_argument("--keep-logs", action="store_true")
    parser.add_argument("--phase", default="main")
    args = parser.parse_args()
    if args.phase == "setup":
        print(json.dumps(setup_phase()))
        return
    run(args)


def run(args: argparse.Namespace) -> None:
    import redis
    from _soak_checks import check_all, summarise
    from _soak_load import Shared, start
    from _util import write_result
    from celery import Celery

    # SIGTERM (a CI time-out, `kill`) cleans up as Ctrl-C does.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    tmp = Path(tempfile.mkdtemp(prefix="quanyu-soak-"))
    redis.Redis.from_url(args.redis).flushdb()
    recreate_database(args.pg)
    procs = Procs(args.pg, args.redis, tmp, args.pool_size)
    monitor = ConnMonitor(args.pg)
    shared: Shared | None = None
    interrupted = False
    try:
        setup = subprocess.run(
            [sys.executable, __file__, "--phase", "setup"],
            env=env_for(args.pg, args.redis, "setup", tmp, args.pool_size),
            capture_output=True,
            text=True,
            check=False,
            timeout=600,
        )
        if setup.returncode != 0:
            raise SystemExit(f"setup failed:\n{setup.stdout[-2000:]}\n{setup.stderr[-4000:]}")
        info = json.loads(setup.stdout.strip().splitlines()[-1])
        for name in ("web", "celery1", "celery2", "beat"):
            procs.start(name)
        ready = {name: round(procs.wait_ready(name), 1) for name in ("web", "celery1", "celery2", "beat")}
        print(f"soak: servers ready {ready}; logs in {tmp}", flush=True)
        celery = Celery("soak-driver", broker=args.redis)
        monitor.start()
        shared = Shared(base=f"http://127.0.0.1:{procs.port}", tokens=info["tokens"], ids=info["ids"])
        run_id = time.strftime("%H%M%S")
        threads = start(shared, run=run_id)
        t_start = time.time()
        total = args.minutes * 60
        faults: dict[str, Any] = {}
        _wait_until(t_start + 0.3 * total)
        print("soak: deadline sweep on worker 1, then kill -9 of worker 1", flush=True)
        faults["celery_kill"] = sweep_and_kill(procs, celery, args.pg)
        if not args.no_pg_restart:
            _wait_until(t_start + 0.6 * total)
            print("soak: restarting PostgreSQL", flush=True)
            faults["pg_restart"] = restart_postgres()
        _wait_until(t_start + total)
        shared.stop.set()
        for t in threads:
            t.join(timeout=90)
        load_seconds = time.time() - t_start
        print("soak: load stopped; settling the outbox", flush=True)
        faults["settle"] = settle(celery, args.pg)
        monitor.stop.set()
        checks = check_all(args.pg, shared, tmp / "sms.log", info["phones"])
        figures, targets, meets, extra = summarise(
            shared,
            checks,
            faults,
            monitor,
            load_seconds,
            pool_limit=_pool_limit(args.pool_size),
            grace=RESTART_GRACE,
        )
        extra["logs_error_lines"] = _error_lines(tmp)
        extra["setup"] = {
            "ready_s": ready,
            "pool_size_per_process": args.pool_size,
            "processes": "uvicorn 2 workers, 2 celery workers × (1 + 2 children), beat",
        }
        result = write_result(
            "soak",
            figures=figures,
            reference=None,
            targets=targets,
            meets_target=meets,
            note="no reference: the targets are the issue's (nothing lost or doubled)",
            **extra,
        )
        print(
            json.dumps(
                {"figures": result["figures"], "meets_target": result["meets_target"]},
                ensure_ascii=False,
                indent=1,
            )
        )
    except KeyboardInterrupt:
        interrupted = True
        print("soak: interrupted; cleaning up", flush=True)
    finally:
        if shared is not None:
            shared.stop.set()
        monitor.stop.set()
        procs.stop_all()
        try:
            _drop_database(args.pg)
        except Exception as exc:
            print(f"soak: could not drop the database: {exc}", flush=True)
        if args.keep_logs or interrupted:
            print(f"soak: logs kept in {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


def _wait_until(at: float) -> None:
    while time.time() < at:
        time.sleep(min(1.0, at - time.time()) if at > time.time() else 0)


def _pool_limit(pool_size: int) -> dict[str, int]:
    """The most connections the pools allow: web 2 workers, each Celery worker its main process and
    its children, beat; each process ``pool_size``."""
    processes = {"web": 2, "celery1": 1 + CELERY_CHILDREN, "celery2": 1 + CELERY_CHILDREN, "beat": 1}
    return {kind: n * pool_size for kind, n in processes.items()}


def _error_lines(tmp: Path) -> dict[str, int]:
    out = {}
    for log in sorted(tmp.glob("*.log")):
        if log.stem == "sms":
            continue  # the SMS gateway's file, not a process's log
        text = log.read_text(errors="replace")
        out[log.stem] = sum(1 for line in text.splitlines() if '"level": "ERROR"' in line or "ERROR/" in line)
    return out


def _drop_database(db_url: str) -> None:
    from urllib.parse import urlparse

    import psycopg

    parsed = urlparse(db_url)
    admin = parsed._replace(path="/postgres").geturl()
    deadline = time.time() + 60
    while True:
        try:
            with psycopg.connect(admin, autocommit=True, connect_timeout=5) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{parsed.path.lstrip("/")}" WITH (FORCE)')
            return
        except psycopg.OperationalError:
            if time.time() > deadline:
                raise
            time.sleep(1)


if __name__ == "__main__":
    main()
