"""A term-opening burst of volunteer sign-ups through real HTTP on PostgreSQL: 2,000 people, each
with an account and a volunteer record, sign up at once for 50 activities (30 places each, so the
popular ones fill and grow waiting lists) through POST /api/volunteer-activities/<id>/signup/
(token auth, JSON), served by uvicorn workers (``quanyu.asgi``; ``--server gunicorn`` for
``quanyu.wsgi``) exactly as bench/intake.py runs its server.

Before the burst, 40 refused sign-ups (a token that does not exist) warm each worker up, as on a
server that has been running (``warm_up``). Reports sign-ups per second over the burst,
p50/p90/p99 latency, errors, and checks the database afterwards: over-bookings (confirmed beyond
the capacity; must be 0), duplicate sign-ups (must be 0), waiting positions in arrival order
without gaps. Also the volunteer list at 31,000 volunteers: server time of GET /api/volunteers/
(p50/p95 over pages) and its query count, which must not grow with the page.

    .venv/bin/python bench/signup.py [--people 2000] [--activities 50] [--capacity 30]
        [--clients 50] [--server uvicorn] [--workers 2]
        [--pg postgres://postgres@127.0.0.1:5432/bench_signup]

Scratch database ``bench_signup`` (dropped and re-created). Writes bench/results/signup.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))

from intake import CpuSplit, env_for, free_port, recreate_database  # noqa: E402

LIST_VOLUNTEERS = 31_000


def setup_phase(people: int, activities: int, capacity: int, tokens_file: str) -> dict[str, Any]:
    """Migrate, the test city, a team with a project and its activities (through the services),
    ``people`` accounts with tokens and volunteer records, and 31,000 volunteers in all for the
    list (rows made in bulk: the register is the bench's scenery, not what it measures)."""
    import datetime as dt

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone
    from rest_framework.authtoken.models import Token

    call_command("migrate", verbosity=0)
    from tests.factories import make_city, make_personas

    from quanyu.accounts.models import RoleGrant, User
    from quanyu.core.pii import encrypt_many, pii_hash_many
    from quanyu.core.roles import Role
    from quanyu.volunteering import services
    from quanyu.volunteering.models import Volunteer
    from quanyu.volunteering.services.registry import new_volunteer_number

    city = make_city()
    make_personas(city)
    staff = city.users["community_x"]
    community = city.communities[0]
    team = services.team_create(
        actor=staff, name="开学季志愿服务队", kind="member", community=community, organisation="社区党委"
    )
    project = services.project_create(actor=staff, team=team, name="四点半课堂", kind="after_school")
    starts = timezone.now() + dt.timedelta(days=7)
    activity_ids = [
        services.activity_create(
            actor=staff,
            project=project,
            title=f"四点半课堂·第{n + 1}班",
            starts_at=starts + dt.timedelta(days=n % 5),
            ends_at=starts + dt.timedelta(days=n % 5, hours=2),
            address="社区党群服务中心",
            capacity=capacity,
            signup_opens=timezone.now() - dt.timedelta(hours=1),
            signup_closes=starts,
        ).pk
        for n in range(activities)
    ]
    users = User.objects.bulk_create(
        [User(username=f"bench{i}", display_name=f"志愿者{i}", password="!") for i in range(people)]
    )
    RoleGrant.objects.bulk_create([RoleGrant(user=u, role=Role.RESIDENT, area=community) for u in users])
    tokens = Token.objects.bulk_create([Token(user=u, key=Token.generate_key()) for u in users])
    total = max(LIST_VOLUNTEERS, people)
    phones = [f"139{i:08d}" for i in range(total)]
    enc, hashes = encrypt_many(phones), pii_hash_many("phone", phones)
    Volunteer.objects.bulk_create(
        [
            Volunteer(
                user=users[i] if i < people else None,
                number=new_volunteer_number(),
                name=f"志愿者{i}",
                phone=enc[i],
                phone_hash=hashes[i],
                community=community,
                scope_path=community.path,
            )
            for i in range(total)
        ],
        batch_size=2000,
    )
    Path(tokens_file).write_text(json.dumps([t.key for t in tokens]))
    # The SQL of one sign-up through the view, and of the volunteer list at two page sizes.
    probe = Client(HTTP_AUTHORIZATION=f"Token {tokens[-1].key}")
    with CaptureQueriesContext(connection) as signup_sql:
        response = probe.post(
            f"/api/volunteer-activities/{activity_ids[-1]}/signup/", {}, content_type="application/json"
        )
    assert response.status_code == 201, response.content
    from quanyu.volunteering.models import Activity, Signup

    Signup.objects.filter(volunteer__user=users[-1]).delete()
    Activity.objects.filter(pk=activity_ids[-1]).update(taken=0, arrivals=0)
    lister = Client()
    lister.force_login(staff)
    counts = {}
    for size in (20, 100):
        with CaptureQueriesContext(connection) as q:
            assert lister.get(f"/api/volunteers/?page_size={size}").status_code == 200
        counts[size] = len(q.captured_queries)
    return {
        "activities": activity_ids,
        "queries_per_signup": len(signup_sql.captured_queries),
        "list_queries_by_page_size": counts,
        "staff_token": Token.objects.create(user=staff).key,
    }


async def _person(
    port: int, token: str, activity: int, latencies: list[float], statuses: list[str], errors: list[str]
) -> None:
    body = b"{}"
    request = (
        f"POST /api/volunteer-activities/{activity}/signup/ HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        f"Authorization: Token {token}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    ).encode() + body
    t0 = time.perf_counter()
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(request)
        head = await reader.readuntil(b"\r\n\r\n")
        lower = head.lower()
        at = lower.find(b"content-length:")
        length = int(lower[at + 15 : lower.find(b"\r\n", at)]) if at >= 0 else 0
        payload = await reader.readexactly(length)
        writer.close()
    except (OSError, asyncio.IncompleteReadError, ValueError) as exc:
        errors.append(repr(exc))
        return
    latencies.append(time.perf_counter() - t0)
    status = int(head[9:12])
    if status != 201:
        errors.append(f"{status} {payload[:200]!r}")
        return
    statuses.append(json.loads(payload)["status"])


async def warm_up(port: int, activity: int, requests: int = 40) -> None:
    """As on a server that has been up: sign-ups with a token that does not exist (each refused,
    401, nothing written) reach every worker, start its lane writers and open their connections."""
    latencies: list[float] = []
    await asyncio.gather(*(_person(port, "0" * 40, activity, latencies, [], []) for _i in range(requests)))


async def burst(
    port: int, tokens: list[str], activities: list[int], clients: int, seed: int
) -> dict[str, Any]:
    """Everyone at once, ``clients`` requests in flight; a few activities draw most people."""
    rng = random.Random(seed)
    weights = [3.0 if i < len(activities) // 5 else 1.0 for i in range(len(activities))]
    choices = rng.choices(activities, weights=weights, k=len(tokens))
    latencies: list[float] = []
    statuses: list[str] = []
    errors: list[str] = []
    gate = asyncio.Semaphore(clients)

    async def one(token: str, activity: int) -> None:
        async with gate:
            await _person(port, token, activity, latencies, statuses, errors)

    start = time.perf_counter()
    await asyncio.gather(*(one(t, a) for t, a in zip(tokens, choices, strict=True)))
    elapsed = time.perf_counter() - start
    flat = sorted(latencies)
    n = len(flat)

    def pct(p: float) -> float:
        return round(1000 * flat[min(n - 1, int(p * n))], 2) if n else float("nan")

    return {
        "signups": len(statuses),
        "seconds": round(elapsed, 3),
        "signups_per_s": round(len(statuses) / elapsed, 1) if elapsed else None,
        "p50_ms": pct(0.5),
        "p90_ms": pct(0.9),
        "p99_ms": pct(0.99),
        "max_ms": round(1000 * flat[-1], 2) if n else None,
        "confirmed": statuses.count("confirmed"),
        "waiting": statuses.count("waiting"),
        "errors": len(errors),
        "error_samples": errors[:5],
    }


def list_timing(port: int, token: str, pages: int = 40) -> dict[str, Any]:
    """Server time of the volunteer list (31,000 rows in scope), pages spread over the register."""
    import http.client

    times = []
    for i in range(pages):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        page = 1 + (i * 37) % (LIST_VOLUNTEERS // 50)
        t0 = time.perf_counter()
        conn.request(
            "GET", f"/api/volunteers/?page={page}&page_size=50", headers={"Authorization": f"Token {token}"}
        )
        response = conn.getresponse()
        response.read()
        times.append(time.perf_counter() - t0)
        assert response.status == 200, response.status
    times.sort()
    return {
        "pages": pages,
        "p50_ms": round(1000 * times[len(times) // 2], 2),
        "p95_ms": round(1000 * times[int(0.95 * len(times))], 2),
    }


def check_database(db_url: str) -> dict[str, Any]:
    import psycopg

    with psycopg.connect(db_url) as conn:
        over = conn.execute(
            """SELECT COALESCE(SUM(GREATEST(c.n - a.capacity, 0)), 0) FROM volunteering_activity a
               JOIN (SELECT activity_id, COUNT(*) n FROM volunteering_signup WHERE status = 'confirmed'
                     GROUP BY activity_id) c ON c.activity_id = a.id"""
        ).fetchone()
        dup = conn.execute(
            """SELECT COUNT(*) FROM (SELECT activity_id, volunteer_id FROM volunteering_signup
               GROUP BY 1, 2 HAVING COUNT(*) > 1) d"""
        ).fetchone()
        gaps = conn.execute(
            """SELECT COUNT(*) FROM volunteering_activity a WHERE a.arrivals <> (
                 SELECT COUNT(DISTINCT position) FROM volunteering_signup s WHERE s.activity_id = a.id)
               OR a.taken <> (SELECT COUNT(*) FROM volunteering_signup s
                              WHERE s.activity_id = a.id AND s.status = 'confirmed')"""
        ).fetchone()
        unfair = conn.execute(
            """SELECT COUNT(*) FROM volunteering_signup w JOIN volunteering_signup c
               ON c.activity_id = w.activity_id AND w.status = 'waiting' AND c.status = 'confirmed'
               AND c.position > w.position"""
        ).fetchone()
    return {
        "overbooked": int(over[0]) if over else None,
        "duplicates": int(dup[0]) if dup else None,
        "activities_with_counter_mismatch": int(gaps[0]) if gaps else None,
        "waiting_ahead_of_confirmed": int(unfair[0]) if unfair else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432/bench_signup")
    parser.add_argument("--people", type=int, default=2000)
    parser.add_argument("--activities", type=int, default=50)
    parser.add_argument("--capacity", type=int, default=30)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--server", choices=("uvicorn", "gunicorn"), default="uvicorn")
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--phase", default="main")
    parser.add_argument("--tokens-file", default="")
    args = parser.parse_args()
    if args.workers is None:
        args.workers = 2 if args.server == "uvicorn" else 3
    if args.phase == "setup":
        print(json.dumps(setup_phase(args.people, args.activities, args.capacity, args.tokens_file)))
        return

    from _util import write_result

    recreate_database(args.pg)
    env = env_for(args.pg)
    env["QUANYU_REQUIRE_OTP"] = "0"  # the staff list is read with a plain token (no second step)
    tokens_file = str(ROOT / "bench" / "results" / ".signup-tokens.json")
    setup = subprocess.run(
        [
            sys.executable,
            __file__,
            "--phase",
            "setup",
            "--pg",
            args.pg,
            "--people",
            str(args.people),
            "--activities",
            str(args.activities),
            "--capacity",
            str(args.capacity),
            "--tokens-file",
            tokens_file,
        ],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if setup.returncode != 0:
        raise SystemExit(f"setup failed:\n{setup.stdout}\n{setup.stderr}")
    info = json.loads(setup.stdout.strip().splitlines()[-1])
    tokens = json.loads(Path(tokens_file).read_text())
    Path(tokens_file).unlink()
    port = free_port()
    bin_dir = Path(sys.executable).parent
    if args.server == "uvicorn":
        command = [
            str(bin_dir / "uvicorn"),
            "quanyu.asgi:application",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(args.workers),
            "--loop",
            "uvloop",
            "--http",
            "httptools",
            "--no-access-log",
            "--log-level",
            "warning",
        ]
    else:
        command = [str(bin_dir / "gunicorn"), "quanyu.wsgi:application", "-b", f"127.0.0.1:{port}"]
        command += ["-w", str(args.workers), "-k", "sync", "--log-level", "warning"]
    server = subprocess.Popen(command, env=env, cwd=str(ROOT), start_new_session=True)
    try:
        from intake import wait_for

        wait_for(port, info["staff_token"])
        asyncio.run(warm_up(port, info["activities"][0]))
        split = CpuSplit(server.pid, args.pg)
        before = split.snapshot()
        result_burst = asyncio.run(burst(port, tokens, info["activities"], args.clients, seed=7))
        after = split.snapshot()
        cpu = CpuSplit.spent(before, after)
        listing = list_timing(port, info["staff_token"])
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    checks = check_database(args.pg)
    n = result_burst["signups"] or 1
    result_burst["cpu_ms_per_signup"] = {part: round(1000 * spent / n, 3) for part, spent in cpu.items()}
    figures = {
        "signups_per_s": result_burst["signups_per_s"],
        "p99_ms": result_burst["p99_ms"],
        "overbooked": checks["overbooked"],
        "list_p95_ms": listing["p95_ms"],
        "burst": result_burst,
        "database": checks,
        "queries_per_signup": info["queries_per_signup"],
        "volunteer_list": {
            "volunteers": LIST_VOLUNTEERS,
            **listing,
            "queries_by_page_size": info["list_queries_by_page_size"],
        },
    }
    write_result(
        "signup",
        figures=figures,
        reference=None,
        targets={"signups_per_s": 500, "p99_ms": 100, "overbooked": 0, "list_p95_ms": 100},
        meets_target={
            "signups_per_s": (result_burst["signups_per_s"] or 0) >= 500,
            "p99_ms": result_burst["p99_ms"] < 100,
            "overbooked": checks["overbooked"] == 0 and checks["duplicates"] == 0,
            "list_p95_ms": listing["p95_ms"] < 100,
        },
        note="no reference implementation: the targets are the issue's",
        scenario=f"{args.people} people sign up for {args.activities} activities of "
        f"{args.capacity} places at once: POST /api/volunteer-activities/<id>/signup/ "
        f"through {args.server} on PostgreSQL",
        server={"server": args.server, "workers": args.workers},
        clients_in_flight=args.clients,
    )
    b = result_burst
    print(
        f"signup: {b['signups']} in {b['seconds']} s = {b['signups_per_s']}/s, p50 {b['p50_ms']} ms, "
        f"p99 {b['p99_ms']} ms, errors {b['errors']}; confirmed {b['confirmed']}, waiting {b['waiting']}"
    )
    print(f"database: {checks}")
    print(f"volunteer list at {LIST_VOLUNTEERS}: {listing}, queries {info['list_queries_by_page_size']}")
    print("wrote bench/results/signup.json")


if __name__ == "__main__":
    main()
